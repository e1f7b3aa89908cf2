package hashing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Child worker timings. A derivation with our limits takes at most a few
// seconds; one that takes childGuard has a child that hangs.
const (
	childStartTimeout = 10 * time.Second
	childGuard        = time.Minute
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
}

// ChildDeriver is a Deriver that runs argon2id in worker processes, so the
// kernel can schedule hashing below everything else the server does (the
// worker lowers its own priority; see RunChild). It keeps one process per
// concurrent caller, started on first use and reused. A caller whose ctx
// ends kills its worker, which is replaced on the next call; a worker that
// dies or breaks the protocol is replaced and the derivation retried once.
// If a worker cannot be started at all, the deriver logs a warning once and
// derives in-process from then on.
type ChildDeriver struct {
	cfg ChildConfig
	log *slog.Logger

	mu     sync.Mutex
	idle   []*child
	all    map[*child]struct{}
	closed bool

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
	return &ChildDeriver{cfg: cfg, log: log, all: map[*child]struct{}{}}
}

// DeriveKey implements Deriver.
func (d *ChildDeriver) DeriveKey(ctx context.Context, password, salt []byte, p Params) ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	req := (&request{params: p, salt: salt, password: password}).encode()
	defer clear(req)
	for attempt := 1; ; attempt++ {
		if d.inProcess.Load() {
			return DeriveKey(password, salt, p)
		}
		c, err := d.get(ctx)
		if err != nil {
			if errors.Is(err, ErrClosed) || ctx.Err() != nil {
				return nil, err
			}
			d.fallBack(err)
			continue
		}
		key, err := c.call(ctx, req, p.KeyLen)
		var refused *refusedError
		switch {
		case err == nil, errors.As(err, &refused):
			d.put(c)
			return key, err
		}
		d.discard(c)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if d.isClosed() {
			return nil, ErrClosed
		}
		d.log.Warn("password hashing worker failed, replacing it", "err", err, "attempt", attempt)
		if attempt == 2 {
			return nil, err
		}
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

// get returns an idle worker or starts one.
func (d *ChildDeriver) get(ctx context.Context) (*child, error) {
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
	d.mu.Unlock()
	c, err := startChild(ctx, d.cfg)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		c.stop()
		return nil, ErrClosed
	}
	d.all[c] = struct{}{}
	return c, nil
}

// put returns a healthy worker to the idle list.
func (d *ChildDeriver) put(c *child) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return // Close stops it
	}
	d.idle = append(d.idle, c)
}

// discard stops a worker that can no longer be trusted.
func (d *ChildDeriver) discard(c *child) {
	d.mu.Lock()
	delete(d.all, c)
	d.mu.Unlock()
	c.stop()
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
	all := d.all
	d.all, d.idle = map[*child]struct{}{}, nil
	d.mu.Unlock()
	for c := range all {
		c.stop()
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
