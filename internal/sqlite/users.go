package sqlite

import (
	"context"
	"fmt"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
)

const userCols = `id, collection_id, email, email_visibility, verified, name, avatar,
	password_hash, created, updated, profile, status`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (core.User, error) {
	var u core.User
	err := s.Scan(&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
		&u.Name, &u.Avatar, &u.PasswordHash, timeCol{&u.Created}, timeCol{&u.Updated},
		profileCol{&u.Profile}, (*string)(&u.Status))
	return u, err
}

// InsertUser adds a user; a taken id, or a taken email in the same
// collection, wraps core.ErrConflict.
func (q queries) InsertUser(ctx context.Context, u core.User) error {
	profile, err := profileArg(u.Profile)
	if err != nil {
		return fmt.Errorf("sqlite: insert user: %w", err)
	}
	_, err = q.write.ExecContext(ctx, `INSERT INTO users (`+userCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.CollectionID, u.Email, b2i(u.EmailVisibility), b2i(u.Verified),
		u.Name, u.Avatar, u.PasswordHash, msOrNull(u.Created), msOrNull(u.Updated),
		profile, string(u.Status.OrActive()))
	return wrap("insert user", err)
}

// UpdateUser replaces every stored field of the user matched by collection
// and id (Created, the profile document and the status included). A missing user wraps core.ErrNotFound, a
// taken email core.ErrConflict.
func (q queries) UpdateUser(ctx context.Context, u core.User) error {
	profile, err := profileArg(u.Profile)
	if err != nil {
		return fmt.Errorf("sqlite: update user: %w", err)
	}
	res, err := q.write.ExecContext(ctx, `UPDATE users SET email = ?, email_visibility = ?,
		verified = ?, name = ?, avatar = ?, password_hash = ?, created = ?, updated = ?,
		profile = ?, status = ?
		WHERE collection_id = ? AND id = ?`,
		u.Email, b2i(u.EmailVisibility), b2i(u.Verified), u.Name, u.Avatar, u.PasswordHash,
		msOrNull(u.Created), msOrNull(u.Updated), profile, string(u.Status.OrActive()), u.CollectionID, u.ID)
	return mustAffect("update user", res, err)
}

// DeleteUser removes a user; its sessions (and their refresh tokens),
// one-time tokens and login state go with it (ON DELETE CASCADE), its
// audit events stay. A missing user wraps core.ErrNotFound.
func (q queries) DeleteUser(ctx context.Context, collectionID, id string) error {
	res, err := q.write.ExecContext(ctx,
		`DELETE FROM users WHERE collection_id = ? AND id = ?`, collectionID, id)
	return mustAffect("delete user", res, err)
}

// UserByID returns a user of the collection by id.
func (q queries) UserByID(ctx context.Context, collectionID, id string) (core.User, error) {
	u, err := scanUser(q.read.QueryRowContext(ctx,
		`SELECT `+userCols+` FROM users WHERE collection_id = ? AND id = ?`, collectionID, id))
	return u, wrap("user by id", err)
}

// userByEmailQuery says "email != ”" so that SQLite can use the partial
// unique index users_collection_email; without it every login scans the
// collection.
const userByEmailQuery = `SELECT ` + userCols + ` FROM users WHERE collection_id = ? AND email = ? AND email != ''`

// UserByEmail returns the user of the collection whose email is exactly
// email. An empty email matches no one: users without an email cannot be
// found by it.
func (q queries) UserByEmail(ctx context.Context, collectionID, email string) (core.User, error) {
	if email == "" {
		return core.User{}, notFound("user by email")
	}
	u, err := scanUser(q.read.QueryRowContext(ctx,
		userByEmailQuery, collectionID, email))
	return u, wrap("user by email", err)
}

// CountUsers counts the users of a collection.
func (q queries) CountUsers(ctx context.Context, collectionID string) (int, error) {
	var n int
	err := q.read.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM users WHERE collection_id = ?`, collectionID).Scan(&n)
	return n, wrap("count users", err)
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
	limit, offset, err := pageBounds(uq.Limit, uq.Offset)
	if err != nil {
		return core.UserPage{}, err
	}
	page := core.UserPage{Users: []core.User{}, Total: -1}
	err = q.snapshot(ctx, func(r execer) error {
		rows, err := r.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE `+where+
			` ORDER BY `+order+` LIMIT ? OFFSET ?`, slices.Concat(args, []any{limit, offset})...)
		if err != nil {
			return err
		}
		if page.Users, err = collectUsers(rows); err != nil {
			return err
		}
		if uq.SkipTotal {
			return nil
		}
		return r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE `+where, args...).Scan(&page.Total)
	})
	if err != nil {
		return core.UserPage{}, wrap("list users", err)
	}
	return page, nil
}

func collectUsers(rows *rows) ([]core.User, error) {
	defer rows.Close()
	users := []core.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}
