package setting

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSwitch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in        Switch
		normal    Switch
		valid     bool
		auto, not bool // Resolve(true), Resolve(false)
	}{
		{"auto", Auto, true, true, false},
		{" AUTO ", Auto, true, true, false},
		{"true", On, true, true, true},
		{"On", On, true, true, true},
		{"yes", On, true, true, true},
		{"1", On, true, true, true},
		{"false", Off, true, false, false},
		{"OFF", Off, true, false, false},
		{"no", Off, true, false, false},
		{"0", Off, true, false, false},
		{"", "", false, true, false},
		{"Sometimes", "sometimes", false, true, false},
	} {
		if got := tc.in.Normal(); got != tc.normal {
			t.Errorf("Switch(%q).Normal() = %q, want %q", tc.in, got, tc.normal)
		}
		if got := tc.in.Valid(); got != tc.valid {
			t.Errorf("Switch(%q).Valid() = %v, want %v", tc.in, got, tc.valid)
		}
		if got := tc.in.Resolve(true); got != tc.auto {
			t.Errorf("Switch(%q).Resolve(true) = %v, want %v", tc.in, got, tc.auto)
		}
		if got := tc.in.Resolve(false); got != tc.not {
			t.Errorf("Switch(%q).Resolve(false) = %v, want %v", tc.in, got, tc.not)
		}
	}
}

func TestProblemsErrorFor(t *testing.T) {
	t.Parallel()
	type opts struct {
		AccessTTL Duration `yaml:"access_ttl"`
		Allow     []string `yaml:"allow_list,omitempty"`
	}
	var p Problems
	if err := p.ErrorFor("x", reflect.TypeFor[opts]()); err != nil {
		t.Errorf("no problems: ErrorFor = %v, want nil", err)
	}
	p.Add("access_ttl", "must be at least %s", "10s")
	p.Add("allow_list[2]", "bad entry")
	p.Add("unknown", "kept by key")
	err := p.ErrorFor("x", reflect.TypeFor[opts]())
	for _, want := range []string{
		"x: AccessTTL (access_ttl): must be at least 10s",
		"x: Allow (allow_list[2]): bad entry",
		"x: unknown (unknown): kept by key",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ErrorFor = %v, want it to contain %q", err, want)
		}
	}
	if !errors.Is(err, p[1].Err) {
		t.Error("ErrorFor does not wrap the problems' errors")
	}
}
