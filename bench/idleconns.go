package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Issue 16's idle keep-alive connections target.
const (
	// idleConnCount is how many keep-alive connections the idleconns
	// scenario opens and leaves idle.
	idleConnCount = 2000
	// idleConnsMaxAddedMB is the most those connections may add to the
	// server's resident memory (hashing workers included).
	idleConnsMaxAddedMB = 20.0
	// idleConnSettle is how long the connections stay idle before the
	// reading; idleConnBefore is the quiet before the first reading.
	idleConnSettle = 2 * time.Second
	idleConnBefore = time.Second
	// idleConnDialers is how many connections are being opened at once.
	idleConnDialers = 64
	// idleConnProbe is how long the probe waits on each connection for
	// the server's close: an open idle connection sends nothing, a
	// closed one reads EOF at once.
	idleConnProbe = 200 * time.Millisecond
)

// idleConnFigures is what the idleconns scenario measured.
type idleConnFigures struct {
	Wanted int `json:"wanted"`
	// Opened connections got a 200 to their one request; Failed did not
	// (refused, reset, another status).
	Opened int `json:"opened"`
	Failed int `json:"failed"`
	// ClosedByServer is how many of the opened connections the server
	// had closed when probed, after the idle wait.
	ClosedByServer int     `json:"closed_by_server"`
	OpenSec        float64 `json:"open_sec"`
	IdleSec        float64 `json:"idle_sec"`
	// BeforeKB and AfterKB are the summed VmRSS of the server and its
	// hashing workers before the first connection and after the idle
	// wait (each the median of three readings); AddedKB their difference.
	BeforeKB int64 `json:"before_kb"`
	AfterKB  int64 `json:"after_kb"`
	AddedKB  int64 `json:"added_kb"`
	// FirstError is the first failure's error or status, if any.
	FirstError string `json:"first_error,omitempty"`
}

// idleConn is one open connection and its reader.
type idleConn struct {
	c net.Conn
	r *bufio.Reader
}

// runIdleConns measures what idle keep-alive connections cost: it reads
// the server's resident memory (with its hashing workers), opens
// idleConnCount connections that each send one GET /api/health and then
// stay idle, waits idleConnSettle, and reads it again. The target is the
// difference. Then it probes every connection for a close by the server
// (a server may close idle connections beyond a cap; the note says how
// many it closed, so a small figure is not mistaken for cheap
// connections), and closes them all.
func runIdleConns(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "idleconns"}
	f := &idleConnFigures{Wanted: idleConnCount}
	rep.IdleConns = f
	h.sampler.setPhase("idleconns/before")
	defer h.sampler.setPhase("between")
	if err := sleepCtx(ctx, idleConnBefore); err != nil {
		return rep, err
	}
	var err error
	if f.BeforeKB, err = medianRSS(ctx, h.proc.pid()); err != nil {
		return rep, err
	}
	h.progressf("idleconns: opening %d keep-alive connections, one GET /api/health each (server at %s)", idleConnCount, mb(f.BeforeKB))
	h.sampler.setPhase("idleconns/opening")
	start := time.Now()
	conns, failed, firstErr := openIdleConns(ctx, h.proc.addr, idleConnCount)
	defer func() {
		// The server then has a moment to see the closes and end the
		// connections' goroutines before the next scenario starts.
		closeIdleConns(conns)
		_ = sleepCtx(ctx, idleConnBefore)
	}()
	f.OpenSec = time.Since(start).Seconds()
	f.Opened, f.Failed, f.FirstError = len(conns), failed, firstErr
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	h.progressf("idleconns: %d opened (%d failed) in %.1f s; idle for %s", f.Opened, f.Failed, f.OpenSec, idleConnSettle)
	h.sampler.setPhase("idleconns/idle")
	idleStart := time.Now()
	if err := sleepCtx(ctx, idleConnSettle); err != nil {
		return rep, err
	}
	if f.AfterKB, err = medianRSS(ctx, h.proc.pid()); err != nil {
		return rep, err
	}
	f.IdleSec = time.Since(idleStart).Seconds()
	f.AddedKB = f.AfterKB - f.BeforeKB
	h.sampler.setPhase("idleconns/probe")
	f.ClosedByServer = probeClosed(conns)
	t := newTarget(fmt.Sprintf("resident memory added by %d idle keep-alive connections, hashing workers included", idleConnCount),
		float64(f.AddedKB)/1024, "MB", "<=", idleConnsMaxAddedMB)
	t.Note = idleConnNote(f)
	if f.Opened < f.Wanted {
		t.Pass = false
	}
	rep.Targets = append(rep.Targets, t)
	return rep, nil
}

// idleConnNote describes the connections and the readings for the
// target line.
func idleConnNote(f *idleConnFigures) string {
	s := fmt.Sprintf("%s before, %s after %.1f s idle; %d of %d connections answered 200", mb(f.BeforeKB), mb(f.AfterKB), f.IdleSec, f.Opened, f.Wanted)
	if f.Failed > 0 {
		s += fmt.Sprintf(", %d failed (first: %s), so the target fails", f.Failed, f.FirstError)
	}
	return s + fmt.Sprintf("; the server had closed %d of them when probed after the reading", f.ClosedByServer)
}

// medianRSS is the median of three readings of the summed VmRSS of
// pid's tree, sampleEvery/2 apart.
func medianRSS(ctx context.Context, pid int) (int64, error) {
	var rs []int64
	for i := range 3 {
		if i > 0 {
			if err := sleepCtx(ctx, sampleEvery/2); err != nil {
				return 0, err
			}
		}
		kb, err := treeStatusKB(pid, "VmRSS")
		if err != nil {
			return 0, fmt.Errorf("reading VmRSS: %w", err)
		}
		rs = append(rs, kb)
	}
	slices.Sort(rs)
	return rs[1], nil
}

// openIdleConns opens n connections to addr, idleConnDialers at a time,
// each sending one GET /api/health and reading its answer. It returns
// the connections that got a 200 (the others are closed), how many did
// not, and the first failure.
func openIdleConns(ctx context.Context, addr string, n int) (conns []idleConn, failed int, firstErr string) {
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	d := net.Dialer{Timeout: 5 * time.Second}
	for range idleConnDialers {
		wg.Go(func() {
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				c, err := healthConn(ctx, &d, addr)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == "" {
						firstErr = err.Error()
					}
				} else {
					conns = append(conns, c)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return conns, failed, firstErr
}

// healthConn opens one keep-alive connection and sends GET /api/health
// on it; it returns the connection once the answer (a 200) has been read
// whole, so the server sees it idle.
func healthConn(ctx context.Context, d *net.Dialer, addr string) (idleConn, error) {
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return idleConn{}, err
	}
	ic := idleConn{c: c, r: bufio.NewReader(c)}
	err = func() error {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, "GET /api/health HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
			return err
		}
		res, err := http.ReadResponse(ic.r, nil)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK || res.Close {
			return fmt.Errorf("status %d (close: %v)", res.StatusCode, res.Close)
		}
		return c.SetDeadline(time.Time{})
	}()
	if err != nil {
		c.Close()
		return idleConn{}, err
	}
	return ic, nil
}

// probeClosed counts the connections the server has closed: each is
// read with a short deadline, all at once; an open idle connection times
// out, a closed one reads EOF (or a reset) at once. Nothing is sent, so
// the probe costs the server nothing.
func probeClosed(conns []idleConn) int {
	var closed atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(idleConnProbe)
	for _, ic := range conns {
		wg.Go(func() {
			_ = ic.c.SetReadDeadline(deadline)
			if _, err := ic.r.ReadByte(); !errors.Is(err, os.ErrDeadlineExceeded) {
				closed.Add(1)
			}
		})
	}
	wg.Wait()
	return int(closed.Load())
}

// closeIdleConns closes the connections.
func closeIdleConns(conns []idleConn) {
	for _, ic := range conns {
		ic.c.Close()
	}
}
