package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the statement cache. The store's fixed queries
// number a few dozen; text built per call (list filters) would otherwise
// grow the cache without end, so past the bound queries simply run
// unprepared.
const maxCachedStmts = 128

// stmtPool is an execer over a pool that runs each query text through a
// prepared statement, prepared once and reused. Parsing SQL is a large
// share of a short query's cost in SQLite; database/sql re-prepares a
// statement on each pool connection as needed and keeps it there.
type stmtPool struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	// closed is set by close: nothing is cached after it.
	closed bool
}

func newStmtPool(db *sql.DB) *stmtPool {
	return &stmtPool{db: db, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for query, preparing it on first
// use, or nil when the cache is full or preparing failed (the caller then
// runs the text directly, which reports any error the usual way).
//
// The cache's lock is not held while preparing: on the writer, preparing
// waits for the one connection, and a transaction holding it looks its
// statements up here (see txStmts).
func (p *stmtPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxCachedStmts
	p.mu.RUnlock()
	if ok {
		return st
	}
	if full {
		return nil
	}
	// A caller that gives up does not stop the preparing (the statement
	// serves every later caller), but the store's deadline does: on the
	// writer, preparing waits for the one connection.
	pctx := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		pctx, cancel = context.WithDeadline(pctx, dl)
		defer cancel()
	}
	st, err := p.db.PrepareContext(pctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if had, ok := p.stmts[query]; ok || p.closed || len(p.stmts) >= maxCachedStmts {
		st.Close() // prepared twice at once, or too late
		return had
	}
	p.stmts[query] = st
	return st
}

// lookup returns the statement already prepared for query, or nil; it
// never prepares.
func (p *stmtPool) lookup(query string) *sql.Stmt {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.stmts[query]
}

// ExecContext implements execer.
func (p *stmtPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

// QueryContext implements execer.
func (p *stmtPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryRowContext implements execer.
func (p *stmtPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// close closes every cached statement.
func (p *stmtPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	var errs []error
	for q, st := range p.stmts {
		errs = append(errs, st.Close())
		delete(p.stmts, q)
	}
	return errors.Join(errs...)
}
