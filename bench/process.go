package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is one program under test (Gatehouse or the bare handler), run
// as a child of the bench with its output in a log file.
type process struct {
	name    string // for messages: "gatehouse", "bareserver"
	bin     string
	args    []string
	env     []string
	addr    string
	logPath string

	cmd    *exec.Cmd
	logf   *os.File
	exited chan struct{} // closed when the process has been reaped
	err    error         // the process's exit status, valid after exited
}

// start launches the program with its output in logPath. The child is in
// its own process group (a terminal's Ctrl-C reaches only the bench,
// which then stops the child in order) and, on Linux, dies with the bench
// even if the bench is killed outright.
func (p *process) start() error {
	logf, err := os.Create(p.logPath)
	if err != nil {
		return err
	}
	p.logf = logf
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Env = p.env
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = childSysProcAttr()
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.exited = make(chan struct{})
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return nil
}

// pid is the process id.
func (p *process) pid() int { return p.cmd.Process.Pid }

// baseURL is where the program answers.
func (p *process) baseURL() string { return "http://" + p.addr }

// waitHealthy polls GET /api/health until it answers 200, the process
// exits, or the timeout passes.
func (p *process) waitHealthy(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	hc := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.baseURL()+"/api/health", nil)
		if err != nil {
			return err
		}
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.exited:
			return fmt.Errorf("%s exited during startup (%v); its log:\n%s", p.name, p.err, p.logTail(2000))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s; its log:\n%s", p.name, timeout, p.logTail(2000))
		}
	}
}

// stop asks the program to shut down (SIGTERM: in-flight requests
// finish) and kills it if it has not exited within the grace period. It
// is safe to call more than once and before start.
func (p *process) stop(grace time.Duration) error {
	if p.cmd == nil || p.exited == nil {
		return nil
	}
	defer p.logf.Close()
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("%s did not stop within %s after SIGTERM; killed", p.name, grace)
}

// logTail returns the last n bytes of the program's log.
func (p *process) logTail(n int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > n {
		b = b[len(b)-n:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}
