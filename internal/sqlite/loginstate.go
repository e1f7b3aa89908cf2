package sqlite

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// LoginState returns the user's failed-login state; a user without one
// wraps core.ErrNotFound.
func (q queries) LoginState(ctx context.Context, userID string) (core.LoginState, error) {
	s := core.LoginState{UserID: userID}
	err := q.read.QueryRowContext(ctx, `SELECT failures, first_failure, locked_until
		FROM login_states WHERE user_id = ?`, userID).Scan(
		&s.Failures, timeCol{&s.FirstFailure}, timeCol{&s.LockedUntil})
	if err != nil {
		return core.LoginState{}, wrap("login state", err)
	}
	return s, nil
}

// PutLoginState inserts or replaces the user's state, every field of it.
// A user that does not exist wraps core.ErrNotFound.
func (q queries) PutLoginState(ctx context.Context, s core.LoginState) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO login_states
		(user_id, failures, first_failure, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures,
		first_failure = excluded.first_failure, locked_until = excluded.locked_until`,
		s.UserID, s.Failures, msOrNull(s.FirstFailure), msOrNull(s.LockedUntil))
	return wrap("put login state", err)
}

// DeleteLoginState removes the user's state; removing none is not an
// error.
func (q queries) DeleteLoginState(ctx context.Context, userID string) error {
	_, err := q.write.ExecContext(ctx, `DELETE FROM login_states WHERE user_id = ?`, userID)
	return wrap("delete login state", err)
}
