// Package hashing is password hashing with a bounded worker pool.
//
// New passwords are hashed with argon2id and stored as PHC strings.
// Verify also accepts the hashes of the systems Gatehouse imports users
// from (argon2i/argon2id PHC strings, bcrypt, PBKDF2-SHA256 and scrypt; see
// Scheme for the exact formats) and reports when a hash should be replaced
// by one in the current default.
//
// Every hash runs on a fixed set of workers. A login flood therefore costs
// at most Workers hashes of CPU and memory at once; callers that cannot get
// a worker within a short wait fail fast with a KindUnavailable error
// instead of queueing without bound.
package hashing

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Defaults for the zero fields of Config. The argon2id parameters are
// OWASP's first recommendation (19 MiB, 2 passes, 1 lane).
const (
	DefaultMemory      = 19456
	DefaultIterations  = 2
	DefaultParallelism = 1
	DefaultQueueWait   = 2 * time.Second
	// DefaultQueuePerWorker sizes the wait queue when QueueSize is zero.
	DefaultQueuePerWorker = 64
)

// Config sets the argon2id parameters for new hashes and the size of the
// worker pool. Zero fields take the defaults.
type Config struct {
	// Memory is the argon2id memory cost in KiB.
	Memory uint32
	// Iterations is the argon2id time cost (passes over memory).
	Iterations uint32
	// Parallelism is the number of argon2id lanes.
	Parallelism uint8
	// Workers is how many hashes may run at once; 0 means
	// DefaultWorkers().
	Workers int
	// QueueWait is how long a request may wait for a free worker.
	QueueWait time.Duration
	// QueueSize is how many requests may wait at once; 0 means 64 per
	// worker.
	QueueSize int
	// OnWait, when set, is called once for every job a worker accepts,
	// with how long the caller waited for it (0 when a worker was idle),
	// so metrics can show queueing before it turns into busy errors. It
	// runs on the caller's goroutine and must be quick and safe for
	// concurrent use.
	OnWait func(time.Duration)
	// Busy, when set, reports that the server is busy with other
	// requests (a CPUWatch's Busy); while it does, the last of two or
	// more workers takes no job, so hashing holds at most Workers-1 at
	// once. Nil: every worker always takes jobs.
	Busy func() bool
	// Deriver computes the argon2id keys (new hashes, argon2id verifies,
	// VerifyDummy); nil means InProcess. The Hasher closes it in Close.
	Deriver Deriver
}

// ErrClosed is the cause of the unavailable error every call made after
// Close returns.
var ErrClosed = errors.New("hashing: hasher closed")

// Hasher implements core.Hasher. It is safe for concurrent use.
type Hasher struct {
	params  argonParams
	pool    *pool
	workers int
	// dummy is an argon2id hash with the current parameters that no
	// password matches, for VerifyDummy.
	dummy     *argonHash
	deriver   Deriver
	closeOnce sync.Once
}

var _ core.Hasher = (*Hasher)(nil)

// New validates cfg, fills in defaults and starts the workers. Call Close
// to stop them.
func New(cfg Config) (*Hasher, error) {
	return newHasher(cfg, nil)
}

// newHasher is New with a hook the pool's tests use to watch and hold jobs.
func newHasher(cfg Config, hook func(run func())) (*Hasher, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	p := argonParams{memory: cfg.Memory, time: cfg.Iterations, threads: cfg.Parallelism}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("hashing: config: %v", err)
	}
	// The dummy's salt and key are random bytes, not the hash of some
	// random password: a verify against it derives a key from the
	// password and its salt and compares, the same work as against a real
	// hash, and no password matches a random key (2^-256). Deriving one
	// cost every start a hash (~25 ms, and 19 MiB of heap the server
	// then kept for minutes).
	dummy := &argonHash{variant: SchemeArgon2id, params: p,
		salt: make([]byte, argonSaltLen), key: make([]byte, argonKeyLen)}
	rand.Read(dummy.salt)
	rand.Read(dummy.key)
	h := &Hasher{
		params:  p,
		dummy:   dummy,
		pool:    newPool(cfg.Workers, cfg.QueueSize, cfg.QueueWait, hook, cfg.Busy),
		workers: cfg.Workers,
		deriver: cfg.Deriver,
	}
	if h.deriver == nil {
		h.deriver = InProcess{}
	}
	h.pool.onWait = cfg.OnWait
	return h, nil
}

func withDefaults(cfg Config) (Config, error) {
	if cfg.Workers < 0 || cfg.QueueSize < 0 || cfg.QueueWait < 0 {
		return cfg, errors.New("hashing: config: workers, queue size and queue wait must not be negative")
	}
	if cfg.Memory == 0 {
		cfg.Memory = DefaultMemory
	}
	if cfg.Iterations == 0 {
		cfg.Iterations = DefaultIterations
	}
	if cfg.Parallelism == 0 {
		cfg.Parallelism = DefaultParallelism
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers()
	}
	if cfg.QueueWait == 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = DefaultQueuePerWorker * cfg.Workers
	}
	return cfg, nil
}

// closeGrace is how long Close lets running hashes finish before it
// closes the deriver under them: a hash takes milliseconds, so only a
// hung worker is cut short.
const closeGrace = time.Second

// Close stops the workers and waits for them. Calls already running
// finish (within closeGrace; then the deriver is closed under them and
// they fail); waiting and later calls fail with an unavailable error
// wrapping ErrClosed. Close may be called more than once.
func (h *Hasher) Close() {
	stopped := make(chan struct{})
	go func() {
		h.pool.close()
		close(stopped)
	}()
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-stopped:
	case <-t.C:
	}
	h.closeOnce.Do(func() { h.deriver.Close() })
	<-stopped
}

// Hash returns an argon2id PHC string of password with the configured
// parameters and a fresh 16-byte salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	var out string
	// out is written by the worker and read only after the job is done;
	// a canceled caller returns without touching it.
	err := h.pool.run(ctx, func() error {
		salt := make([]byte, argonSaltLen)
		rand.Read(salt)
		key, err := h.argonKey(ctx, password, salt, h.params, argonKeyLen)
		if err != nil {
			return err
		}
		out = (&argonHash{variant: SchemeArgon2id, params: h.params, salt: salt, key: key}).String()
		return nil
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// Verify checks password against an encoded hash in any supported scheme.
// A well-formed hash that does not match gives ok=false and a nil error; a
// malformed hash, an unknown scheme or parameters beyond our limits give
// a plain error (core reads it as internal) wrapping ErrMalformedHash or
// ErrUnknownScheme. A busy or closed pool or an ended ctx gives a
// *core.Error of kind KindUnavailable, as core.Hasher asks. rehash describes
// the stored hash, whether or not the password matched: it is true unless
// the hash is argon2id with exactly the configured parameters.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	// Parsing is cheap and bounded, so it happens before taking a worker:
	// a broken hash never occupies the pool.
	s, err := parse(encoded)
	if err != nil {
		return false, false, err
	}
	var match bool
	if err := h.pool.run(ctx, func() error {
		var verr error
		match, verr = h.verifyStored(ctx, s, password)
		return verr
	}); err != nil {
		return false, false, err
	}
	return match, !s.current(h.params), nil
}

// VerifyDummy runs one verify against a hash made in New with the current
// parameters, so it costs what verifying a real default hash costs. It
// returns an error only when the pool is busy or closed or ctx ends, and
// then always a *core.Error of kind KindUnavailable.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	return h.pool.run(ctx, func() error {
		_, err := h.verifyStored(ctx, h.dummy, password)
		return err
	})
}

// DefaultWorkers is one hashing worker per CPU, so logins use every core
// when nothing else wants it. It used to be one per CPU but one, to leave
// a core to token checks during a login flood (with a worker per core,
// reads fell to 15% of their unloaded rate); since the hashes run in
// worker processes in Linux's SCHED_IDLE class (ChildDeriver, RunChild),
// the kernel gives token checks any CPU they want first, and the flood
// no longer needs a core kept from it. In-process hashing (no worker
// processes) has no such priority: a server configured so should set
// Workers below the CPUs.
func DefaultWorkers() int { return max(1, runtime.NumCPU()) }
