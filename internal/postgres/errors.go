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
	// A NUL byte or invalid UTF-8 in a text parameter.
	codeCharacterNotInRepertoire = "22021"
	codeUntranslatableCharacter  = "22P05"
)

// wrap names the failed operation and translates err; nil stays nil. ctx
// is the caller's: a call that failed because the caller gave up is not
// the database's fault.
func wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres: %s: %w", op, translate(ctx, err))
}

// translate maps the driver errors core branches on to core's sentinels,
// by error type and SQLSTATE, never by message text. The original error
// stays in the chain for the logs and for InTx's retry decision.
func translate(ctx context.Context, err error) error {
	if errors.Is(err, core.ErrUnavailable) {
		return err // classified already (a pool wait that timed out)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == codeUniqueViolation:
			return fmt.Errorf("%w: %w", core.ErrConflict, err)
		case pe.Code == codeForeignKeyViolation:
			// Foreign keys point only at parents a row belongs to: a
			// session, token, state, code, challenge, factor or link
			// for a user, or a refresh token for a session, that does
			// not (or no longer) exist.
			return fmt.Errorf("%w: %w", core.ErrNotFound, err)
		case ctx.Err() == nil && serverUnavailable(pe.Code):
			return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
		}
		return err
	}
	if ctx.Err() == nil && connectionFailure(err) {
		return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
	}
	return err
}

// serverUnavailable reports whether the server's error says it cannot
// serve now, rather than that the statement was wrong.
func serverUnavailable(code string) bool {
	switch code {
	case "57P01", // admin_shutdown: the server is stopping
		"57P02", // crash_shutdown
		"57P03", // cannot_connect_now: starting up or in recovery
		"53300", // too_many_connections
		"57014": // query_canceled: statement_timeout ran out
		return true
	}
	return len(code) == 5 && code[:2] == "08" // connection exceptions
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
