package postgres

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

// Times are stored as BIGINT unix milliseconds (UTC), exactly as the
// SQLite store keeps them, so rows copy between the two unchanged; the
// zero time.Time is stored as NULL so "never" never compares as a real
// instant.

// msOrNull is the column value for t.
func msOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// msCol scans a unix-millisecond column (NULL meaning zero) into a UTC
// time.Time.
type msCol struct{ dst *time.Time }

// ScanInt64 implements pgtype.Int64Scanner.
func (c msCol) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*c.dst = time.Time{}
		return nil
	}
	*c.dst = time.UnixMilli(v.Int64).UTC()
	return nil
}

// blobOrNull stores an empty byte slice as NULL, which scans back as nil:
// empty and nil are one value, as in the SQLite store.
func blobOrNull(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// storable reports whether PostgreSQL can hold s as text: valid UTF-8
// without NUL bytes.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// note makes free text that is only recorded and shown, never matched (a
// user agent, a reason, a mail body, an error message), storable: NUL
// bytes and invalid UTF-8 become U+FFFD. Failing a login because a
// browser sent a stray byte in its User-Agent would be worse than losing
// the byte. Values that are matched (ids, emails, keys) are stored
// exactly or refused.
func note(s string) string {
	if storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
