package sqlite

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Client-supplied filters and sorts reach SQL only as bound parameters and
// as column names from the fixed list in userColumn, so no client text is
// ever part of a query string.

// errBadQuery reports a filter, sort or page core should have rejected.
var errBadQuery = errors.New("sqlite: invalid user query")

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
	b := &filterSQL{args: []any{collectionID}}
	b.sb.WriteString("collection_id = ?")
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

func (b *filterSQL) filter(f core.Filter) error {
	switch f := f.(type) {
	case core.Cond:
		return b.cond(f)
	case core.And:
		return b.join(f, " AND ", "1") // an empty And matches everything
	case core.Or:
		return b.join(f, " OR ", "0") // an empty Or matches nothing
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

func (b *filterSQL) cond(c core.Cond) error {
	col, ok := userColumn(c.Field)
	if !ok {
		return errBadQuery
	}
	var val any
	switch v := c.Value.(type) {
	case string:
		val = v
	case bool:
		val = b2i(v)
	case time.Time:
		// Not msOrNull: a zero time in a filter is a real bound
		// (year 1), and created/updated are never NULL.
		val = v.UnixMilli()
	default:
		return errBadQuery
	}
	var op string
	switch c.Op {
	case core.OpEq:
		op = " = ?"
	case core.OpNeq:
		op = " != ?"
	case core.OpGt:
		op = " > ?"
	case core.OpGte:
		op = " >= ?"
	case core.OpLt:
		op = " < ?"
	case core.OpLte:
		op = " <= ?"
	case core.OpLike, core.OpNotLike:
		s, ok := val.(string)
		if !ok {
			return errBadQuery
		}
		// SQLite's LIKE ignores case (ASCII letters only, without ICU).
		op = ` LIKE ? ESCAPE '\'`
		if c.Op == core.OpNotLike {
			op = ` NOT LIKE ? ESCAPE '\'`
		}
		val = "%" + escapeLike(s) + "%"
	default:
		return errBadQuery
	}
	b.sb.WriteString(col + op)
	b.args = append(b.args, val)
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

// pageBounds turns a page request into LIMIT and OFFSET values; SQLite
// reads a negative LIMIT as "no limit".
func pageBounds(limit, offset int) (int, int, error) {
	if limit < 0 || offset < 0 {
		return 0, 0, errBadQuery
	}
	if limit == 0 {
		limit = -1
	}
	return limit, offset, nil
}
