package postgres

import (
	"github.com/gatehouse/gatehouse/internal/core"
)

// A user's profile document is stored as jsonb in users.profile, NULL
// when the user has none. jsonb keeps the document's values, not its
// spelling (see migration 00004); core.DecodeProfile reads it back with
// every number's digits.

// profileArg is the column value for a profile document: its JSON text,
// or nil (NULL).
func profileArg(doc map[string]any) (any, error) {
	b, err := core.EncodeProfile(doc)
	if err != nil || b == nil {
		return nil, err
	}
	return string(b), nil
}

// profileCol scans users.profile into a document (nil for NULL).
type profileCol struct{ dst *map[string]any }

// ScanBytes receives the column as JSON text; pgx calls it through the
// BytesScanner interface.
func (c profileCol) ScanBytes(v []byte) error {
	doc, err := core.DecodeProfile(v)
	*c.dst = doc
	return err
}
