package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat. It is 100 on
// every Linux architecture Go supports.
const userHZ = 100

// memSample is one reading of the server's resident memory: its own and
// its hashing workers' (proctree.go).
type memSample struct {
	TMs   int64  `json:"t_ms"` // since the sampler started
	Phase string `json:"phase"`
	RSSKB int64  `json:"rss_kb"`
}

// sampler reads the server's resident set size at a fixed interval and
// labels each reading with the phase running at the time.
type sampler struct {
	pid   int
	every time.Duration
	start time.Time

	mu      sync.Mutex
	phase   string
	samples []memSample
	errs    int
}

func newSampler(pid int, every time.Duration) *sampler {
	return &sampler{pid: pid, every: every, start: time.Now(), phase: "setup"}
}

// run samples until ctx ends.
func (s *sampler) run(ctx context.Context) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *sampler) sample() {
	kb, err := treeStatusKB(s.pid, "VmRSS")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs++
		return
	}
	s.samples = append(s.samples, memSample{TMs: time.Since(s.start).Milliseconds(), Phase: s.phase, RSSKB: kb})
}

// setPhase labels the samples that follow; it takes one sample at once so
// even a short phase has a reading.
func (s *sampler) setPhase(name string) {
	s.mu.Lock()
	s.phase = name
	s.mu.Unlock()
	s.sample()
}

// Samples are labelled "<scenario>/<phase>", so one label selects a phase
// and its prefix a whole scenario.
func labelMatches(phase, label string) bool {
	return label == "" || phase == label || strings.HasPrefix(phase, label+"/")
}

// maxRSSKB is the largest reading labelled label (a phase, or a whole
// scenario), or over all samples when label is "".
func (s *sampler) maxRSSKB(label string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m int64
	for _, x := range s.samples {
		if labelMatches(x.Phase, label) {
			m = max(m, x.RSSKB)
		}
	}
	return m
}

// within returns a copy of the samples labelled label ("" for all).
func (s *sampler) within(label string) []memSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []memSample
	for _, x := range s.samples {
		if labelMatches(x.Phase, label) {
			out = append(out, x)
		}
	}
	return out
}

// resetPeak restarts the kernel's VmHWM count for pid (writing 5 to
// clear_refs), so a scenario's peak is its own.
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// procStatusKB reads one "kB" field (VmRSS, VmHWM) of /proc/<pid>/status.
func procStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusKB(string(b), field)
}

// parseStatusKB finds "field:   1234 kB" in the text of a status file.
func parseStatusKB(status, field string) (int64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s field", field)
}

// procCPU returns the user+system CPU time pid has used so far ("self"
// for the bench itself), from /proc/<pid>/stat.
func procCPU(pid string) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// statFields returns the fields of a stat file's text from field 3
// (state) on, needing at least n of them. The command name (field 2) may
// hold spaces and parentheses, so they start after its last ')'.
func statFields(stat string, n int) ([]string, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, errors.New("malformed stat: no command name")
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < n {
		return nil, errors.New("malformed stat: too few fields")
	}
	return f, nil
}

// parseStatCPU reads utime (field 14) and stime (field 15) out of the
// text of a stat file.
func parseStatCPU(stat string) (time.Duration, error) {
	f, err := statFields(stat, 13)
	if err != nil {
		return 0, err
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("malformed stat: %w", err)
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// cpuMeter measures the CPU the server (with its hashing workers) and the
// bench use during a phase, as a percentage of one core (200% = both
// cores of a 2-core machine).
type cpuMeter struct {
	pid               int
	server, bench     time.Duration
	at                time.Time
	serverOK, benchOK bool
}

func startCPU(pid int) cpuMeter {
	m := cpuMeter{pid: pid, at: time.Now()}
	var err error
	m.server, err = treeCPU(pid)
	m.serverOK = err == nil
	m.bench, err = procCPU("self")
	m.benchOK = err == nil
	return m
}

// stop returns the server's and the bench's CPU use since start, in
// percent of one core; -1 where /proc could not be read.
func (m cpuMeter) stop() (server, bench float64) {
	wall := time.Since(m.at).Seconds()
	pct := func(now, before time.Duration, err error, ok bool) float64 {
		if !ok || err != nil || wall <= 0 {
			return -1
		}
		return 100 * (now - before).Seconds() / wall
	}
	srv, srvErr := treeCPU(m.pid)
	self, selfErr := procCPU("self")
	return pct(srv, m.server, srvErr, m.serverOK), pct(self, m.bench, selfErr, m.benchOK)
}
