package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func TestRateParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   Rate
		want core.Limit
		bad  bool
	}{
		{"100/1m", core.Limit{Max: 100, Window: time.Minute}, false},
		{" 5 / 10m ", core.Limit{Max: 5, Window: 10 * time.Minute}, false},
		{"3/1d", core.Limit{Max: 3, Window: 24 * time.Hour}, false},
		{"off", core.Limit{}, false},
		{"", core.Limit{}, false},
		{"0", core.Limit{}, false},
		{"100", core.Limit{}, true},
		{"x/1m", core.Limit{}, true},
		{"-1/1m", core.Limit{}, true},
		{"5/100ms", core.Limit{}, true},
		{"5/soon", core.Limit{}, true},
	} {
		got, err := tc.in.Parse()
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("Rate(%q).Parse() = %+v, %v; want %+v, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestSecurityValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(c *Config)
		path string
	}{
		{"bad proxy", func(c *Config) { c.Security.TrustedProxies = []string{"10.0.0.0/8", "nope"} }, "security.trusted_proxies"},
		{"negative grace", func(c *Config) { c.Security.RefreshReuseGrace = Duration(-time.Second) }, "security.refresh_reuse_grace"},
		{"huge grace", func(c *Config) { c.Security.RefreshReuseGrace = Duration(2 * time.Hour) }, "security.refresh_reuse_grace"},
		{"negative failures", func(c *Config) { c.Security.Lockout.MaxFailures = -1 }, "security.lockout.max_failures"},
		{"zero lock window", func(c *Config) { c.Security.Lockout.Window = 0 }, "security.lockout.window"},
		{"bad rate", func(c *Config) { c.Security.RateLimits.Login.PerIP = "lots" }, "security.rate_limits.login.per_ip"},
		{"bad identity rate", func(c *Config) { c.Security.RateLimits.Refresh.PerIdentity = "1/0s" }, "security.rate_limits.refresh.per_identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Validate() = %v, want a problem naming %s", err, tc.path)
			}
		})
	}
	// Lockout off does not need a window.
	c := Default()
	c.Security.Lockout = LockoutConfig{}
	if err := c.Validate(); err != nil {
		t.Errorf("lockout off: Validate() = %v", err)
	}
}

func TestSecurityEnv(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{
		"GATEHOUSE_TRUSTED_PROXIES":      "10.0.0.0/8, 192.168.1.7",
		"GATEHOUSE_RATE_LIMITS":          "off",
		"GATEHOUSE_LOCKOUT_MAX_FAILURES": "3",
		"GATEHOUSE_METRICS":              "off",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Security.RateLimits.Enabled || c.Metrics.Enabled || c.Security.Lockout.MaxFailures != 3 {
		t.Errorf("env not applied: %+v %+v", c.Security, c.Metrics)
	}
	if len(c.CoreRateLimits()) != 0 {
		t.Errorf("rate limits off, CoreRateLimits() = %v", c.CoreRateLimits())
	}
	got, err := c.TrustedProxyPrefixes()
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}
	if err != nil || !cmp.Equal(got, want, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })) {
		t.Errorf("TrustedProxyPrefixes() = %v, %v; want %v", got, err, want)
	}
	if _, err := Load("", env(map[string]string{"GATEHOUSE_RATE_LIMITS": "maybe"})); err == nil || !strings.Contains(err.Error(), "GATEHOUSE_RATE_LIMITS") {
		t.Errorf("bad bool env: err = %v", err)
	}
}

func TestCoreSecurityDefaults(t *testing.T) {
	t.Parallel()
	c := Default()
	rl := c.CoreRateLimits()
	if got := rl[core.ActionLogin]; got.PerIP != (core.Limit{Max: 100, Window: time.Minute}) || got.PerIdentity != (core.Limit{Max: 20, Window: time.Minute}) {
		t.Errorf("login limits = %+v", got)
	}
	if len(rl) != 7 {
		t.Errorf("CoreRateLimits() has %d actions, want 7", len(rl))
	}
	if l := c.CoreLockout(); l != (core.LockoutPolicy{MaxFailures: 5, Window: 10 * time.Minute, Duration: 10 * time.Minute}) {
		t.Errorf("CoreLockout() = %+v", l)
	}
}
