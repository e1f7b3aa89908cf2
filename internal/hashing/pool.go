package hashing

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// busyRetryAfter is what a saturated pool tells clients to wait: a hash
// takes tens of milliseconds, so a second is plenty for the queue to move.
const busyRetryAfter = time.Second

// pool runs hashing jobs on a fixed number of worker goroutines.
//
// The job channel is unbuffered, so a send succeeds exactly when an idle
// worker takes the job: "waiting for a worker" is a blocked send, which a
// caller can abandon (timeout, ctx) without leaving anything behind in a
// queue. The number of blocked senders is capped by the waiting counter,
// so a flood costs at most Workers running hashes plus QueueSize parked
// callers; everyone beyond that is turned away at once.
type pool struct {
	jobs      chan *job
	quit      chan struct{}
	waiting   atomic.Int64
	queueSize int64
	queueWait time.Duration
	// hook, when set (tests only), wraps every job run by a worker.
	hook func(run func())
	// onWait, when set, hears how long each accepted job waited for a
	// worker (Config.OnWait).
	onWait func(time.Duration)
	// abandoned counts jobs whose caller left while a worker ran them.
	abandoned atomic.Uint64
	// busy, when set, reports that the server is busy with other work;
	// the spare worker (the last of two or more) then takes no job
	// (spare.go).
	busy func() bool

	wg        sync.WaitGroup
	closeOnce sync.Once
}

// job is one unit of work. err is written by the worker before done is
// closed and read by the caller only after.
type job struct {
	fn   func() error
	err  error
	done chan struct{}
}

func newPool(workers, queueSize int, queueWait time.Duration, hook func(run func()), busy func() bool) *pool {
	p := &pool{
		busy:      busy,
		jobs:      make(chan *job),
		quit:      make(chan struct{}),
		queueSize: int64(queueSize),
		queueWait: queueWait,
		hook:      hook,
	}
	p.wg.Add(workers)
	for i := range workers {
		go p.work(workers > 1 && i == workers-1)
	}
	return p
}

func (p *pool) work(spare bool) {
	defer p.wg.Done()
	recheck := time.NewTimer(spareRecheck)
	defer recheck.Stop()
	for {
		if p.holdSpare(spare) {
			recheck.Reset(spareRecheck)
			select {
			case <-p.quit:
				return
			case <-recheck.C:
			}
			continue
		}
		select {
		case <-p.quit:
			return
		case j := <-p.jobs:
			run := func() { j.err = exec(j.fn) }
			if p.hook != nil {
				p.hook(run)
			} else {
				run()
			}
			close(j.done)
		}
	}
}

// exec runs fn and turns a panic into an error: inputs are validated
// before they reach a hash function, but a bug there must cost one failed
// login, not the whole process.
func exec(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hashing: hash function panicked: %v", r)
		}
	}()
	return fn()
}

// run executes fn on a worker and waits for it. It fails with a busy
// error when no worker frees up in time or too many callers are already
// waiting, and with an unavailable error wrapping ctx's error when ctx
// ends first or ErrClosed after close. A caller whose ctx ends while fn
// runs returns at once; the worker finishes fn and drops the result, and
// stays busy (unavailable to others) until it has.
func (p *pool) run(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return interrupted(err)
	}
	select {
	case <-p.quit:
		return interrupted(ErrClosed)
	default:
	}
	j := &job{fn: fn, done: make(chan struct{})}
	select {
	case p.jobs <- j: // an idle worker took it
		p.waited(0)
	default:
		start := time.Now()
		if err := p.wait(ctx, j); err != nil {
			return err
		}
		p.waited(time.Since(start))
	}
	select {
	case <-j.done:
		return j.err
	case <-ctx.Done():
		p.abandoned.Add(1)
		return interrupted(ctx.Err())
	}
}

// wait parks the caller until a worker takes j, within the queue limits.
func (p *pool) wait(ctx context.Context, j *job) error {
	if p.waiting.Add(1) > p.queueSize {
		p.waiting.Add(-1)
		return busyError()
	}
	defer p.waiting.Add(-1)
	timer := time.NewTimer(p.queueWait)
	defer timer.Stop()
	select {
	case p.jobs <- j:
		return nil
	case <-timer.C:
		return busyError()
	case <-ctx.Done():
		return interrupted(ctx.Err())
	case <-p.quit:
		return interrupted(ErrClosed)
	}
}

func (p *pool) close() {
	p.closeOnce.Do(func() { close(p.quit) })
	p.wg.Wait()
}

// interrupted reports a check that could not finish through no fault of
// the password or the hash: the request ended or the server is stopping.
// It is a core.Error so core passes it on as "try again" instead of
// treating it as an unreadable hash; the cause stays visible to errors.Is.
func interrupted(cause error) *core.Error {
	return &core.Error{
		Kind:       core.KindUnavailable,
		Code:       core.CodeHashingInterrupted,
		RetryAfter: busyRetryAfter,
		Cause:      cause,
	}
}

func busyError() *core.Error {
	return &core.Error{
		Kind:       core.KindUnavailable,
		Code:       core.CodeHashingBusy,
		RetryAfter: busyRetryAfter,
	}
}
