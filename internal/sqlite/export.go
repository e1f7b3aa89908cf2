package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// The read side of `gatehouse db copy`: it lists the store's tables and
// streams their rows as the driver returns them, so another store can
// insert them unchanged. Table and column names are checked against the
// schema before they reach SQL: nothing a caller passes is interpolated
// unchecked.

// Tables returns the store's tables in foreign-key order, parents before
// the tables that reference them, so a copy that inserts in this order
// never violates a foreign key. goose's version table is not listed: the
// destination has its own migrations. A migration that adds a table must
// add it here too (a test checks this list against the schema).
func (db *DB) Tables() []string {
	return []string{
		"users",
		"sessions",
		"refresh_tokens", // references sessions
		"one_time_tokens",
		"login_states",
		"otps",
		"mfa_challenges",
		"totp_factors",
		"recovery_codes",
		"identities",
		"signing_keys",
		"outbox",
		"rate_limits",
		"audit_events",
	}
}

// checkTable returns an error unless table is one of Tables().
func (db *DB) checkTable(table string) error {
	if !slices.Contains(db.Tables(), table) {
		return fmt.Errorf("sqlite: unknown table %q", table)
	}
	return nil
}

// Columns returns the columns of table in schema order.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	if err := db.checkTable(table); err != nil {
		return nil, err
	}
	return columns(ctx, db.reader, table, false)
}

// columns lists table's columns in schema order, or only its primary-key
// columns in key order. table must have been checked: pragma_table_info
// takes it as a bound parameter, but an unknown name would just read as
// a table without columns.
func columns(ctx context.Context, r sqlExecer, table string, pkOnly bool) ([]string, error) {
	query := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if pkOnly {
		query = `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`
	}
	rows, err := r.QueryContext(ctx, query, table)
	if err != nil {
		return nil, wrap("columns of "+table, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, wrap("columns of "+table, err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("columns of "+table, err)
	}
	return names, nil
}

// Count returns how many rows table holds.
func (db *DB) Count(ctx context.Context, table string) (int, error) {
	if err := db.checkTable(table); err != nil {
		return 0, err
	}
	var n int
	err := db.reader.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(table)).Scan(&n)
	return n, wrap("count "+table, err)
}

// ExportRows streams every row of table, with the values of cols in that
// order, to fn in batches of at most batch rows, in primary-key order.
// Values are what the driver returns: int64, float64, string, []byte or
// nil. Each batch and its rows are fresh, so fn may keep them. An error
// from fn stops the export and is returned as is.
//
// The rows are read in one read transaction on the reader pool, so they
// are a consistent snapshot of the table even while the server writes.
// Each call is its own snapshot: tables exported by separate calls may
// be from different moments.
func (db *DB) ExportRows(ctx context.Context, table string, cols []string, batch int, fn func(rows [][]any) error) error {
	if err := db.checkTable(table); err != nil {
		return err
	}
	if batch < 1 {
		return fmt.Errorf("sqlite: export %s: batch size %d, want at least 1", table, batch)
	}
	if len(cols) == 0 {
		return fmt.Errorf("sqlite: export %s: no columns", table)
	}
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return wrap("export "+table, err)
	}
	defer tx.Rollback() // a read-only transaction has nothing to commit

	// The schema is read in the same transaction as the rows, so the
	// query is checked against the snapshot it runs on.
	query, err := exportQuery(ctx, tx, table, cols)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return wrap("export "+table, err)
	}
	defer rows.Close()

	vals := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	buf := make([][]any, 0, batch)
	for rows.Next() {
		// Scanning into *any copies []byte values, so rows do not
		// alias the driver's buffers.
		if err := rows.Scan(dest...); err != nil {
			return wrap("export "+table, err)
		}
		buf = append(buf, slices.Clone(vals))
		if len(buf) == batch {
			if err := fn(buf); err != nil {
				return err
			}
			buf = make([][]any, 0, batch)
		}
	}
	if err := rows.Err(); err != nil {
		return wrap("export "+table, err)
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// exportQuery builds the SELECT of cols from table in primary-key order,
// after checking every column against the schema.
func exportQuery(ctx context.Context, tx *sql.Tx, table string, cols []string) (string, error) {
	have, err := columns(ctx, tx, table, false)
	if err != nil {
		return "", err
	}
	seen := make(map[string]bool, len(cols))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		if !slices.Contains(have, c) {
			return "", fmt.Errorf("sqlite: export %s: unknown column %q", table, c)
		}
		if seen[c] {
			return "", fmt.Errorf("sqlite: export %s: column %q listed twice", table, c)
		}
		seen[c] = true
		quoted[i] = ident(c)
	}
	pk, err := columns(ctx, tx, table, true)
	if err != nil {
		return "", err
	}
	order := "rowid" // every table has a primary key today; this keeps the order stable should one not
	if len(pk) > 0 {
		for i, c := range pk {
			pk[i] = ident(c)
		}
		order = strings.Join(pk, ", ")
	}
	return "SELECT " + strings.Join(quoted, ", ") + " FROM " + ident(table) + " ORDER BY " + order, nil
}

// ident quotes a name checked against the schema as an SQL identifier.
// The quoting is belt and braces: such names hold no quotes today.
func ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
