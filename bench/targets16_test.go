package main

import (
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The start-up target judges the median of the runs: the mean of the
// middle two of ten, so one slow start (a cold page cache, a busy
// neighbour) does not move it.
func TestStartupMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ms   []float64
		want float64
	}{
		{[]float64{41, 18, 19, 250, 20, 17, 22, 19.5, 18.5, 21}, 19.75}, // sorted: ... 19.5 20 ...
		{[]float64{30, 10, 20}, 20},
		{[]float64{5}, 5},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := medianMs(tt.ms); got != tt.want {
			t.Errorf("medianMs(%v) = %v, want %v", tt.ms, got, tt.want)
		}
	}
	// At the limit passes, just above fails.
	if tg := newTarget("start-up", 20, "ms", "<=", startupMaxMedianMs); !tg.Pass {
		t.Errorf("a 20 ms median fails: %+v", tg)
	}
	if tg := newTarget("start-up", 20.05, "ms", "<=", startupMaxMedianMs); tg.Pass {
		t.Errorf("a 20.05 ms median passes: %+v", tg)
	}
	if got := joinMs([]float64{41.23, 18}); got != "41.2, 18.0" {
		t.Errorf("joinMs = %q", got)
	}
}

func TestNewTargetOps(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value float64
		op    string
		pass  bool
	}{
		{30, "<=", true}, {30.01, "<=", false}, {30, "<", false}, {29.9, "<", true}, {30, ">=", true}, {29.9, ">=", false},
	} {
		if got := newTarget("x", tt.value, "MB", tt.op, 30).Pass; got != tt.pass {
			t.Errorf("%v %s 30: pass %v, want %v", tt.value, tt.op, got, tt.pass)
		}
	}
}

// Every scenario of the Gatehouse server gets the 100 MB peak target,
// judged on the larger of the sampled VmRSS and the VmHWM, except the
// bare handler's, a skipped one, startup, and one with its own limit.
func TestPeakTargets(t *testing.T) {
	t.Parallel()
	gh := &harness{proc: &process{name: "gatehouse"}}
	for _, tt := range []struct {
		rep  *report
		h    *harness
		want float64
	}{
		{&report{Scenario: "read"}, gh, scenarioMaxRSSMB},
		{&report{Scenario: "idleconns"}, gh, scenarioMaxRSSMB},
		{&report{Scenario: "startup"}, gh, 0},
		{&report{Scenario: "directus-refresh", Skipped: "not mounted"}, gh, 0},
		{&report{Scenario: "loginflood", memLimitMB: floodMaxRSSMB}, gh, floodMaxRSSMB},
		{&report{Scenario: "bare"}, &harness{proc: &process{name: "bareserver"}}, 0},
	} {
		applyPeakLimit(tt.rep, tt.h)
		if tt.rep.memLimitMB != tt.want {
			t.Errorf("%s: limit %v MB, want %v", tt.rep.Scenario, tt.rep.memLimitMB, tt.want)
		}
	}
	if floodMaxRSSMB != scenarioMaxRSSMB {
		t.Errorf("the flood's memory limit %v MB differs from every scenario's %v MB", floodMaxRSSMB, scenarioMaxRSSMB)
	}
	r := &report{Scenario: "read", Dataset: "1M", memLimitMB: 100, MaxRSSKB: 90 * 1024, PeakRSSKB: 100*1024 + 1,
		Key: &keyFigures{Stream: "reads", Throughput: 9000}}
	tg := peakTarget(r)
	if tg.Pass || tg.Op != "<=" || tg.Limit != 100 || !strings.Contains(tg.Name, "with 1M users") ||
		!strings.Contains(tg.Note, "closed loop 9000/s of reads") {
		t.Errorf("a VmHWM 1 kB over 100 MB: %+v, want a failing target naming the dataset and the throughput", tg)
	}
	r.PeakRSSKB = 100 * 1024
	if tg := peakTarget(r); !tg.Pass || tg.Value != 100 {
		t.Errorf("a peak of exactly 100 MB: %+v, want passing", tg)
	}
}

func TestIdleNote(t *testing.T) {
	t.Parallel()
	f := &idleFigures{ReadingsKB: []int64{31 * 1024, 30 * 1024}, ProcessesKB: []int64{20 * 1024, 10 * 1024}}
	got := idleNote(f)
	for _, want := range []string{"largest of 2 readings 250ms apart: 31.0, 30.0 MB", "server 20.0 MB + 1 hashing worker (10.0 MB)"} {
		if !strings.Contains(got, want) {
			t.Errorf("note %q lacks %q", got, want)
		}
	}
	if got := processSplit([]int64{1024}); got != "server 1.0 MB, no hashing worker running" {
		t.Errorf("processSplit = %q", got)
	}
	if got := processSplit([]int64{1024, 2048, 2048}); !strings.Contains(got, "2 hashing workers (2.0 MB, 2.0 MB)") {
		t.Errorf("processSplit = %q", got)
	}
}

// The idle-connections scenario's client half against a loopback
// server: every connection gets its 200 and stays open, and the probe
// counts the connections the server has closed, without sending.
func TestIdleConnsOpenAndProbe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 512)
			if _, err := c.Read(buf); err != nil {
				c.Close()
				continue
			}
			_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 15\r\nContent-Type: application/json\r\n\r\n{\"status\":\"ok\"}"))
			accepted <- c
		}
	}()
	conns, failed, first := openIdleConns(context.Background(), ln.Addr().String(), 6)
	defer closeIdleConns(conns)
	if len(conns) != 6 || failed != 0 {
		t.Fatalf("opened %d, failed %d (%s), want 6 and 0", len(conns), failed, first)
	}
	var server []net.Conn
	for range 6 {
		server = append(server, <-accepted)
	}
	server[0].Close()
	server[3].Close()
	time.Sleep(20 * time.Millisecond)
	if got := probeClosed(conns); got != 2 {
		t.Errorf("probe found %d closed, want 2", got)
	}
	for _, c := range server {
		c.Close()
	}
	f := &idleConnFigures{Wanted: 2000, Opened: 1990, Failed: 10, FirstError: "connection refused", ClosedByServer: 1500,
		BeforeKB: 20 * 1024, AfterKB: 25 * 1024, IdleSec: 2}
	note := idleConnNote(f)
	for _, want := range []string{"20.0 MB before, 25.0 MB after 2.0 s idle", "1990 of 2000", "10 failed (first: connection refused)", "closed 1500 of them"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
}

// The startup scenario runs on a snapshot of the live data directory:
// the database through VACUUM INTO (so what sits in the write-ahead log
// is in the copy), every other file as it is.
func TestSnapshotDataDir(t *testing.T) {
	t.Parallel()
	src, dst := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "copy", "data")
	if err := os.MkdirAll(filepath.Join(src, "mail"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "mail", "m1.eml"), []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", seedDSN(filepath.Join(src, "data.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0", "CREATE TABLE t (v INTEGER)", "INSERT INTO t VALUES (7)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if err := snapshotDataDir(context.Background(), src, dst); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "mail", "m1.eml")); err != nil || string(b) != "hello" {
		t.Errorf("mail file: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "data.db-wal")); !os.IsNotExist(err) {
		t.Errorf("the copy has a WAL file (%v), want the database alone", err)
	}
	cp, err := sql.Open("sqlite", seedDSN(filepath.Join(dst, "data.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var v int
	if err := cp.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != 7 {
		t.Errorf("copied row: %d, %v; want 7", v, err)
	}
	if got, ok := argAfter([]string{"serve", "--dir", "/d", "--http", "a"}, "--dir"); !ok || got != "/d" {
		t.Errorf("argAfter --dir = %q, %v", got, ok)
	}
	if _, ok := argAfter([]string{"serve", "--dir"}, "--dir"); ok {
		t.Error("argAfter found a value after the last argument")
	}
}

// A scenario with no load of its own shows dashes and its memory in the
// summary, not "skipped".
func TestSummaryRowWithoutLoad(t *testing.T) {
	t.Parallel()
	row := summaryRow(scenarioEntry{Scenario: "idlemem", Dataset: "1k", MaxRSSKB: 30 * 1024})
	if row[2] != "-" || row[8] != "30.0 MB" {
		t.Errorf("row %q, want dashes and 30.0 MB", row)
	}
	if row := summaryRow(scenarioEntry{Scenario: "startup", Dataset: "1k", MaxRSSKB: 80 * 1024}); row[8] != "-" {
		t.Errorf("startup row %q, want no memory: its server only sat idle", row)
	}
	if row := summaryRow(scenarioEntry{Scenario: "directus-refresh", Dataset: "1k", Skipped: "x"}); row[2] != "skipped" {
		t.Errorf("skipped row %q", row)
	}
}

// A setup login the server turns away as busy (503) is sent again, and
// any other answer is final.
func TestWhileBusy(t *testing.T) {
	t.Parallel()
	answers := []int{503, 200, 503}
	calls := 0
	status, err := whileBusy(context.Background(), func() (int, error) {
		calls++
		return answers[calls-1], nil
	})
	if status != 200 || err != nil || calls != 2 {
		t.Errorf("got %d, %v after %d calls; want 200 after 2", status, err, calls)
	}
	calls = 0
	if status, _ := whileBusy(context.Background(), func() (int, error) { calls++; return 400, nil }); status != 400 || calls != 1 {
		t.Errorf("a 400 was sent %d times (status %d), want once", calls, status)
	}
}
