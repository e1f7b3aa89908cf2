package hashing

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// exitReason is why a worker process ended. The server records it before
// it ends a worker; a worker that ends without one crashed.
type exitReason int32

const (
	exitUnset exitReason = iota
	// exitCrash: the worker ended on its own (killed by the OOM killer
	// or an operator's signal, a panic, a failed start).
	exitCrash
	// exitHung: the server killed it because it did not answer in time.
	exitHung
	// exitProtocol: the server stopped it because it broke the protocol
	// (or never announced itself).
	exitProtocol
	// exitIdle: the server stopped it after ChildConfig.IdleTimeout
	// without work.
	exitIdle
	// exitShutdown: the server is closing; not counted.
	exitShutdown
)

// child is one worker process. Its pipes are the server's own os.Pipe
// ends, not exec's StdinPipe/StdoutPipe, so a goroutine can reap the
// process the moment it ends (cmd.Wait would close exec's pipes under a
// reader) and reads can carry deadlines.
type child struct {
	cmd *osexec.Cmd
	pid int
	in  *os.File // the worker's stdin, our end
	// outF is the worker's stdout, our end; out buffers it.
	outF *os.File
	out  *bufio.Reader
	// exited is closed once the process has been reaped and the deriver
	// has forgotten it; waitErr then says how it ended.
	exited  chan struct{}
	waitErr error
	reason  atomic.Int32 // exitReason
	// started is when the process was started, to tell a worker that
	// dies at once from one that served for a while (logs).
	started time.Time
	// idleSince is when the worker last went back to the idle list;
	// guarded by the deriver's mu.
	idleSince time.Time
	stopOnce  sync.Once
}

// startChild starts a worker, counts it, and waits for its ready line.
// The process is reaped by its own goroutine, which tells d when it ends
// (d.exited), whatever the reason, before it closes c.exited.
func (d *ChildDeriver) startChild() (*child, error) {
	cfg := d.cfg
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	cmd := osexec.Command(cfg.Path, cfg.Args...)
	cmd.Env = cfg.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, cfg.Stderr
	cmd.SysProcAttr = childSysProcAttr()
	err = cmd.Start()
	// The worker has its own copies of its ends now (or none).
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	c := &child{
		cmd: cmd, pid: cmd.Process.Pid, in: inW, outF: outR, out: bufio.NewReader(outR),
		exited: make(chan struct{}), started: time.Now(),
	}
	d.started(c)
	go func() {
		c.waitErr = cmd.Wait()
		c.reason.CompareAndSwap(int32(exitUnset), int32(exitCrash))
		d.exited(c)
		close(c.exited)
	}()
	// A start that hangs is a broken worker.
	outR.SetReadDeadline(time.Now().Add(childStartTimeout))
	line := make([]byte, len(childReady))
	_, err = io.ReadFull(c.out, line)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = errStartTimeout
	}
	if err == nil && string(line) != childReady {
		err = errors.New("hashing: worker did not answer as a hash worker")
	}
	if err != nil {
		c.stop(exitProtocol)
		return nil, fmt.Errorf("start %s: %w", cfg.Path, err)
	}
	return c, nil
}

// call sends one encoded request and reads the key. The caller's ctx
// does not end the call: a worker cannot stop an argon2 pass halfway, so
// once the request is written the worker finishes it and the answer is
// read, whoever still wants it, which leaves the worker ready for the
// next job. What ctx changes is the patience: a worker gets childGuard to
// answer, and only grace more once ctx has ended, so a hung worker whose
// caller has gone is found and stopped soon. A call that runs out of time
// fails with os.ErrDeadlineExceeded, after which the worker must be
// stopped (its answer may still come and would be read as the next
// one's).
// sent, if not nil, runs once the request is written (tests).
func (c *child) call(ctx context.Context, req []byte, keyLen uint32, grace time.Duration, sent func()) ([]byte, error) {
	deadline := time.Now().Add(childGuard)
	c.outF.SetReadDeadline(deadline)
	shortened := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(shortened)
		if d := time.Now().Add(grace); d.Before(deadline) {
			c.outF.SetReadDeadline(d)
		}
	})
	var key []byte
	_, err := c.in.Write(req)
	if err != nil {
		err = fmt.Errorf("%w: %v", errNotSent, err)
	} else {
		if sent != nil {
			sent()
		}
		key, err = readResponse(c.out, keyLen)
	}
	if !stop() {
		// ctx ended and the deadline may be being shortened right now;
		// let that finish so it cannot cut into the worker's next call.
		<-shortened
	}
	return key, err
}

// kill sends SIGKILL. After the process has been reaped it does nothing:
// os.Process knows, so a reused pid is never signalled.
func (c *child) kill() { c.cmd.Process.Kill() }

// stop ends the worker for reason (unless it already ended or was ended
// for another) and waits until it has been reaped. Closing stdin asks it
// to exit; the kill makes sure, as nothing in a worker needs a clean
// exit.
func (c *child) stop(reason exitReason) {
	c.reason.CompareAndSwap(int32(exitUnset), int32(reason))
	c.stopOnce.Do(func() {
		c.in.Close()
		c.kill()
		<-c.exited
		c.outF.Close()
	})
}

// exitReason returns why the worker ended; exitUnset while it runs and
// nobody has decided to end it.
func (c *child) exitReason() exitReason { return exitReason(c.reason.Load()) }

// awaitExit waits up to d for the process to end by itself, and reports
// whether it did: a worker whose pipe broke is usually dying, and its
// exit, once reaped, tells a crash from a worker that merely closed its
// output.
func (c *child) awaitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.exited:
		return true
	case <-t.C:
		return false
	}
}
