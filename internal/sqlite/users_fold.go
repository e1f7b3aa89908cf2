package sqlite

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// foldQuery names its index: without statistics SQLite's planner would
// rather walk users_collection_created for the ORDER BY, reading every
// user of the collection.
const foldQuery = `SELECT ` + userCols + ` FROM users INDEXED BY users_collection_email_lower
	WHERE collection_id = ? AND lower(email) = lower(?) AND email != ''
	ORDER BY created, id LIMIT ?`

// UsersByEmailFold returns up to limit users of the collection whose
// email equals email ignoring ASCII letter case. SQLite's lower() folds
// ASCII only, which is the rule core.Store asks for, and the expression
// index users_collection_email_lower (migration 00005) serves the query.
func (q queries) UsersByEmailFold(ctx context.Context, collectionID, email string, limit int) ([]core.User, error) {
	if email == "" || limit <= 0 {
		return []core.User{}, nil
	}
	rows, err := q.read.QueryContext(ctx, foldQuery, collectionID, email, limit)
	if err != nil {
		return nil, wrap("users by email fold", err)
	}
	users, err := collectUsers(rows)
	return users, wrap("users by email fold", err)
}
