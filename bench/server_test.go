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
	s := newServer("/src", "/tmp/x", "127.0.0.1:1", parent, []string{"GOMAXPROCS=4", "GATEHOUSE_HASH_WORKERS=1"})
	wantEnv := []string{
		"PATH=/bin", "GATEHOUSE_HASH_WORKERS=1", "GATEHOUSE_SMTP_URL=smtp://u:secret@h:25", "GOGC=50",
		"GOMAXPROCS=4", "GATEHOUSE_RATE_LIMITS=off",
	}
	if diff := cmp.Diff(wantEnv, s.env); diff != "" {
		t.Errorf("server env (-want +got):\n%s", diff)
	}
	wantPassed := []string{"GATEHOUSE_HASH_WORKERS=1", "GATEHOUSE_SMTP_URL=(set)", "GOGC=50", "GOMAXPROCS=4"}
	if diff := cmp.Diff(wantPassed, s.passed); diff != "" {
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
		"forced env":       {"-server-env", "GATEHOUSE_RATE_LIMITS=on"},
		"env without =":    {"-server-env", "GOMAXPROCS"},
		"unknown scenario": {"-scenario", "nope"},
		"flood kind":       {"-flood-logins", "some"},
		"zero users":       {"-users", "0"},
		"stray argument":   {"extra"},
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
}
