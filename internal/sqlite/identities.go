package sqlite

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

const identityCols = `id, user_id, collection_id, provider, provider_id, created`

func scanIdentity(s scanner) (core.Identity, error) {
	var i core.Identity
	err := s.Scan(&i.ID, &i.UserID, &i.CollectionID, &i.Provider, &i.ProviderID, timeCol{&i.Created})
	return i, err
}

// InsertIdentity links a user to a provider account. The user must exist
// in the identity's collection: the row is inserted only if the user is
// found there, in the same statement, so a link can never point across
// collections. A missing user (or one of another collection) wraps
// core.ErrNotFound; a taken id, a provider account already linked in the
// collection, or a second link of the user to the provider wraps
// core.ErrConflict. An empty provider or provider id is refused with a
// plain error by the schema.
func (q queries) InsertIdentity(ctx context.Context, i core.Identity) error {
	res, err := q.write.ExecContext(ctx, `INSERT INTO identities (`+identityCols+`)
		SELECT ?, id, collection_id, ?, ?, ? FROM users WHERE id = ? AND collection_id = ?`,
		i.ID, i.Provider, i.ProviderID, msOrNull(i.Created), i.UserID, i.CollectionID)
	return mustAffect("insert identity", res, err)
}

// IdentityByProvider returns the link of the provider account in the
// collection; names and ids match exactly.
func (q queries) IdentityByProvider(ctx context.Context, collectionID, provider, providerID string) (core.Identity, error) {
	i, err := scanIdentity(q.read.QueryRowContext(ctx, `SELECT `+identityCols+` FROM identities
		WHERE collection_id = ? AND provider = ? AND provider_id = ?`, collectionID, provider, providerID))
	return i, wrap("identity by provider", err)
}

// ListUserIdentities returns the user's links oldest first (created, then
// id); none is an empty list.
func (q queries) ListUserIdentities(ctx context.Context, userID string) ([]core.Identity, error) {
	rows, err := q.read.QueryContext(ctx, `SELECT `+identityCols+` FROM identities
		WHERE user_id = ? ORDER BY created, id`, userID)
	if err != nil {
		return nil, wrap("list user identities", err)
	}
	defer rows.Close()
	out := []core.Identity{}
	for rows.Next() {
		i, err := scanIdentity(rows)
		if err != nil {
			return nil, wrap("list user identities", err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list user identities", err)
	}
	return out, nil
}

// DeleteIdentity removes one link of the user. The owner is part of the
// match, so a user cannot unlink another's account: that, like a missing
// link, wraps core.ErrNotFound.
func (q queries) DeleteIdentity(ctx context.Context, userID, id string) error {
	res, err := q.write.ExecContext(ctx, `DELETE FROM identities WHERE user_id = ? AND id = ?`, userID, id)
	return mustAffect("delete identity", res, err)
}

// DeleteUserIdentities removes every link of the user and returns how
// many went; a user without links is not an error.
func (q queries) DeleteUserIdentities(ctx context.Context, userID string) (int, error) {
	res, err := q.write.ExecContext(ctx, `DELETE FROM identities WHERE user_id = ?`, userID)
	return affected("delete user identities", res, err)
}
