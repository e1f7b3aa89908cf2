package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServerEnv(t *testing.T) {
	t.Parallel()
	parent := []string{
		"PATH=/bin", "GATEHOUSE_DIR=/elsewhere", "GATEHOUSE_RATE_LIMITS=on", "GATEHOUSE_HASH_WORKERS=3",
		"GATEHOUSE_SMTP_URL=smtp://u:secret@h:25", "GOGC=50",
	}
	parent = append(parent, "GATEHOUSE_DB=postgres://u:p@h/db", "GATEHOUSE_BENCH_PPROF=127.0.0.1:1")
	env, passed := serverEnv(parent, []string{"GOMAXPROCS=4", "GATEHOUSE_HASH_WORKERS=1"})
	// The bench's own settings come last and win: rate limits and the
	// connection cap off, and an empty GATEHOUSE_DB (SQLite, which the bench seeds) whatever the
	// caller's environment says.
	wantEnv := []string{
		"PATH=/bin", "GATEHOUSE_HASH_WORKERS=1", "GATEHOUSE_SMTP_URL=smtp://u:secret@h:25", "GOGC=50",
		"GOMAXPROCS=4", "GATEHOUSE_RATE_LIMITS=off", "GATEHOUSE_HTTP_MAX_CONNS_PER_IP=0", "GATEHOUSE_DB=",
	}
	if diff := cmp.Diff(wantEnv, env); diff != "" {
		t.Errorf("server env (-want +got):\n%s", diff)
	}
	wantPassed := []string{"GATEHOUSE_HASH_WORKERS=1", "GATEHOUSE_SMTP_URL=(set)", "GOGC=50", "GOMAXPROCS=4"}
	if diff := cmp.Diff(wantPassed, passed); diff != "" {
		t.Errorf("recorded settings (-want +got):\n%s", diff)
	}
}

func TestGaugeValue(t *testing.T) {
	t.Parallel()
	text := "# HELP gatehouse_hashing_workers x\n# TYPE gatehouse_hashing_workers gauge\ngatehouse_hashing_workers 3\ngatehouse_hashing_workers_other 9\n"
	if v, ok := gaugeValue(text, "gatehouse_hashing_workers"); !ok || v != 3 {
		t.Errorf("gaugeValue = %v, %v; want 3", v, ok)
	}
	if _, ok := gaugeValue(text, "missing"); ok {
		t.Error("found a missing gauge")
	}
}

func TestParseOptionsRejects(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"forced env":                   {"-server-env", "GATEHOUSE_RATE_LIMITS=on"},
		"forced database":              {"-server-env", "GATEHOUSE_DB=postgres://h/db"},
		"scenario in list":             {"-scenario", "read,nope"},
		"fewer users than connections": {"-users", "8", "-concurrency", "16"},
		"paced share":                  {"-paced-share", "1.5"},
		"env without =":                {"-server-env", "GOMAXPROCS"},
		"unknown scenario":             {"-scenario", "nope"},
		"flood kind":                   {"-flood-logins", "some"},
		"zero users":                   {"-users", "0"},
		"stray argument":               {"extra"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseOptions(args, io.Discard); err == nil {
				t.Errorf("parseOptions(%q): want an error", args)
			}
		})
	}
	o, err := parseOptions([]string{"-server-env", "GOMAXPROCS=4", "-duration", "3s"}, io.Discard)
	if err != nil || o.scenario != "loginflood" || len(o.serverEnv) != 1 || o.duration.Seconds() != 3 {
		t.Errorf("valid flags: %+v, %v", o, err)
	}
	if diff := cmp.Diff([]string{"loginflood"}, o.scenarios); diff != "" {
		t.Errorf("default scenarios (-want +got):\n%s", diff)
	}
}

func TestResolveScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec string
		want []string
	}{
		// Run order, whatever the order given; duplicates once.
		{"read,bare,read", []string{"bare", "read"}},
		// scale brings the standard dataset's runs to compare against.
		{"scale", []string{"read", "refresh", "sessions", "audit", "login", scaleScenario}},
		// postgres too.
		{"postgres", []string{"read", "refresh", "directus-refresh", "login", "signup", postgresScenario}},
		{"all", scenarioOrder},
		{"signup, loginflood", []string{"signup", "loginflood"}},
	}
	for _, tt := range tests {
		got, err := resolveScenarios(tt.spec)
		if err != nil {
			t.Errorf("resolveScenarios(%q): %v", tt.spec, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("resolveScenarios(%q) (-want +got):\n%s", tt.spec, diff)
		}
	}
	for _, name := range scenarioOrder {
		if _, ok := scenarios()[name]; !ok {
			t.Errorf("%q is in the run order but not in the scenario list", name)
		}
	}
	if len(scenarios()) != len(scenarioOrder) {
		t.Errorf("%d scenarios listed, %d in the run order", len(scenarios()), len(scenarioOrder))
	}
}
