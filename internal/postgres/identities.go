package postgres

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const identityCols = `id, user_id, collection_id, provider, provider_id, created`

func scanIdentity(r pgx.Row) (core.Identity, error) {
	var i core.Identity
	err := r.Scan(&i.ID, &i.UserID, &i.CollectionID, &i.Provider, &i.ProviderID, msCol{&i.Created})
	return i, err
}

// InsertIdentity links a user to a provider account. The user must exist
// in the identity's collection: the row is inserted only if the user is
// found there, in the same statement, so a link can never point across
// collections. A missing user (or one of another collection) wraps
// core.ErrNotFound; a taken id, a provider account already linked in the
// collection, or a second link of the user to the provider wraps
// core.ErrConflict. An empty provider or provider id, or a zero creation
// time, is refused with a plain error by the schema.
func (q queries) InsertIdentity(ctx context.Context, i core.Identity) error {
	n, err := q.exec(ctx, "insert identity", `INSERT INTO identities (`+identityCols+`)
		SELECT $1, id, collection_id, $2, $3, $4::bigint FROM users WHERE id = $5 AND collection_id = $6`,
		i.ID, i.Provider, i.ProviderID, msOrNull(i.Created), i.UserID, i.CollectionID)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("insert identity")
	}
	return nil
}

// IdentityByProvider returns the link of the provider account in the
// collection; names and ids match exactly.
func (q queries) IdentityByProvider(ctx context.Context, collectionID, provider, providerID string) (core.Identity, error) {
	return get(ctx, q, "identity by provider", `SELECT `+identityCols+` FROM identities
		WHERE collection_id = $1 AND provider = $2 AND provider_id = $3`,
		[]any{collectionID, provider, providerID}, scanIdentity)
}

// ListUserIdentities returns the user's links oldest first (created, then
// id); none is an empty list.
func (q queries) ListUserIdentities(ctx context.Context, userID string) ([]core.Identity, error) {
	return list(ctx, q, "list user identities", `SELECT `+identityCols+` FROM identities
		WHERE user_id = $1 ORDER BY created, id`, []any{userID}, scanIdentity)
}

// DeleteIdentity removes one link of the user. The owner is part of the
// match, so a user cannot unlink another's account: that, like a missing
// link, wraps core.ErrNotFound.
func (q queries) DeleteIdentity(ctx context.Context, userID, id string) error {
	return q.execOne(ctx, "delete identity", `DELETE FROM identities WHERE user_id = $1 AND id = $2`, userID, id)
}

// DeleteUserIdentities removes every link of the user and returns how
// many went; a user without links is not an error.
func (q queries) DeleteUserIdentities(ctx context.Context, userID string) (int, error) {
	return q.exec(ctx, "delete user identities", `DELETE FROM identities WHERE user_id = $1`, userID)
}
