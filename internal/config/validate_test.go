package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateRules(t *testing.T) {
	t.Parallel()
	users := func(cc CollectionConfig) func(*Config) {
		return func(c *Config) { c.Collections = map[string]CollectionConfig{"users": cc} }
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // the option path and, where useful, the reason
	}{
		{"empty data dir", func(c *Config) { c.DataDir = "" }, "data_dir: must not be empty"},
		{"addr without port", func(c *Config) { c.HTTP.Addr = "localhost" }, `http.addr: missing port in address "localhost"`},
		{"addr empty", func(c *Config) { c.HTTP.Addr = "" }, "http.addr: missing port"},
		{"addr bad port", func(c *Config) { c.HTTP.Addr = "127.0.0.1:http" }, `http.addr: port "http"`},
		{"addr port too big", func(c *Config) { c.HTTP.Addr = ":65536" }, "http.addr: port"},
		{"addr too many colons", func(c *Config) { c.HTTP.Addr = "::1:80" }, "http.addr: too many colons"},
		{"body limit too small", func(c *Config) { c.HTTP.BodyLimit = 1023 }, "http.body_limit: must be between 1KiB and 1GiB"},
		{"body limit too big", func(c *Config) { c.HTTP.BodyLimit = GiB + 1 }, "http.body_limit:"},
		{"cors origin with path", func(c *Config) { c.HTTP.CORSOrigins = []string{"*", "https://a.example/"} }, "http.cors_origins[1]:"},
		{"cors origin without scheme", func(c *Config) { c.HTTP.CORSOrigins = []string{"a.example"} }, "http.cors_origins[0]:"},
		{"read header timeout zero", func(c *Config) { c.HTTP.ReadHeaderTimeout = 0 }, "http.read_header_timeout: must be a positive duration"},
		{"idle timeout negative", func(c *Config) { c.HTTP.IdleTimeout = Duration(-time.Second) }, "http.idle_timeout: must be a positive duration"},
		{"shutdown timeout zero", func(c *Config) { c.HTTP.ShutdownTimeout = 0 }, "http.shutdown_timeout:"},
		{"min body rate negative", func(c *Config) { c.HTTP.MinBodyRate = -1 }, "http.min_body_rate: must be between 0 (off) and 1GiB a second, got -1"},
		{"min body rate too big", func(c *Config) { c.HTTP.MinBodyRate = GiB + 1 }, "http.min_body_rate:"},
		{"body grace zero", func(c *Config) { c.HTTP.BodyGrace = 0 }, "http.body_grace: must be a positive duration"},
		{"handler timeout zero", func(c *Config) { c.HTTP.HandlerTimeout = 0 }, "http.handler_timeout: must be a positive duration"},
		{"write timeout negative", func(c *Config) { c.HTTP.WriteTimeout = Duration(-time.Second) }, "http.write_timeout: must be a positive duration"},
		{"max conns per ip negative", func(c *Config) { c.HTTP.MaxConnsPerIP = -1 }, "http.max_conns_per_ip: must be between 0 (no cap) and 1048576, got -1"},
		{"memory limit too small", func(c *Config) { c.MemoryLimit = MiB }, "memory_limit: must be 0 (none) or between 16MiB and 1024GiB, got 1MiB"},
		{"max idle conns negative", func(c *Config) { c.HTTP.MaxIdleConns = -1 }, "http.max_idle_conns: must be between 0 (no cap) and 1048576, got -1"},
		{"app name empty", func(c *Config) { c.App.Name = "" }, "app.name: must not be empty"},
		{"app url relative", func(c *Config) { c.App.URL = "/app" }, "app.url: must be an absolute"},
		{"app url ftp", func(c *Config) { c.App.URL = "ftp://app.example" }, "app.url: must be an absolute http:// or https:// URL"},
		{"app url no host", func(c *Config) { c.App.URL = "https://" }, "app.url: must include a host"},
		{"app url query", func(c *Config) { c.App.URL = "https://app.example/?x=1" }, "app.url: must not have a query"},
		{"app url fragment", func(c *Config) { c.App.URL = "https://app.example/#top" }, "app.url: must not have a fragment"},
		{"app url credentials", func(c *Config) { c.App.URL = "https://u:p@app.example" }, "app.url: must not contain a user name"},
		{"app url unparseable", func(c *Config) { c.App.URL = "http://[::1" }, "app.url: not a valid URL"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, `log.level: must be debug, info, warn or error, got "verbose"`},
		{"log level uppercase", func(c *Config) { c.Log.Level = "INFO" }, "log.level:"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, `log.format: must be text or json, got "xml"`},
		{"smtp scheme", func(c *Config) { c.Mail.SMTPURL = "http://mail.example" }, `mail.smtp_url: scheme must be smtp or smtps, got "http"`},
		{"smtp no host", func(c *Config) { c.Mail.SMTPURL = "smtp://" }, "mail.smtp_url: must include a host"},
		{"smtp opaque", func(c *Config) { c.Mail.SMTPURL = "smtp:mail.example" }, "mail.smtp_url: must include a host"},
		{"smtp bad port", func(c *Config) { c.Mail.SMTPURL = "smtp://mail.example:0" }, "mail.smtp_url: port"},
		{"smtp path", func(c *Config) { c.Mail.SMTPURL = "smtp://mail.example/x" }, "mail.smtp_url: must not have a path"},
		{"smtp unknown parameter", func(c *Config) { c.Mail.SMTPURL = "smtp://mail.example?auth=plain" }, "mail.smtp_url: has an unknown or repeated parameter"},
		{"smtp bad tls", func(c *Config) { c.Mail.SMTPURL = "smtp://mail.example?tls=maybe" }, "mail.smtp_url: tls must be required or off"},
		{"smtps tls off", func(c *Config) { c.Mail.SMTPURL = "smtps://mail.example?tls=off" }, "mail.smtp_url: tls=off contradicts smtps://"},
		{"smtp unparseable", func(c *Config) { c.Mail.SMTPURL = "smtp://u:p@[::1" }, "mail.smtp_url: not a valid URL"},
		{"from not an address", func(c *Config) { c.Mail.From = "Gatehouse" }, "mail.from: not an email address"},
		{"poll zero", func(c *Config) { c.Mail.Poll = 0 }, "mail.poll: must be a positive duration"},
		{"retry base zero", func(c *Config) { c.Mail.RetryBase = 0 }, "mail.retry_base: must be a positive duration"},
		{"retry max zero", func(c *Config) { c.Mail.RetryMax = 0 }, "mail.retry_max: must be a positive duration"},
		{"send timeout zero", func(c *Config) { c.Mail.SendTimeout = 0 }, "mail.send_timeout:"},
		{"lease zero", func(c *Config) { c.Mail.Lease = 0 }, "mail.lease: must be at least 3s"},
		{"lease too short", func(c *Config) { c.Mail.Lease = Duration(2 * time.Second) }, "mail.lease: must be at least 3s (it is renewed every third of it), got 2s"},
		{"retry base above max", func(c *Config) { c.Mail.RetryBase = Duration(time.Hour) }, "mail.retry_base: must not be longer than mail.retry_max (10m), got 1h"},
		{"argon2 memory too small", func(c *Config) { c.Passwords.Argon2MemoryKiB = 7 }, "passwords.argon2_memory_kib: must be between 8"},
		{"argon2 memory below lanes", func(c *Config) { c.Passwords.Argon2Parallelism = 4; c.Passwords.Argon2MemoryKiB = 31 }, "passwords.argon2_memory_kib: must be between 32"},
		{"argon2 memory too big", func(c *Config) { c.Passwords.Argon2MemoryKiB = 4*1024*1024 + 1 }, "passwords.argon2_memory_kib:"},
		{"argon2 iterations", func(c *Config) { c.Passwords.Argon2Iterations = 0 }, "passwords.argon2_iterations: must be at least 1"},
		{"argon2 parallelism zero", func(c *Config) { c.Passwords.Argon2Parallelism = 0 }, "passwords.argon2_parallelism:"},
		{"argon2 parallelism too big", func(c *Config) { c.Passwords.Argon2Parallelism = 256; c.Passwords.Argon2MemoryKiB = 1 << 20 }, "passwords.argon2_parallelism:"},
		{"workers negative", func(c *Config) { c.Passwords.Workers = -1 }, "passwords.workers:"},
		{"queue wait zero", func(c *Config) { c.Passwords.QueueWait = 0 }, "passwords.queue_wait:"},
		{"worker idle timeout negative", func(c *Config) { c.Passwords.WorkerIdleTimeout = Duration(-time.Second) }, "passwords.worker_idle_timeout:"},
		{"unknown collection", func(c *Config) { c.Collections = map[string]CollectionConfig{"admins": {}} }, "collections.admins: unknown collection"},
		{"auth ttl too short", users(CollectionConfig{AuthTokenTTL: ptr(Duration(9 * time.Second))}), "collections.users.auth_token_ttl: must be between 10s and"},
		{"verification ttl too long", users(CollectionConfig{VerificationTTL: ptr(Duration(94670857 * time.Second))}), "collections.users.verification_ttl:"},
		{"reset ttl zero", users(CollectionConfig{PasswordResetTTL: ptr(Duration(0))}), "collections.users.password_reset_ttl:"},
		{"email change ttl", users(CollectionConfig{EmailChangeTTL: ptr(Duration(time.Second))}), "collections.users.email_change_ttl:"},
		{"password min zero", users(CollectionConfig{PasswordMin: ptr(0)}), "collections.users.password_min: must be between 1 and 255"},
		{"password min above default max", users(CollectionConfig{PasswordMin: ptr(100)}), "collections.users.password_min: must not exceed password_max (71)"},
		{"password max below min", users(CollectionConfig{PasswordMin: ptr(12), PasswordMax: ptr(10)}), "collections.users.password_max: must be between 12 (password_min) and 255"},
		{"password max below default min", users(CollectionConfig{PasswordMax: ptr(6)}), "collections.users.password_max: must be between 8"},
		{"password max too big", users(CollectionConfig{PasswordMax: ptr(256)}), "collections.users.password_max:"},
		{"superuser signup", func(c *Config) {
			c.Collections = map[string]CollectionConfig{"_superusers": {PublicSignup: ptr(false)}}
		}, "collections._superusers.public_signup: cannot be set"},
		{"unknown mail", users(CollectionConfig{Mail: map[string]MailTemplateConfig{"welcome": {}}}), "collections.users.mail.welcome: unknown mail"},
		{"action url without token", users(CollectionConfig{Mail: map[string]MailTemplateConfig{
			"password_reset": {ActionURL: "https://app.example/reset"},
		}}), "collections.users.mail.password_reset.action_url: must contain {TOKEN}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Default()
			tt.change(&c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.want)
			}
			// One bad value gives exactly one problem.
			if n := len(unjoin(err)); n != 1 {
				t.Errorf("Validate() reported %d problems, want 1:\n%v", n, err)
			}
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestValidateAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"any interface", func(c *Config) { c.HTTP.Addr = ":8090" }},
		{"port zero", func(c *Config) { c.HTTP.Addr = "127.0.0.1:0" }},
		{"ipv6", func(c *Config) { c.HTTP.Addr = "[::1]:8090" }},
		{"body limit bounds", func(c *Config) { c.HTTP.BodyLimit = KiB }},
		{"no cors", func(c *Config) { c.HTTP.CORSOrigins = nil }},
		{"cors origins", func(c *Config) { c.HTTP.CORSOrigins = []string{"https://a.example", "http://localhost:5173"} }},
		{"app url with path", func(c *Config) { c.App.URL = "https://example.com/auth/" }},
		{"smtp with everything", func(c *Config) { c.Mail.SMTPURL = "smtp://user%40x:p%2Fw@mail.example:2525/?tls=required" }},
		{"smtps", func(c *Config) { c.Mail.SMTPURL = "smtps://mail.example" }},
		{"plain from", func(c *Config) { c.Mail.From = "auth@app.example" }},
		{"retry base equals max", func(c *Config) { c.Mail.RetryBase = c.Mail.RetryMax }},
		{"superuser overrides", func(c *Config) {
			c.Collections = map[string]CollectionConfig{"_superusers": {
				AuthTokenTTL: ptr(Duration(10 * time.Second)), PasswordMin: ptr(255), PasswordMax: ptr(255),
			}}
		}},
		{"mail overrides", func(c *Config) {
			c.Collections = map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{
				"verification": {Subject: "Hi"}, "email_change": {ActionURL: "https://app.example/c/{TOKEN}"},
			}}}
		}},
	}
	for _, tt := range tests {
		c := Default()
		tt.change(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := Default()
	c.HTTP.Addr = "localhost"
	c.Log.Level = "loud"
	c.Mail.From = "nobody"
	c.Passwords.Argon2Iterations = 0
	c.Collections = map[string]CollectionConfig{"users": {PasswordMin: ptr(0)}, "admins": {}}
	err := c.Validate()
	want := []string{"http.addr:", "log.level:", "mail.from:", "passwords.argon2_iterations:", "collections.admins:", "collections.users.password_min:"}
	got := unjoin(err)
	if len(got) != len(want) {
		t.Fatalf("Validate() reported %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i].Error(), w) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], w)
		}
	}
	if !errors.Is(err, got[0]) {
		t.Error("joined error does not wrap its parts")
	}
}
