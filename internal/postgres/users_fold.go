package postgres

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// UsersByEmailFold returns up to limit users of the collection whose
// email equals email ignoring ASCII letter case. The column's "C"
// collation makes lower() fold ASCII letters only, as SQLite's does, and
// the expression index users_collection_email_lower (migration 00003)
// serves the query. An email PostgreSQL cannot store matches no one.
func (q queries) UsersByEmailFold(ctx context.Context, collectionID, email string, limit int) ([]core.User, error) {
	if email == "" || limit <= 0 || !storable(email) || !storable(collectionID) {
		return []core.User{}, nil
	}
	return list(ctx, q, "users by email fold", `SELECT `+userCols+` FROM users
		WHERE collection_id = $1 AND lower(email) = lower($2 COLLATE "C") AND email <> ''
		ORDER BY created, id LIMIT $3`, []any{collectionID, email, limit}, scanUser)
}
