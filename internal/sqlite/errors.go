package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/gatehouse/gatehouse/internal/core"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate maps the driver errors core branches on to core's sentinels,
// by error type and SQLite result code, never by message text. The
// original error stays in the chain for the logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", core.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			// Foreign keys point only at parents a row belongs
			// to: a session, one-time token, login state, code,
			// challenge, factor or identity for a user, or a refresh token for
			// a session, that does not (or no longer) exist.
			return fmt.Errorf("%w: %w", core.ErrNotFound, err)
		}
	}
	return err
}

// wrap names the failed operation and translates err; nil stays nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlite: %s: %w", op, translate(err))
}

// notFound is the error for a write that matched no row.
func notFound(op string) error {
	return fmt.Errorf("sqlite: %s: %w", op, core.ErrNotFound)
}

// mustAffect turns a write that matched no row into ErrNotFound.
func mustAffect(op string, res sql.Result, err error) error {
	if err != nil {
		return wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// affected returns how many rows a write changed.
func affected(op string, res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}
