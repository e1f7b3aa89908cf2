package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const userCols = `id, collection_id, email, email_visibility, verified, name, avatar,
	password_hash, created, updated, profile, status`

func scanUser(r pgx.Row) (core.User, error) {
	var u core.User
	err := r.Scan(&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
		&u.Name, &u.Avatar, &u.PasswordHash, msCol{&u.Created}, msCol{&u.Updated},
		profileCol{&u.Profile}, (*string)(&u.Status))
	return u, err
}

// InsertUser adds a user; a taken id, or a taken email in the same
// collection, wraps core.ErrConflict.
func (q queries) InsertUser(ctx context.Context, u core.User) error {
	profile, err := profileArg(u.Profile)
	if err != nil {
		return fmt.Errorf("postgres: insert user: %w", err)
	}
	_, err = q.exec(ctx, "insert user", `INSERT INTO users (`+userCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		u.ID, u.CollectionID, u.Email, u.EmailVisibility, u.Verified,
		u.Name, u.Avatar, u.PasswordHash, msOrNull(u.Created), msOrNull(u.Updated),
		profile, string(u.Status.OrActive()))
	return err
}

// UpdateUser replaces every stored field of the user matched by collection
// and id (Created, the profile document and the status included). A
// missing user wraps core.ErrNotFound, a taken email core.ErrConflict.
func (q queries) UpdateUser(ctx context.Context, u core.User) error {
	profile, err := profileArg(u.Profile)
	if err != nil {
		return fmt.Errorf("postgres: update user: %w", err)
	}
	return q.execOne(ctx, "update user", `UPDATE users SET email = $1, email_visibility = $2,
		verified = $3, name = $4, avatar = $5, password_hash = $6, created = $7, updated = $8,
		profile = $9, status = $10
		WHERE collection_id = $11 AND id = $12`,
		u.Email, u.EmailVisibility, u.Verified, u.Name, u.Avatar, u.PasswordHash,
		msOrNull(u.Created), msOrNull(u.Updated), profile, string(u.Status.OrActive()), u.CollectionID, u.ID)
}

// DeleteUser removes a user; its sessions (and their refresh tokens),
// tokens, login state, factors and links go with it (ON DELETE CASCADE),
// its audit events stay. A missing user wraps core.ErrNotFound.
func (q queries) DeleteUser(ctx context.Context, collectionID, id string) error {
	return q.execOne(ctx, "delete user",
		`DELETE FROM users WHERE collection_id = $1 AND id = $2`, collectionID, id)
}

// UserByID returns a user of the collection by id.
func (q queries) UserByID(ctx context.Context, collectionID, id string) (core.User, error) {
	return get(ctx, q, "user by id", `SELECT `+userCols+` FROM users WHERE collection_id = $1 AND id = $2`,
		[]any{collectionID, id}, scanUser)
}

// UserByEmail returns the user of the collection whose email is exactly
// email. An empty email matches no one: users without an email cannot be
// found by it.
func (q queries) UserByEmail(ctx context.Context, collectionID, email string) (core.User, error) {
	if email == "" {
		return core.User{}, notFound("user by email")
	}
	// "email <> ''" lets the planner use the partial unique index
	// users_collection_email: it cannot prove it for a parameter.
	return get(ctx, q, "user by email", `SELECT `+userCols+` FROM users WHERE collection_id = $1 AND email = $2 AND email <> ''`,
		[]any{collectionID, email}, scanUser)
}

// CountUsers counts the users of a collection.
func (q queries) CountUsers(ctx context.Context, collectionID string) (int, error) {
	return get(ctx, q, "count users", `SELECT COUNT(*) FROM users WHERE collection_id = $1`,
		[]any{collectionID}, scanInt)
}

// ListUsers returns one page of a collection's users matching q.Filter in
// q.Sort order, and (unless q.SkipTotal) how many match in all. The page
// and the total are read from one snapshot.
func (q queries) ListUsers(ctx context.Context, collectionID string, uq core.UserQuery) (core.UserPage, error) {
	where, args, err := userWhere(collectionID, uq.Filter)
	if err != nil {
		return core.UserPage{}, err
	}
	order, err := userOrder(uq.Sort)
	if err != nil {
		return core.UserPage{}, err
	}
	if uq.Limit < 0 || uq.Offset < 0 {
		return core.UserPage{}, errBadQuery
	}
	// LIMIT NULL is PostgreSQL's "no limit".
	var limit any
	if uq.Limit > 0 {
		limit = uq.Limit
	}
	n := len(args)
	pageArgs := slices.Concat(args, []any{limit, uq.Offset})
	page := core.UserPage{Total: -1}
	err = q.inTx(ctx, "list users", snapshot(), func(ctx context.Context, c querier) error {
		page.Users = []core.User{}
		err := collect(ctx, c, `SELECT `+userCols+` FROM users WHERE `+where+
			` ORDER BY `+order+` LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), pageArgs, scanUser, &page.Users)
		if err != nil || uq.SkipTotal {
			return err
		}
		return c.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE `+where, args...).Scan(&page.Total)
	})
	if err != nil {
		return core.UserPage{}, err
	}
	return page, nil
}

// scanInt scans a single integer column.
func scanInt(r pgx.Row) (int, error) {
	var n int
	err := r.Scan(&n)
	return n, err
}
