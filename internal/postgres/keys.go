package postgres

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

// SigningKeys returns every signing key, newest first; keys created in the
// same millisecond go by id, descending, so every node orders them alike.
func (q queries) SigningKeys(ctx context.Context) ([]core.SigningKey, error) {
	return list(ctx, q, "signing keys", `SELECT id, algorithm, private, public, created, retired_at
		FROM signing_keys ORDER BY created DESC, id DESC`, nil, func(r pgx.Row) (core.SigningKey, error) {
		var k core.SigningKey
		err := r.Scan(&k.ID, &k.Algorithm, &k.Private, &k.Public, msCol{&k.Created}, msCol{&k.RetiredAt})
		return k, err
	})
}

// InsertSigningKey stores a key; a taken id wraps core.ErrConflict.
func (q queries) InsertSigningKey(ctx context.Context, k core.SigningKey) error {
	_, err := q.exec(ctx, "insert signing key", `INSERT INTO signing_keys
		(id, algorithm, private, public, created, retired_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.Algorithm, k.Private, k.Public, msOrNull(k.Created), msOrNull(k.RetiredAt))
	return err
}
