package postgres

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Client-supplied filters and sorts reach SQL only as bound parameters and
// as column names from the fixed list in userColumn, so no client text is
// ever part of a query string.

// errBadQuery reports a filter, sort or page core should have rejected.
var errBadQuery = errors.New("postgres: invalid user query")

// userColumn maps a filterable, sortable user field to its column.
func userColumn(field string) (string, bool) {
	switch field {
	case "id":
		return "id", true
	case "email":
		return "email", true
	case "emailVisibility":
		return "email_visibility", true
	case "verified":
		return "verified", true
	case "name":
		return "name", true
	case "avatar":
		return "avatar", true
	case "created":
		return "created", true
	case "updated":
		return "updated", true
	}
	return "", false
}

// userWhere builds the WHERE clause of a user list: always the collection,
// and the filter in parentheses so an Or cannot escape it.
func userWhere(collectionID string, f core.Filter) (string, []any, error) {
	if !core.CheckFilter(f) {
		return "", nil, errBadQuery
	}
	b := &filterSQL{}
	b.sb.WriteString("collection_id = " + b.arg(collectionID))
	if f != nil {
		b.sb.WriteString(" AND (")
		if err := b.filter(f); err != nil {
			return "", nil, err
		}
		b.sb.WriteString(")")
	}
	return b.sb.String(), b.args, nil
}

type filterSQL struct {
	sb   strings.Builder
	args []any
}

// arg binds v and returns its placeholder.
func (b *filterSQL) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *filterSQL) filter(f core.Filter) error {
	switch f := f.(type) {
	case core.Cond:
		return b.cond(f)
	case core.And:
		return b.join(f, " AND ", "TRUE") // an empty And matches everything
	case core.Or:
		return b.join(f, " OR ", "FALSE") // an empty Or matches nothing
	}
	return errBadQuery
}

func (b *filterSQL) join(parts []core.Filter, sep, empty string) error {
	if len(parts) == 0 {
		b.sb.WriteString(empty)
		return nil
	}
	for i, p := range parts {
		if i > 0 {
			b.sb.WriteString(sep)
		}
		b.sb.WriteString("(")
		if err := b.filter(p); err != nil {
			return err
		}
		b.sb.WriteString(")")
	}
	return nil
}

// comparison maps the ordering operators to SQL.
func comparison(op core.Op) (string, bool) {
	switch op {
	case core.OpEq:
		return " = ", true
	case core.OpNeq:
		return " <> ", true
	case core.OpGt:
		return " > ", true
	case core.OpGte:
		return " >= ", true
	case core.OpLt:
		return " < ", true
	case core.OpLte:
		return " <= ", true
	}
	return "", false
}

func (b *filterSQL) cond(c core.Cond) error {
	col, ok := userColumn(c.Field)
	if !ok {
		return errBadQuery
	}
	if c.Op == core.OpLike || c.Op == core.OpNotLike {
		s, ok := c.Value.(string)
		if !ok {
			return errBadQuery
		}
		if !storable(s) {
			// No stored text holds a NUL or invalid UTF-8, so no
			// value contains this one.
			if c.Op == core.OpLike {
				b.sb.WriteString("FALSE")
			} else {
				b.sb.WriteString("TRUE")
			}
			return nil
		}
		// ILIKE ignores case; the pattern matches s as a substring,
		// every character of it literally.
		op := " ILIKE "
		if c.Op == core.OpNotLike {
			op = " NOT ILIKE "
		}
		b.sb.WriteString(col + op + b.arg("%"+escapeLike(s)+"%") + ` ESCAPE '\'`)
		return nil
	}
	op, ok := comparison(c.Op)
	if !ok {
		return errBadQuery
	}
	switch v := c.Value.(type) {
	case string:
		if !storable(v) {
			// Compare the bytes, as SQLite does: text is COLLATE "C",
			// which orders exactly as its UTF-8 bytes do.
			b.sb.WriteString("convert_to(" + col + ", 'UTF8')" + op + b.arg([]byte(v)))
			return nil
		}
		b.sb.WriteString(col + op + b.arg(v))
	case bool:
		b.sb.WriteString(col + op + b.arg(v))
	case time.Time:
		// Not msOrNull: a zero time in a filter is a real bound
		// (year 1), and created/updated are never NULL.
		b.sb.WriteString(col + op + b.arg(v.UnixMilli()))
	default:
		return errBadQuery
	}
	return nil
}

// escapeLike makes every character of s match itself in a LIKE pattern
// with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// userOrder builds the ORDER BY of a user list. id always ends it, so
// pages are stable when sort keys tie.
func userOrder(sort []core.SortField) (string, error) {
	if len(sort) == 0 {
		return "created ASC, id ASC", nil
	}
	parts := make([]string, 0, len(sort)+1)
	byID := false
	for _, s := range sort {
		col, ok := userColumn(s.Field)
		if !ok {
			return "", fmt.Errorf("%w: sort by %q", errBadQuery, s.Field)
		}
		dir := " ASC"
		if s.Desc {
			dir = " DESC"
		}
		parts = append(parts, col+dir)
		byID = byID || col == "id"
	}
	if !byID {
		parts = append(parts, "id ASC")
	}
	return strings.Join(parts, ", "), nil
}
