package setting

import (
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90s", 90 * time.Second},
		{"36h", 36 * time.Hour},
		{"5d", 5 * 24 * time.Hour},
		{"1.5d", 36 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"250ms", 250 * time.Millisecond},
		{"90", 90 * time.Second},
		{"0", 0},
		{" 10s ", 10 * time.Second},
		{"-5d", -5 * 24 * time.Hour},
		{"-90", -90 * time.Second},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil || got.Std() != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v, want %v", tt.in, got.Std(), err, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "d", "5x", "1.5", "5dd", "abc", "5 days", "9999999999999d", "99999999999999999999", "1d-1h"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{90 * time.Second, "1m30s"},
		{10 * time.Minute, "10m"},
		{36 * time.Hour, "36h"},
		{48 * time.Hour, "2d"},
		{time.Hour + 5*time.Second, "1h0m5s"},
		{1500 * time.Millisecond, "1.5s"},
	}
	for _, tt := range tests {
		got := Duration(tt.d).String()
		if got != tt.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.d, got, tt.want)
		}
		back, err := ParseDuration(got)
		if err != nil || back.Std() != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v, want %v (round trip)", got, back.Std(), err, tt.d)
		}
	}
}

func TestDurationYAML(t *testing.T) {
	t.Parallel()
	var v struct {
		A Duration `yaml:"a"`
		B Duration `yaml:"b"`
	}
	if err := yaml.Unmarshal([]byte("a: 5d\nb: 3600\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.Std() != 120*time.Hour || v.B.Std() != time.Hour {
		t.Errorf("decoded a=%v b=%v, want 120h and 1h", v.A.Std(), v.B.Std())
	}
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "a: 5d\nb: 1h\n"; got != want {
		t.Errorf("yaml.Marshal = %q, want %q", got, want)
	}
	if err := yaml.Unmarshal([]byte("a: [1]\n"), &v); err == nil {
		t.Error("decoding a list into a Duration succeeded, want an error")
	}
}
