package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// SecurityConfig holds the protections that are on by default: trusted
// proxies for the client IP, refresh-token reuse detection, lockout and
// rate limits.
type SecurityConfig struct {
	// TrustedProxies lists the CIDRs or IPs of reverse proxies whose
	// X-Forwarded-For header is believed. Empty: the client IP is the
	// socket peer.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// RefreshReuseGrace is how long a rotated refresh token still
	// returns its successor instead of revoking the session.
	RefreshReuseGrace Duration `yaml:"refresh_reuse_grace"`
	// SessionCacheTTL is how long a node may reuse a session check; a
	// revocation on another node takes effect here within it. 0: none.
	SessionCacheTTL Duration         `yaml:"session_cache_ttl"`
	Lockout         LockoutConfig    `yaml:"lockout"`
	RateLimits      RateLimitsConfig `yaml:"rate_limits"`
}

// LockoutConfig locks an account after MaxFailures failed passwords within
// Window, for Duration. max_failures 0 turns lockout off.
type LockoutConfig struct {
	MaxFailures int      `yaml:"max_failures"`
	Window      Duration `yaml:"window"`
	Duration    Duration `yaml:"duration"`
}

// RateLimitsConfig sets a per-IP and per-identity limit for each action.
type RateLimitsConfig struct {
	Enabled       bool            `yaml:"enabled"`
	Login         RateLimitConfig `yaml:"login"`
	SignUp        RateLimitConfig `yaml:"signup"`
	OTP           RateLimitConfig `yaml:"otp"`
	PasswordReset RateLimitConfig `yaml:"password_reset"`
	Verification  RateLimitConfig `yaml:"verification"`
	EmailChange   RateLimitConfig `yaml:"email_change"`
	Refresh       RateLimitConfig `yaml:"refresh"`
}

// RateLimitConfig is one action's pair of limits.
type RateLimitConfig struct {
	PerIP       Rate `yaml:"per_ip"`
	PerIdentity Rate `yaml:"per_identity"`
}

// Rate is a limit written as "MAX/WINDOW" ("100/1m", "5/10m") or "off".
type Rate string

// Parse returns the limit; "off" (or "" or "0") is no limit.
func (r Rate) Parse() (core.Limit, error) {
	s := strings.TrimSpace(string(r))
	if s == "" || s == "off" || s == "0" {
		return core.Limit{}, nil
	}
	n, w, ok := strings.Cut(s, "/")
	max, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || max < 1 {
		return core.Limit{}, fmt.Errorf("want MAX/WINDOW like 100/1m or off, got %q", s)
	}
	d, err := ParseDuration(strings.TrimSpace(w))
	if err != nil || d.Std() < time.Second {
		return core.Limit{}, fmt.Errorf("window of %q must be a duration of at least 1s", s)
	}
	return core.Limit{Max: max, Window: d.Std()}, nil
}

// MetricsConfig switches the Prometheus endpoint.
type MetricsConfig struct {
	// Enabled serves Prometheus metrics at /metrics.
	Enabled bool `yaml:"enabled"`
}

func defaultSecurity() SecurityConfig {
	return SecurityConfig{
		TrustedProxies:    []string{},
		RefreshReuseGrace: Duration(10 * time.Second),
		SessionCacheTTL:   Duration(250 * time.Millisecond),
		Lockout:           LockoutConfig{MaxFailures: 5, Window: Duration(10 * time.Minute), Duration: Duration(10 * time.Minute)},
		RateLimits: RateLimitsConfig{
			Enabled:       true,
			Login:         RateLimitConfig{PerIP: "100/1m", PerIdentity: "20/1m"},
			SignUp:        RateLimitConfig{PerIP: "50/10m", PerIdentity: "off"},
			OTP:           RateLimitConfig{PerIP: "30/10m", PerIdentity: "5/10m"},
			PasswordReset: RateLimitConfig{PerIP: "30/10m", PerIdentity: "5/10m"},
			Verification:  RateLimitConfig{PerIP: "30/10m", PerIdentity: "5/10m"},
			EmailChange:   RateLimitConfig{PerIP: "30/10m", PerIdentity: "5/10m"},
			Refresh:       RateLimitConfig{PerIP: "600/1m", PerIdentity: "60/1m"},
		},
	}
}

// actions pairs each configured action with its core name and path.
func (r RateLimitsConfig) actions() []struct {
	action core.Action
	path   string
	cfg    RateLimitConfig
} {
	type entry = struct {
		action core.Action
		path   string
		cfg    RateLimitConfig
	}
	return []entry{
		{core.ActionLogin, "login", r.Login}, {core.ActionSignUp, "signup", r.SignUp}, {core.ActionOTP, "otp", r.OTP},
		{core.ActionPasswordReset, "password_reset", r.PasswordReset}, {core.ActionVerification, "verification", r.Verification},
		{core.ActionEmailChange, "email_change", r.EmailChange}, {core.ActionRefresh, "refresh", r.Refresh},
	}
}

// CoreRateLimits returns the limits core enforces (none when disabled).
func (c Config) CoreRateLimits() core.RateLimits {
	out := core.RateLimits{}
	if !c.Security.RateLimits.Enabled {
		return out
	}
	for _, a := range c.Security.RateLimits.actions() {
		ip, _ := a.cfg.PerIP.Parse() // validated by Validate
		id, _ := a.cfg.PerIdentity.Parse()
		out[a.action] = core.RateLimit{PerIP: ip, PerIdentity: id}
	}
	return out
}

// CoreLockout returns the lockout policy core enforces.
func (c Config) CoreLockout() core.LockoutPolicy {
	l := c.Security.Lockout
	return core.LockoutPolicy{MaxFailures: l.MaxFailures, Window: l.Window.Std(), Duration: l.Duration.Std()}
}

// TrustedProxyPrefixes parses security.trusted_proxies.
func (c Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range c.Security.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP nor a CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (s SecurityConfig) validate(p *problems) {
	cfg := Config{Security: s}
	if _, err := cfg.TrustedProxyPrefixes(); err != nil {
		p.add("security.trusted_proxies", "%v", err)
	}
	if s.RefreshReuseGrace < 0 || s.RefreshReuseGrace.Std() > time.Hour {
		p.add("security.refresh_reuse_grace", "must be between 0 and 1h")
	}
	if s.SessionCacheTTL < 0 || s.SessionCacheTTL.Std() > time.Second {
		p.add("security.session_cache_ttl", "must be between 0 and 1s")
	}
	if s.Lockout.MaxFailures < 0 {
		p.add("security.lockout.max_failures", "must not be negative")
	}
	if s.Lockout.MaxFailures > 0 {
		positive(p, "security.lockout.window", s.Lockout.Window)
		positive(p, "security.lockout.duration", s.Lockout.Duration)
	}
	for _, a := range s.RateLimits.actions() {
		if _, err := a.cfg.PerIP.Parse(); err != nil {
			p.add("security.rate_limits."+a.path+".per_ip", "%v", err)
		}
		if _, err := a.cfg.PerIdentity.Parse(); err != nil {
			p.add("security.rate_limits."+a.path+".per_identity", "%v", err)
		}
	}
}
