package sqlite

import (
	"fmt"

	"github.com/gatehouse/gatehouse/internal/core"
)

// A user's profile document is stored as JSON text in users.profile
// (core.EncodeProfile's form), NULL when the user has none.

// profileArg is the column value for a profile document.
func profileArg(doc map[string]any) (any, error) {
	b, err := core.EncodeProfile(doc)
	if err != nil || b == nil {
		return nil, err
	}
	return string(b), nil
}

// profileCol scans users.profile into a document (nil for NULL).
type profileCol struct{ dst *map[string]any }

// Scan implements sql.Scanner.
func (c profileCol) Scan(v any) error {
	var err error
	switch v := v.(type) {
	case nil:
		*c.dst = nil
	case string:
		*c.dst, err = core.DecodeProfile([]byte(v))
	case []byte:
		*c.dst, err = core.DecodeProfile(v)
	default:
		return fmt.Errorf("sqlite: profile column holds %T, want text", v)
	}
	return err
}
