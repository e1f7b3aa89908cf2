package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// These methods let `gatehouse db copy` move rows between stores
// generically: by table and column name, with values as database/sql
// reads them from SQLite. Table and column names are checked against the
// live schema (information_schema) before any SQL is built from them, and
// are quoted as identifiers even then.

// copyTables are the store's tables in foreign-key order: every table
// comes after the tables it references. goose's own table is not one.
func copyTables() []string {
	return []string{
		"users", "sessions", "refresh_tokens", "one_time_tokens", "signing_keys", "outbox",
		"rate_limits", "login_states", "audit_events", "otps", "mfa_challenges",
		"totp_factors", "recovery_codes", "identities",
	}
}

// relayTables hold the realtime relay's per-node state (live streams and
// their undelivered events). They are not copied: SQLite has no
// counterpart, and a stream does not survive a move anyway.
func relayTables() []string { return []string{"realtime_clients", "realtime_messages"} }

// maxParams is PostgreSQL's limit on bound parameters per statement.
const maxParams = math.MaxUint16

// CopyTables returns the tables a copy moves, in foreign-key order (users
// first), so inserting them in this order never breaks a reference.
func (db *DB) CopyTables() []string { return copyTables() }

// column is one column of the live schema.
type column struct {
	name, dataType string
}

// tableColumns returns the schema that holds the store's tables and the
// columns of table there, in order. A table that is not one of
// CopyTables, or missing from the schema, is an error.
func (db *DB) tableColumns(ctx context.Context, table string) (string, []column, error) {
	if !slices.Contains(copyTables(), table) {
		return "", nil, fmt.Errorf("postgres: %q is not a gatehouse table", table)
	}
	schema, err := get(ctx, db.queries, "current schema", `SELECT current_schema()`, nil,
		func(r pgx.Row) (string, error) {
			var s string
			err := r.Scan(&s)
			return s, err
		})
	if err != nil {
		return "", nil, err
	}
	cols, err := list(ctx, db.queries, "table columns", `SELECT column_name, data_type
		FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
		ORDER BY ordinal_position`, []any{schema, table}, func(r pgx.Row) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.dataType)
		return c, err
	})
	if err != nil {
		return "", nil, err
	}
	if len(cols) == 0 {
		return "", nil, fmt.Errorf("postgres: table %q is not in schema %q (not migrated?)", table, schema)
	}
	return schema, cols, nil
}

// Columns returns the columns of table in schema order.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	_, cols, err := db.tableColumns(ctx, table)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names, nil
}

// Count returns how many rows table holds.
func (db *DB) Count(ctx context.Context, table string) (int, error) {
	schema, _, err := db.tableColumns(ctx, table)
	if err != nil {
		return 0, err
	}
	return get(ctx, db.queries, "count "+table,
		`SELECT COUNT(*) FROM `+pgx.Identifier{schema, table}.Sanitize(), nil, scanInt)
}

// ImportRows inserts rows (each holding the values of cols, in order) into
// table, skipping rows that collide with a stored one on any unique key
// (ON CONFLICT DO NOTHING), and returns how many it inserted. All rows go
// in one transaction: an error stores none of them. Values are converted
// where SQLite's differ: an integer 0 or 1 becomes a BOOLEAN, a string
// becomes BYTEA, bytes become TEXT, and JSON text becomes JSONB. A row whose parent is missing wraps
// core.ErrNotFound. A batch is bounded like any other call (QueryTimeout
// in all), so callers copy in batches of a few thousand rows.
func (db *DB) ImportRows(ctx context.Context, table string, cols []string, rows [][]any) (int, error) {
	schema, known, err := db.tableColumns(ctx, table)
	if err != nil {
		return 0, err
	}
	if len(cols) == 0 {
		return 0, fmt.Errorf("postgres: import %s: no columns", table)
	}
	types := make([]string, len(cols))
	quoted := make([]string, len(cols))
	for i, name := range cols {
		j := slices.IndexFunc(known, func(c column) bool { return c.name == name })
		if j < 0 {
			return 0, fmt.Errorf("postgres: import %s: no column %q", table, name)
		}
		if slices.Index(cols, name) != i {
			return 0, fmt.Errorf("postgres: import %s: column %q given twice", table, name)
		}
		types[i], quoted[i] = known[j].dataType, pgx.Identifier{name}.Sanitize()
	}
	args := make([]any, 0, len(rows)*len(cols))
	for n, row := range rows {
		if len(row) != len(cols) {
			return 0, fmt.Errorf("postgres: import %s: row %d has %d values for %d columns", table, n, len(row), len(cols))
		}
		for i, v := range row {
			cv, err := convert(v, types[i])
			if err != nil {
				return 0, fmt.Errorf("postgres: import %s: row %d, column %s: %w", table, n, cols[i], err)
			}
			args = append(args, cv)
		}
	}
	head := `INSERT INTO ` + pgx.Identifier{schema, table}.Sanitize() + ` (` + strings.Join(quoted, ", ") + `) VALUES `
	perStmt := maxParams / len(cols)
	inserted := 0
	err = db.inTx(ctx, "import "+table, together(), func(ctx context.Context, c querier) error {
		inserted = 0
		for start := 0; start < len(rows); start += perStmt {
			end := min(start+perStmt, len(rows))
			tag, err := c.Exec(ctx, head+valuesList(end-start, len(cols))+` ON CONFLICT DO NOTHING`,
				args[start*len(cols):end*len(cols)]...)
			if err != nil {
				return err
			}
			inserted += int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return inserted, nil
}

// valuesList is the placeholders of rows tuples of cols values each:
// ($1, $2), ($3, $4), ...
func valuesList(rows, cols int) string {
	var sb strings.Builder
	p := 0
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			p++
			sb.WriteString("$" + strconv.Itoa(p))
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// convert turns a value as database/sql reads it from SQLite into one for
// a column of dataType (information_schema's name for it). NULL stays
// NULL; a value that does not fit the column is an error.
func convert(v any, dataType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch dataType {
	case "boolean":
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			if v == 0 || v == 1 {
				return v == 1, nil
			}
		}
	case "bytea":
		switch v := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(v), nil
		}
	case "text":
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		default:
			return nil, fmt.Errorf("%T for a text column", v)
		}
		if !storable(s) {
			return nil, fmt.Errorf("text with a NUL byte or invalid UTF-8")
		}
		return s, nil
	case "jsonb":
		// SQLite keeps a JSON document as text; PostgreSQL parses it.
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		default:
			return nil, fmt.Errorf("%T for a jsonb column", v)
		}
		if !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("text that is not JSON for a jsonb column")
		}
		return s, nil
	case "bigint":
		switch v := v.(type) {
		case int64:
			return v, nil
		case int:
			return int64(v), nil
		}
	case "integer":
		switch v := v.(type) {
		case int64:
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return int32(v), nil
			}
		case int:
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return int32(v), nil
			}
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("a %T value does not fit a %s column", v, dataType)
}
