package postgres

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

// LoginState returns the user's failed-login state; a user without one
// wraps core.ErrNotFound.
func (q queries) LoginState(ctx context.Context, userID string) (core.LoginState, error) {
	return get(ctx, q, "login state", `SELECT failures, first_failure, locked_until
		FROM login_states WHERE user_id = $1`, []any{userID}, func(r pgx.Row) (core.LoginState, error) {
		s := core.LoginState{UserID: userID}
		err := r.Scan(&s.Failures, msCol{&s.FirstFailure}, msCol{&s.LockedUntil})
		return s, err
	})
}

// PutLoginState inserts or replaces the user's state, every field of it.
// A user that does not exist wraps core.ErrNotFound.
func (q queries) PutLoginState(ctx context.Context, s core.LoginState) error {
	_, err := q.exec(ctx, "put login state", `INSERT INTO login_states
		(user_id, failures, first_failure, locked_until) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures,
		first_failure = excluded.first_failure, locked_until = excluded.locked_until`,
		s.UserID, s.Failures, msOrNull(s.FirstFailure), msOrNull(s.LockedUntil))
	return err
}

// DeleteLoginState removes the user's state; removing none is not an
// error.
func (q queries) DeleteLoginState(ctx context.Context, userID string) error {
	_, err := q.exec(ctx, "delete login state", `DELETE FROM login_states WHERE user_id = $1`, userID)
	return err
}
