package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The three statements of one rotation (core.RefreshTokenStore's
// RotateRefresh). The first is the check and the mark at once: it marks
// the token only if it is not rotated yet, has not expired, and its
// session is active, so the two writes after it run only for the winner.
const (
	rotateTokenSQL = `UPDATE refresh_tokens
		SET rotated_at = ?, successor_id = ?, successor_sealed = ?
		WHERE id = ? AND session_id = ? AND rotated_at IS NULL AND expires > ?
		AND EXISTS (SELECT 1 FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires > ?)`
	insertRefreshSQL = `INSERT INTO refresh_tokens (` + refreshCols + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	touchRotatedSQL = `UPDATE sessions SET last_used = ?, expires = MAX(expires, ?) WHERE id = ?`
)

// errRotationLost is a rotation whose conditions did not hold.
var errRotationLost = fmt.Errorf("sqlite: rotate refresh: %w", core.ErrConflict)

// rotate runs one rotation's statements on w, inside a transaction.
// errRotationLost means nothing was written.
func rotate(ctx context.Context, w execer, r core.RefreshRotation) error {
	at, sid := r.At.UnixMilli(), r.Child.SessionID
	res, err := w.ExecContext(ctx, rotateTokenSQL, at, r.Child.ID, blobOrNull(r.Sealed),
		r.TokenID, sid, at, sid, at)
	n, err := affected("rotate refresh token", res, err)
	if err != nil {
		return err
	}
	if n == 0 {
		return errRotationLost
	}
	t := r.Child
	_, err = w.ExecContext(ctx, insertRefreshSQL,
		t.ID, t.SessionID, t.Hash, r.TokenID, msOrNull(t.Created), msOrNull(t.Expires),
		nil, "", nil)
	if err != nil {
		return wrap("insert refresh token", err)
	}
	if r.SessionExpires.IsZero() {
		return nil // the session is left as it is
	}
	_, err = w.ExecContext(ctx, touchRotatedSQL, at, msOrNull(r.SessionExpires), sid)
	return wrap("touch session", err)
}

// RotateRefresh writes one rotation (core.RefreshTokenStore). Inside a
// transaction it runs there; outside one, in a transaction of its own.
func (q queries) RotateRefresh(ctx context.Context, r core.RefreshRotation) error {
	if err := r.Check(); err != nil {
		return err
	}
	return q.atomically(ctx, func(w execer) error { return rotate(ctx, w, r) })
}

// RotateRefresh writes one rotation (core.RefreshTokenStore) through the
// store's rotation committer: rotations arriving together are written in
// one transaction (see rotator), each with its own outcome.
func (db *DB) RotateRefresh(ctx context.Context, r core.RefreshRotation) error {
	if err := r.Check(); err != nil {
		return err
	}
	return db.rot.do(ctx, r)
}

// maxRotationBatch bounds the rotations one transaction writes.
const maxRotationBatch = 64

// rotator is group commit for refresh rotations. A rotation is three
// short statements, and on one writer connection what costs is
// everything around them: waiting for the connection (database/sql hands
// it from goroutine to goroutine, one wake-up each), BEGIN, COMMIT with
// its WAL frames. So a rotation is queued; the caller that finds no
// batch running becomes the leader and writes everything queued, its own
// rotation among them, in one transaction; rotations queued meanwhile
// wait and are written by the next leader, the first of them. Each
// rotation is still all or nothing: one that lost (core.ErrConflict)
// wrote nothing, and any other failure rolls the batch back and writes
// each rotation alone, so each caller gets its own error.
type rotator struct {
	db *DB

	mu      sync.Mutex
	queue   []*rotation
	leading bool
}

// rotation is one queued rotation.
type rotation struct {
	r core.RefreshRotation
	// state is guarded by rotator.mu.
	state int
	// wake gets true when the caller is to lead, and is closed once the
	// rotation is written.
	wake chan bool
	err  error
}

// A rotation's states: queued; chosen to lead the next batch; taken by a
// batch; abandoned by its caller, whose context ended while it was still
// queued (it is then never written).
const (
	rotQueued = iota
	rotLead
	rotTaken
	rotAbandoned
)

// do queues r and waits for its outcome, leading batches when its turn
// comes. A caller whose context ends while r is still queued gives up;
// once r is in a batch (or its caller was chosen to lead) the outcome is
// awaited, which the batch's own deadline bounds.
func (rt *rotator) do(ctx context.Context, r core.RefreshRotation) error {
	call, cancel := context.WithTimeout(ctx, rt.db.b.timeout)
	defer cancel()
	job := &rotation{r: r, wake: make(chan bool, 1)}
	rt.mu.Lock()
	rt.queue = append(rt.queue, job)
	if !rt.leading {
		rt.leading, job.state = true, rotLead
		job.wake <- true
	}
	rt.mu.Unlock()
	done := call.Done()
	for {
		select {
		case lead, open := <-job.wake:
			if !open {
				return job.err
			}
			if lead {
				rt.lead(ctx, job)
			}
		case <-done:
			rt.mu.Lock()
			abandon := job.state == rotQueued
			if abandon {
				job.state = rotAbandoned
			}
			rt.mu.Unlock()
			if abandon {
				return rt.db.b.fail(ctx, call, "rotate refresh: wait for the writer", call.Err())
			}
			done = nil // in a batch, or leading one: wait for it
		}
	}
}

// lead writes batches until the leader's own rotation is written, then
// hands the lead to the first rotation still queued, if any.
func (rt *rotator) lead(ctx context.Context, self *rotation) {
	for {
		rt.mu.Lock()
		var batch []*rotation
		rest := rt.queue[:0]
		for _, j := range rt.queue {
			switch {
			case j.state == rotAbandoned:
			case len(batch) == maxRotationBatch:
				rest = append(rest, j)
			default:
				j.state = rotTaken
				batch = append(batch, j)
			}
		}
		clear(rt.queue[len(rest):])
		rt.queue = rest
		rt.mu.Unlock()

		if len(batch) > 0 {
			rt.write(ctx, batch)
			for _, j := range batch {
				close(j.wake)
			}
		}
		if len(batch) == 0 || slices.Contains(batch, self) {
			break
		}
	}
	// Pass the lead on, or end the run.
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, j := range rt.queue {
		if j.state == rotQueued {
			j.state = rotLead
			j.wake <- true
			return
		}
	}
	rt.leading = false
}

// write writes a batch: all in one transaction, or, if that fails for
// any reason but a lost rotation, each alone.
func (rt *rotator) write(ctx context.Context, batch []*rotation) {
	// The batch is everyone's: the leader's caller going away must not
	// cut it short (writeTx's query timeout still bounds it).
	ctx = context.WithoutCancel(ctx)
	db := rt.db
	err := writeTx(ctx, db.writer, db.writeStmts, db.b, func(e execer) error {
		for _, j := range batch {
			j.err = rotate(ctx, e, j.r)
			if j.err != nil && !errors.Is(j.err, errRotationLost) {
				return j.err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		return
	}
	for _, j := range batch {
		j.err = writeTx(ctx, db.writer, db.writeStmts, db.b, func(e execer) error { return rotate(ctx, e, j.r) })
	}
}
