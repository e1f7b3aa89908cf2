package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes the store branches on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeDiskFull             = "53100"
	codeOutOfMemory          = "53200"
	codeTooManyConnections   = "53300"
	codeLockNotAvailable     = "55P03"
	codeQueryCanceled        = "57014" // statement_timeout ran out
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03" // starting up or in recovery
	// A NUL byte or invalid UTF-8 in a text parameter.
	codeCharacterNotInRepertoire = "22021"
	codeUntranslatableCharacter  = "22P05"
)

// wrap names the failed operation and translates err; nil stays nil. ctx
// is the caller's: a call that failed because the caller gave up is not
// the database's fault. A call that failed because the store's own
// deadline passed first reads as core.ErrStoreTimeout.
func wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres: %s: %w", op, translate(ctx, err))
}

// translate maps the driver errors core branches on to core's sentinels,
// by error type and SQLSTATE, never by message text. The original error
// stays in the chain for the logs and for InTx's retry decision.
//
// The known temporary conditions wrap core.ErrUnavailable's reasons (see
// condition), so the request answers 503 with Retry-After; only while the
// caller still waits: once ctx is done, nothing is anyone's condition.
func translate(ctx context.Context, err error) error {
	if errors.Is(err, core.ErrUnavailable) {
		return err // classified already (a pool wait, a deadline)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeUniqueViolation:
			return fmt.Errorf("%w: %w", core.ErrConflict, err)
		case codeForeignKeyViolation:
			// Foreign keys point only at parents a row belongs to: a
			// session, token, state, code, challenge, factor or link
			// for a user, or a refresh token for a session, that does
			// not (or no longer) exist.
			return fmt.Errorf("%w: %w", core.ErrNotFound, err)
		}
	}
	if ctx.Err() != nil {
		return err
	}
	if reason := condition(err); reason != nil {
		return fmt.Errorf("%w: %w", reason, err)
	}
	return err
}

// condition is the reason err gives that the database cannot serve the
// call now, or nil when err says the call itself was wrong:
//
//   - disk_full: no space for the write (core.ErrStoreFull);
//   - a lock not granted within lock_timeout, a transaction aborted by
//     contention that was not retried (outside InTx, or after its last
//     retry), too many connections or no memory on the server
//     (core.ErrStoreBusy);
//   - a statement cancelled by statement_timeout (core.ErrStoreTimeout);
//   - the server stopping, starting or crashed, or a connection that
//     failed or broke (core.ErrUnavailable).
func condition(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeDiskFull:
			return core.ErrStoreFull
		case codeLockNotAvailable, codeSerializationFailure, codeDeadlockDetected,
			codeOutOfMemory, codeTooManyConnections:
			return core.ErrStoreBusy
		case codeQueryCanceled:
			return core.ErrStoreTimeout
		case codeAdminShutdown, codeCrashShutdown, codeCannotConnectNow:
			return core.ErrUnavailable
		}
		if len(pe.Code) == 5 && pe.Code[:2] == "08" { // connection exceptions
			return core.ErrUnavailable
		}
		return nil
	}
	if connectionFailure(err) {
		return core.ErrUnavailable
	}
	return nil
}

// connectionFailure reports whether err means the database could not be
// reached or the connection broke: a failed connect, a network error, a
// connection closed under us, or a call that ran out of time while the
// caller was still waiting (the server did not answer).
func connectionFailure(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err)
}

// timedOut wraps core.ErrStoreTimeout around err when the call failed
// after the store's own deadline (call) passed while its caller (ctx)
// still waited: the server did not answer in time, whatever error pgx
// gave when it cut the call short.
func timedOut(ctx, call context.Context, err error) error {
	if err == nil || ctx.Err() != nil || call.Err() == nil || errors.Is(err, core.ErrUnavailable) {
		return err
	}
	// Only a failure to get an answer is the deadline's doing; an
	// answer (no rows, a statement's own error) that came just as the
	// deadline passed is what it is.
	if condition(err) == nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%w: %w", core.ErrStoreTimeout, err)
}

// retryable reports whether a fresh transaction can cure err: PostgreSQL
// aborted this one to keep SERIALIZABLE honest, or to break a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == codeSerializationFailure || pe.Code == codeDeadlockDetected)
}

// lookupErr turns the error of a lookup by a key PostgreSQL cannot hold
// as text (a NUL byte or invalid UTF-8, which the server refuses before
// running the statement) into not found: no stored row has such a key.
// Other errors pass unchanged.
func lookupErr(op string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == codeCharacterNotInRepertoire || pe.Code == codeUntranslatableCharacter) {
		return fmt.Errorf("postgres: %s: %w: key is not valid text", op, core.ErrNotFound)
	}
	return err
}

// notFound is the error for a write that matched no row.
func notFound(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, core.ErrNotFound)
}
