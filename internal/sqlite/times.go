package sqlite

import (
	"fmt"
	"time"
)

// Times are stored as INTEGER unix milliseconds (UTC); the zero time.Time
// is stored as NULL so "never" never compares as a real instant.

// msOrNull is the column value for t.
func msOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// timeCol scans a unix-millisecond column (NULL meaning zero) into a UTC
// time.Time.
type timeCol struct{ dst *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.dst = time.Time{}
	case int64:
		*c.dst = time.UnixMilli(v).UTC()
	default:
		return fmt.Errorf("sqlite: time column holds %T, want integer", v)
	}
	return nil
}

// b2i is the INTEGER a bool is stored as.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
