package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// envVar is one GATEHOUSE_* variable: the option it sets and how.
type envVar struct {
	name string
	path string // the YAML path of the option it overrides
	set  func(c *Config, v string) error
}

// envVars lists every environment variable Load reads. Only these are
// read: an unknown GATEHOUSE_* variable is ignored, as the environment is
// shared with other programs.
func envVars() []envVar {
	str, dur := strVar, durVar
	vars := []envVar{
		{"GATEHOUSE_DIR", "data_dir", str(func(c *Config) *string { return &c.DataDir })},
		{"GATEHOUSE_DB", "db.url", func(c *Config, v string) error {
			c.DB.URL = SecretURL(v)
			return nil
		}},
		{"GATEHOUSE_DB_MAX_CONNS", "db.max_conns", intVar(func(c *Config) *int { return &c.DB.MaxConns })},
		{"GATEHOUSE_REDIS_URL", "redis.url", func(c *Config, v string) error {
			c.Redis.URL = SecretURL(v)
			return nil
		}},
		{"GATEHOUSE_REDIS_KEY_PREFIX", "redis.key_prefix", str(func(c *Config) *string { return &c.Redis.KeyPrefix })},
		{"GATEHOUSE_HTTP", "http.addr", str(func(c *Config) *string { return &c.HTTP.Addr })},
		{"GATEHOUSE_BODY_LIMIT", "http.body_limit", func(c *Config, v string) error {
			b, err := ParseByteSize(v)
			c.HTTP.BodyLimit = b
			return err
		}},
		{"GATEHOUSE_CORS_ORIGINS", "http.cors_origins", func(c *Config, v string) error {
			c.HTTP.CORSOrigins = splitList(v)
			return nil
		}},
		{"GATEHOUSE_SHUTDOWN_TIMEOUT", "http.shutdown_timeout", dur(func(c *Config) *Duration { return &c.HTTP.ShutdownTimeout })},
		{"GATEHOUSE_APP_NAME", "app.name", str(func(c *Config) *string { return &c.App.Name })},
		{"GATEHOUSE_APP_URL", "app.url", str(func(c *Config) *string { return &c.App.URL })},
		{"GATEHOUSE_LOG_LEVEL", "log.level", str(func(c *Config) *string { return &c.Log.Level })},
		{"GATEHOUSE_LOG_FORMAT", "log.format", str(func(c *Config) *string { return &c.Log.Format })},
		{"GATEHOUSE_SMTP_URL", "mail.smtp_url", func(c *Config, v string) error {
			c.Mail.SMTPURL = SecretURL(v)
			return nil
		}},
		{"GATEHOUSE_MAIL_FROM", "mail.from", str(func(c *Config) *string { return &c.Mail.From })},
		{"GATEHOUSE_MAIL_RETRY_BASE", "mail.retry_base", dur(func(c *Config) *Duration { return &c.Mail.RetryBase })},
		{"GATEHOUSE_TRUSTED_PROXIES", "security.trusted_proxies", func(c *Config, v string) error {
			c.Security.TrustedProxies = splitList(v)
			return nil
		}},
		{"GATEHOUSE_RATE_LIMITS", "security.rate_limits.enabled", boolVar(func(c *Config) *bool { return &c.Security.RateLimits.Enabled })},
		{"GATEHOUSE_SESSION_CACHE_TTL", "security.session_cache_ttl", durVar(func(c *Config) *Duration { return &c.Security.SessionCacheTTL })},
		{"GATEHOUSE_LOCKOUT_MAX_FAILURES", "security.lockout.max_failures", intVar(func(c *Config) *int { return &c.Security.Lockout.MaxFailures })},
		{"GATEHOUSE_METRICS", "metrics.enabled", boolVar(func(c *Config) *bool { return &c.Metrics.Enabled })},
		{"GATEHOUSE_HASH_WORKERS", "passwords.workers", intVar(func(c *Config) *int { return &c.Passwords.Workers })},
	}
	return append(vars, directusEnvVars()...)
}

// strVar sets a string option.
func strVar(field func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *field(c) = v; return nil }
}

// durVar sets a duration option.
func durVar(field func(c *Config) *Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := ParseDuration(v)
		*field(c) = d
		return err
	}
}

// listVar sets a list option from a comma-separated value.
func listVar(field func(c *Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error { *field(c) = splitList(v); return nil }
}

// intVar sets a whole-number option.
func intVar(field func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", v)
		}
		*field(c) = n
		return nil
	}
}

// boolVar sets a bool option from on/off, true/false or 1/0.
func boolVar(field func(c *Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "1", "yes":
			*field(c) = true
		case "off", "false", "0", "no":
			*field(c) = false
		default:
			return fmt.Errorf("want on or off, got %q", v)
		}
		return nil
	}
}

// applyEnv overrides c with every listed variable that is set and not
// empty. A malformed value is reported by variable name and leaves the
// option as it was.
func (c *Config) applyEnv(getenv func(string) string) error {
	var errs []error
	for _, ev := range envVars() {
		v := getenv(ev.name)
		if v == "" {
			continue
		}
		next := *c
		if err := ev.set(&next, v); err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %v", ev.name, ev.path, err))
			continue
		}
		*c = next
	}
	return errors.Join(errs...)
}

// splitList splits a comma-separated list, trimming blanks and dropping
// empty items.
func splitList(v string) []string {
	out := []string{}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
