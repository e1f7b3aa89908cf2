package hashing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Child worker timings. A derivation with our limits takes at most a few
// seconds; one that takes childGuard has a child that hangs.
const (
	childStartTimeout = 10 * time.Second
	childGuard        = time.Minute
	// childDrainGrace is how long a worker may still take once its caller
	// has gone before it is taken for hung: far above a hash (20-30 ms at
	// the defaults, a few seconds for the costliest hash we accept), so a
	// worker finishing an abandoned hash is never killed for it, while a
	// hung one does not hold its pool slot for the whole childGuard.
	childDrainGrace = 10 * time.Second
	// childExitWait is how long a worker whose pipe broke is given to be
	// reaped, so its death counts as the crash it is.
	childExitWait = time.Second
	// Crash backoff: a worker that crashes is replaced at once the first
	// time; every further crash in a row (no successful hash between)
	// doubles the wait before the next start, from crashBackoffBase up to
	// crashBackoffMax, so a worker that dies at once costs a few forks
	// and then one a minute, not a fork per request.
	crashBackoffBase = time.Second
	crashBackoffMax  = time.Minute
)

// ChildConfig says how to start a hash worker process: a program that
// calls RunChild with its stdin and stdout.
type ChildConfig struct {
	// Path and Args are the program and its arguments (without argv[0]).
	Path string
	Args []string
	// Env is the worker's whole environment. Nothing secret needs to be
	// in it.
	Env []string
	// Stderr receives the workers' own error output (a crash); nil
	// discards it.
	Stderr io.Writer
	// Logger hears that workers could not be started (once) and that
	// one died. Nil means slog.Default().
	Logger *slog.Logger
	// IdleTimeout is how long a worker may wait for work before it is
	// stopped; the next hash that finds no idle worker starts one again
	// (a fork and exec: a few milliseconds on that hash). Zero keeps
	// workers until Close.
	IdleTimeout time.Duration
}

// ChildDeriver is a Deriver that runs argon2id in worker processes, so the
// kernel can schedule hashing below everything else the server does (the
// worker lowers its own priority; see RunChild). It keeps one process per
// concurrent caller, started on first use and reused; the Hasher's pool
// bounds the callers, so the processes number at most its Workers. A
// worker idle for ChildConfig.IdleTimeout is stopped, so an idle server
// holds no worker.
//
// A caller whose ctx ends does not cost a process: a request not yet
// sent is not sent, and one already sent is finished by the worker,
// whose answer is read and dropped before it goes back to the idle list
// (see child.call for the limits). Only a worker that crashes, hangs or
// breaks the protocol is replaced; the call it was serving fails with an
// error the Hasher turns into "try again", and a worker that keeps
// crashing is restarted with a growing backoff, during which calls that
// find no idle worker fail the same way. If a worker cannot be started at
// all, the deriver logs a warning once and derives in-process from then
// on.
type ChildDeriver struct {
	cfg ChildConfig
	log *slog.Logger
	// grace and the backoff are childDrainGrace and crashBackoff*; tests
	// shorten them.
	grace                   time.Duration
	backoffBase, backoffMax time.Duration
	// sent, when set (tests only), runs once a request is in a worker's
	// pipe.
	sent func()

	mu     sync.Mutex
	idle   []*child
	all    map[*child]struct{}
	closed bool
	// crashes counts crashes since the last successful hash; no worker
	// is started before notBefore.
	crashes   int
	notBefore time.Time
	starts    uint64
	exits     [exitShutdown]uint64 // by exitReason
	// reaper stops workers idle for cfg.IdleTimeout; armed while the
	// idle list is not empty.
	reaper *time.Timer

	inProcess atomic.Bool
	warnOnce  sync.Once
}

// NewChildDeriver returns a deriver that starts workers as cfg says. It
// starts nothing yet.
func NewChildDeriver(cfg ChildConfig) *ChildDeriver {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &ChildDeriver{
		cfg: cfg, log: log, all: map[*child]struct{}{},
		grace: childDrainGrace, backoffBase: crashBackoffBase, backoffMax: crashBackoffMax,
	}
}

// errWorkerLost is the cause of a call whose worker crashed, hung or
// broke the protocol: the hash was not made, through no fault of the
// password, and the Hasher answers "try again".
var errWorkerLost = errors.New("hashing: password hashing worker lost")

// errNotSent is a call whose request could not be written: the worker was
// already gone, and nothing was hashed.
var errNotSent = errors.New("hashing: request not sent to the worker")

// backoffError is a call that found no idle worker while a crashed one's
// replacement waits out its backoff.
type backoffError struct{ wait time.Duration }

func (e *backoffError) Error() string {
	return fmt.Sprintf("hashing: password hashing workers keep crashing; next start in %v", e.wait.Round(time.Millisecond))
}

// DeriveKey implements Deriver. A ctx that has already ended costs
// nothing; one that ends during the hash gets its error back once the
// worker has finished (the Hasher's callers do not wait for that: see
// pool.run).
func (d *ChildDeriver) DeriveKey(ctx context.Context, password, salt []byte, p Params) ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if d.inProcess.Load() {
		return DeriveKey(password, salt, p)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := (&request{params: p, salt: salt, password: password}).encode()
	defer clear(req)
	for attempt := 1; ; attempt++ {
		c, err := d.get()
		var backoff *backoffError
		switch {
		case errors.Is(err, ErrClosed), errors.As(err, &backoff):
			return nil, err
		case err != nil:
			d.fallBack(err)
			return DeriveKey(password, salt, p)
		}
		if cerr := ctx.Err(); cerr != nil {
			// Ended while a worker was being started: still no hash.
			d.put(c, false)
			return nil, cerr
		}
		key, err := c.call(ctx, req, p.KeyLen, d.grace, d.sent)
		var refused *refusedError
		if err == nil || errors.As(err, &refused) {
			d.put(c, err == nil)
			if cerr := ctx.Err(); cerr != nil {
				// Nobody wants the key any more; the worker is free
				// again.
				clear(key)
				return nil, cerr
			}
			return key, err
		}
		d.retire(c, err)
		switch {
		case d.isClosed():
			return nil, ErrClosed
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, errNotSent) && attempt == 1:
			// The worker had died while idle, before it was reaped:
			// nothing was hashed, so another worker may try.
			continue
		}
		return nil, fmt.Errorf("%w: %v", errWorkerLost, err)
	}
}

// retire stops a worker whose call failed, recording why: a worker that
// ends by itself within childExitWait crashed; one still running timed out
// (hung) or broke the protocol.
func (d *ChildDeriver) retire(c *child, err error) {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.stop(exitHung)
	case errors.Is(err, errFraming):
		c.stop(exitProtocol)
	case c.awaitExit(childExitWait):
		c.stop(exitCrash) // reaped already: only closes our ends
	default:
		c.stop(exitProtocol)
	}
}

// fallBack switches to in-process derivation for good.
func (d *ChildDeriver) fallBack(err error) {
	d.inProcess.Store(true)
	d.warnOnce.Do(func() {
		d.log.Warn("password hashing workers could not be started; hashing in-process at normal priority",
			"path", d.cfg.Path, "err", err)
	})
}

// get returns an idle worker or starts one, unless a crash backoff is
// running.
func (d *ChildDeriver) get() (*child, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(d.idle); n > 0 {
		c := d.idle[n-1]
		d.idle = d.idle[:n-1]
		d.mu.Unlock()
		return c, nil
	}
	if wait := time.Until(d.notBefore); wait > 0 {
		d.mu.Unlock()
		return nil, &backoffError{wait: wait}
	}
	d.mu.Unlock()
	c, err := d.startChild()
	if d.isClosed() {
		if err != nil {
			return nil, ErrClosed // Close stopped it while it started
		}
		c.stop(exitShutdown) // Close did not see it
		return nil, ErrClosed
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// started records a new process (startChild).
func (d *ChildDeriver) started(c *child) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.starts++
	if d.closed {
		return // get stops it
	}
	d.all[c] = struct{}{}
}

// exited records a reaped process, whatever ended it, and starts the
// backoff after a crash. It runs on the process's reaping goroutine.
func (d *ChildDeriver) exited(c *child) {
	reason := c.exitReason()
	d.mu.Lock()
	delete(d.all, c)
	for i, ic := range d.idle {
		if ic == c {
			d.idle = append(d.idle[:i], d.idle[i+1:]...)
			break
		}
	}
	if reason < exitShutdown {
		d.exits[reason]++
	}
	var wait time.Duration
	closed, crashes := d.closed, 0
	if reason == exitCrash && !closed {
		d.crashes++
		crashes = d.crashes
		wait = d.backoff(crashes)
		d.notBefore = time.Now().Add(wait)
	}
	d.mu.Unlock()
	switch {
	case closed || reason == exitShutdown:
	case reason == exitIdle:
		d.log.Debug("password hashing worker stopped after its idle timeout", "pid", c.pid,
			"lived", time.Since(c.started).Round(time.Millisecond))
	case reason == exitCrash:
		d.log.Warn("password hashing worker died; a new one starts when needed",
			"pid", c.pid, "exit", fmt.Sprint(c.waitErr), "lived", time.Since(c.started).Round(time.Millisecond),
			"crashes_in_a_row", crashes, "next_start_in", wait)
	default:
		d.log.Warn("password hashing worker stopped", "pid", c.pid, "reason", reason.String())
	}
}

// backoff is the wait before the next start after n crashes in a row.
func (d *ChildDeriver) backoff(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	w := d.backoffBase
	for i := 2; i < n && w < d.backoffMax; i++ {
		w *= 2
	}
	return min(w, d.backoffMax)
}

// put returns a healthy worker to the idle list; ok says it just made a
// hash, which ends a run of crashes.
func (d *ChildDeriver) put(c *child, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		d.crashes = 0
	}
	if _, alive := d.all[c]; d.closed || !alive {
		return // Close stops it, or it has just died
	}
	c.idleSince = time.Now()
	d.idle = append(d.idle, c)
	d.armReaper(d.cfg.IdleTimeout)
}

// armReaper makes reapIdle run after wait, unless it is due already or
// workers are kept for good. d.mu must be held.
func (d *ChildDeriver) armReaper(wait time.Duration) {
	if d.cfg.IdleTimeout <= 0 || d.reaper != nil {
		return
	}
	d.reaper = time.AfterFunc(wait, d.reapIdle)
}

// reapIdle stops the workers idle for IdleTimeout and runs again when the
// next one will have been.
func (d *ChildDeriver) reapIdle() {
	now := time.Now()
	d.mu.Lock()
	d.reaper = nil
	if d.closed {
		d.mu.Unlock()
		return
	}
	var stale []*child
	keep := d.idle[:0]
	next := time.Duration(0)
	for _, c := range d.idle {
		idle := now.Sub(c.idleSince)
		if idle >= d.cfg.IdleTimeout {
			stale = append(stale, c)
			continue
		}
		keep = append(keep, c)
		if left := d.cfg.IdleTimeout - idle; next == 0 || left < next {
			next = left
		}
	}
	clear(d.idle[len(keep):])
	d.idle = keep
	if len(keep) > 0 {
		d.armReaper(next)
	}
	d.mu.Unlock()
	// Out of the idle list, no call can take them; each is waited for.
	for _, c := range stale {
		c.stop(exitIdle)
	}
}

func (d *ChildDeriver) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// Close stops every worker, idle or busy; calls in progress fail with
// ErrClosed and later ones too. It waits for the processes to exit.
func (d *ChildDeriver) Close() error {
	d.mu.Lock()
	d.closed = true
	all := make([]*child, 0, len(d.all))
	for c := range d.all {
		all = append(all, c)
	}
	d.idle = nil
	if d.reaper != nil {
		d.reaper.Stop()
		d.reaper = nil
	}
	d.mu.Unlock()
	for _, c := range all {
		c.stop(exitShutdown)
	}
	return nil
}

// Workers reports how many worker processes are running (tests and
// diagnostics).
func (d *ChildDeriver) Workers() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.all)
}

// errStartTimeout is a worker that did not announce itself in time.
var errStartTimeout = fmt.Errorf("hashing: worker did not start within %v", childStartTimeout)

func (r exitReason) String() string {
	switch r {
	case exitCrash:
		return "crash"
	case exitHung:
		return "hung"
	case exitProtocol:
		return "protocol"
	case exitIdle:
		return "idle"
	case exitShutdown:
		return "shutdown"
	}
	return "running"
}
