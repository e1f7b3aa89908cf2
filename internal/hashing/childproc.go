package hashing

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	osexec "os/exec"
	"sync"
)

// child is one worker process.
type child struct {
	cmd      *osexec.Cmd
	in       io.WriteCloser
	out      *bufio.Reader
	stopOnce sync.Once
}

// startChild starts a worker and waits for its ready line.
func startChild(ctx context.Context, cfg ChildConfig) (*child, error) {
	cmd := osexec.Command(cfg.Path, cfg.Args...)
	cmd.Env = cfg.Env
	cmd.Stderr = cfg.Stderr
	cmd.SysProcAttr = childSysProcAttr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, in: in, out: bufio.NewReader(out)}
	// A start that hangs is a broken worker, whatever the caller's ctx.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), childStartTimeout)
	defer cancel()
	stop := context.AfterFunc(sctx, c.kill)
	line := make([]byte, len(childReady))
	_, err = io.ReadFull(c.out, line)
	if !stop() {
		err = errStartTimeout
	}
	if err == nil && string(line) != childReady {
		err = errors.New("hashing: worker did not answer as a hash worker")
	}
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("start %s: %w", cfg.Path, err)
	}
	return c, nil
}

// call sends one encoded request and reads the key. When ctx ends, or the
// worker takes longer than childGuard, the worker is killed, which ends the
// read; the caller must then discard it.
func (c *child) call(ctx context.Context, req []byte, keyLen uint32) ([]byte, error) {
	gctx, cancel := context.WithTimeout(ctx, childGuard)
	defer cancel()
	stop := context.AfterFunc(gctx, c.kill)
	_, err := c.in.Write(req)
	var key []byte
	if err == nil {
		key, err = readResponse(c.out, keyLen)
	}
	if !stop() {
		// Killed, possibly just after answering: the worker is gone
		// either way.
		if err == nil {
			err = errors.New("hashing: worker killed")
		}
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		} else if gctx.Err() != nil {
			err = fmt.Errorf("hashing: worker took longer than %v", childGuard)
		}
		return nil, err
	}
	return key, err
}

func (c *child) kill() { c.cmd.Process.Kill() }

// stop ends the worker and reaps it: closing stdin asks it to exit, the
// kill makes sure.
func (c *child) stop() {
	c.stopOnce.Do(func() {
		c.in.Close()
		c.kill()
		c.cmd.Wait()
	})
}
