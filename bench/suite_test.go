package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/bench/pprofhook"
	"github.com/gatehouse/gatehouse/internal/hashing"
)

func TestInsertSection(t *testing.T) {
	t.Parallel()
	const sec = "## New run\n\nfigures\n"
	tests := map[string]struct{ doc, want string }{
		"below the introduction, above the history": {
			"# Results\n\nHow to read.\n\n## Old run\n\nold\n",
			"# Results\n\nHow to read.\n\n## New run\n\nfigures\n\n## Old run\n\nold\n",
		},
		"a file that starts with a run": {"## Old run\n", "## New run\n\nfigures\n\n## Old run\n"},
		"no history yet":                {"# Results\n\nHow to read.\n", "# Results\n\nHow to read.\n\n## New run\n\nfigures\n\n"},
		// A "###" heading is part of a run, not the start of one.
		"subsections are not runs": {"# R\n### detail\n## Old\n", "# R\n### detail\n## New run\n\nfigures\n\n## Old\n"},
	}
	for name, tt := range tests {
		if got := insertSection(tt.doc, sec); got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", name, got, tt.want)
		}
	}
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	if err := os.WriteFile(path, []byte(tests["below the introduction, above the history"].doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := recordSection(path, sec); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != tests["below the introduction, above the history"].want {
		t.Errorf("recorded file:\n%s", b)
	}
}

// TestSummaryMarkdown judges a small run and checks the section carries
// the figures, the verdicts, the comparison and the chart links.
func TestSummaryMarkdown(t *testing.T) {
	t.Parallel()
	s := &suite{std: "1k", Settings: suiteSettings{Given: "bare,read", Concurrency: 16, PacedShare: 0.5, PhaseSec: 10}}
	s.add(keyed("bare", "", 20000, 0))
	read := pairedAt("read", "1k", "the bare handler", 40)
	read.Key.Throughput = 8000
	s.add(read)
	s.judge()
	if s.Pass || len(s.Targets) != 1 || s.Targets[0].Value != 40 {
		t.Fatalf("judged %+v, pass %v; want read at 40%% of bare, failing", s.Targets, s.Pass)
	}
	var b strings.Builder
	printSuiteMarkdown(&b, s, []string{"charts/throughput.png"})
	md := b.String()
	for _, want := range []string{
		"## Harness run", "`-scenario bare,read`",
		"| read | 1k | 8000 |",
		"| authenticated record read, share of the bare handler's throughput (median of 10 alternating rounds of 1 s",
		"| 40.0 % | >= 65 | FAIL |",
		"Overall: **FAIL**",
		"PocketBase v0.39", "Here, in the paired rounds: read 40% of the bare handler beside them (medians; closed loops alone: read 8000/s, bare 20000/s)",
		"![throughput](charts/throughput.png)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
}

func TestMeasureHashCost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := measureHashCost(ctx, []string{"GATEHOUSE_HASH_WORKERS=3"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The server's defaults, in the format it writes.
	if c.Params != "argon2id m=19456 t=2 p=1" || !strings.HasPrefix(c.argonHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("params %q, hash %q; want the server's default argon2id", c.Params, c.argonHash)
	}
	if s, err := hashing.Scheme(c.bcryptHash); err != nil || s != hashing.SchemeBcrypt || !strings.HasPrefix(c.bcryptHash, "$2a$10$") {
		t.Errorf("bcrypt hash %q (%s, %v), want a PocketBase-style $2a$10$ hash", c.bcryptHash, s, err)
	}
	if c.ConfigWorkers != 3 || c.ArgonVerifyMs <= 0 || c.BcryptVerifyMs <= 0 || c.Samples != 2 {
		t.Errorf("cost %+v: want 3 workers from the environment and positive times", c)
	}
	if c, err := measureHashCost(ctx, nil, 1); err != nil || c.ConfigWorkers != hashing.DefaultWorkers() {
		t.Errorf("no setting: %d workers (%v), want the server default %d", c.ConfigWorkers, err, hashing.DefaultWorkers())
	}
	if _, err := measureHashCost(ctx, []string{"GATEHOUSE_HASH_WORKERS=many"}, 1); err == nil {
		t.Error("a setting the server would refuse: want an error")
	}
}

func TestPprofEnvMatchesHook(t *testing.T) {
	t.Parallel()
	if pprofEnv != pprofhook.Env {
		t.Errorf("pprofEnv %q, pprofhook.Env %q", pprofEnv, pprofhook.Env)
	}
}

// TestMixedLoopSplitsKinds runs a mixed closed loop over a slot pool:
// each kind is reported apart, the total is their sum, and no slot is
// ever used by two requests at once.
func TestMixedLoopSplitsKinds(t *testing.T) {
	t.Parallel()
	pool := newSlotPool(userSlots(make([]user, 4)))
	var inUse sync.Map
	var forked atomic.Bool
	var n atomic.Uint64
	send := func(ctx context.Context) (string, int, error) {
		s, err := pool.take(ctx)
		if err != nil {
			return "", 0, err
		}
		defer pool.put(s)
		if _, busy := inUse.LoadOrStore(s, true); busy {
			forked.Store(true)
		}
		defer inUse.Delete(s)
		kind := mixKind(n.Add(1) - 1)
		if kind == "login" {
			return kind, 400, nil
		}
		return kind, 200, nil
	}
	r := closedLoopMixed(context.Background(), "mixed", 4, 30*time.Millisecond, send)
	if forked.Load() {
		t.Error("a slot served two requests at once")
	}
	k := r.Kinds
	total := k["read"].Outcomes["200"] + k["refresh"].Outcomes["200"] + k["login"].Outcomes["400"]
	if r.OK != k["read"].OK+k["refresh"].OK || total != r.Scheduled || k["login"].OK != 0 {
		t.Errorf("kinds %+v do not add up to the stream (ok %d, sent %d)", k, r.OK, r.Scheduled)
	}
	if k["read"].OK < 8*k["refresh"].OK {
		t.Errorf("reads %d, refreshes %d: want about ten reads per refresh", k["read"].OK, k["refresh"].OK)
	}
	if outcome(0, errNoFreshUser) != "no_fresh_user" {
		t.Errorf("outcome of errNoFreshUser = %q", outcome(0, errNoFreshUser))
	}
}
