package sqlite

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// SigningKeys returns every signing key, newest first.
func (q queries) SigningKeys(ctx context.Context) ([]core.SigningKey, error) {
	rows, err := q.read.QueryContext(ctx, `SELECT id, algorithm, private, public, created, retired_at
		FROM signing_keys ORDER BY created DESC, rowid DESC`)
	if err != nil {
		return nil, wrap("signing keys", err)
	}
	defer rows.Close()
	keys := []core.SigningKey{}
	for rows.Next() {
		var k core.SigningKey
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.Private, &k.Public,
			timeCol{&k.Created}, timeCol{&k.RetiredAt}); err != nil {
			return nil, wrap("signing keys", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("signing keys", err)
	}
	return keys, nil
}

// InsertSigningKey stores a key; a taken id wraps core.ErrConflict.
func (q queries) InsertSigningKey(ctx context.Context, k core.SigningKey) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO signing_keys
		(id, algorithm, private, public, created, retired_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.Algorithm, k.Private, k.Public, msOrNull(k.Created), msOrNull(k.RetiredAt))
	return wrap("insert signing key", err)
}
