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
//
// The known temporary conditions wrap core.ErrUnavailable's reasons, so
// the request answers 503 with Retry-After and the condition is tracked:
// no space (SQLITE_FULL, or the WAL index that cannot grow), a lock held
// past busy_timeout (SQLITE_BUSY, SQLITE_LOCKED and their extended codes)
// and memory exhaustion. Other I/O errors stay unclassified (500): they
// may mean a failing disk or a corrupt file, which retrying does not cure.
func translate(err error) error {
	if err == nil || errors.Is(err, core.ErrUnavailable) {
		return err
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
		case sqlite3.SQLITE_IOERR_SHMSIZE:
			return fmt.Errorf("%w: %w", core.ErrStoreFull, err)
		case sqlite3.SQLITE_IOERR_NOMEM:
			return fmt.Errorf("%w: %w", core.ErrStoreBusy, err)
		}
		switch se.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%w: %w", core.ErrStoreFull, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM:
			return fmt.Errorf("%w: %w", core.ErrStoreBusy, err)
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
