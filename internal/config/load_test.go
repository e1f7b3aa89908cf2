package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
	"github.com/gatehouse/gatehouse/internal/surfaces/conduit"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
)

// writeConfig writes a YAML file into a fresh temp dir and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// env returns a getenv over a fixed map.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func ptr[T any](v T) *T { return &v }

func TestDefault(t *testing.T) {
	t.Parallel()
	c := Default()
	want := Config{
		DataDir:     "./gatehouse_data",
		MemoryLimit: 64 * MiB,
		DB: DBConfig{
			MaxConns: 10, ConnectTimeout: Duration(5 * time.Second),
			AcquireTimeout: Duration(3 * time.Second), QueryTimeout: Duration(5 * time.Second),
			StatementTimeout: Duration(4 * time.Second), LockTimeout: Duration(2 * time.Second),
		},
		Redis: RedisConfig{KeyPrefix: "gatehouse:rl:"},
		Keys:  KeysConfig{ReloadInterval: Duration(10 * time.Second)},
		HTTP: HTTPConfig{
			Addr: "127.0.0.1:8090", BodyLimit: 33554432, CORSOrigins: []string{"*"},
			ReadHeaderTimeout: Duration(10 * time.Second), MinBodyRate: 512, BodyGrace: Duration(10 * time.Second),
			HandlerTimeout: Duration(30 * time.Second), WriteTimeout: Duration(30 * time.Second),
			IdleTimeout: Duration(2 * time.Minute), MaxConnsPerIP: 128, MaxIdleConns: 500, ShutdownTimeout: Duration(30 * time.Second),
		},
		App: AppConfig{Name: "Gatehouse", URL: "http://127.0.0.1:8090"},
		Log: LogConfig{Level: "info", Format: "text"},
		Mail: MailConfig{
			From: "Gatehouse <no-reply@localhost>", Poll: Duration(5 * time.Second),
			RetryBase: Duration(2 * time.Second), RetryMax: Duration(10 * time.Minute),
			SendTimeout: Duration(30 * time.Second),
			Lease:       Duration(20 * time.Second),
		},
		Passwords: PasswordsConfig{
			Argon2MemoryKiB: 19456, Argon2Iterations: 2, Argon2Parallelism: 1,
			QueueWait: Duration(2 * time.Second), WorkerIdleTimeout: Duration(10 * time.Second),
		},
		Security: SecurityConfig{
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
		},
		Metrics: MetricsConfig{Enabled: true},
		Surfaces: SurfacesConfig{Directus: Surface[directus.Options]{
			Enabled: true, Mount: "/directus",
			Options: directus.Options{
				Collection: "users",
				AccessTTL:  Duration(15 * time.Minute), RefreshTTL: Duration(7 * 24 * time.Hour),
				SessionTTL: Duration(24 * time.Hour), SessionGrace: Duration(10 * time.Second),
				LoginStall: Duration(500 * time.Millisecond), RegisterStall: Duration(750 * time.Millisecond),
				RefreshCookieName: "directus_refresh_token", SessionCookieName: "directus_session_token",
				CookieSecure: "auto", CookieSameSite: "lax",
				PasswordResetURLAllowList: []string{}, RegisterURLAllowList: []string{}, RedirectAllowList: []string{},
				PublicRegistration: true,
				GraphQL:            gql.Limits{MaxQueryBytes: 64 << 10, MaxDepth: 20, MaxAliases: 50, MaxFields: 1000, MaxCostly: 3},
			},
		}, Payload: Surface[payload.Options]{
			Enabled: true, Mount: "/payload",
			Options: payload.Options{
				APIPrefix: "/api", Slugs: map[string]string{}, AdminRoute: "/admin",
				CookiePrefix: "payload", CookieSecure: "auto", CSRF: []string{},
				TokenExpiration: Duration(2 * time.Hour), MaxLoginAttempts: 5, LockTime: Duration(10 * time.Minute),
				UnlockAccess: "user", LoginStall: Duration(500 * time.Millisecond),
				GraphQL: gql.Limits{MaxQueryBytes: 64 << 10, MaxDepth: 20, MaxAliases: 50, MaxFields: 1000, MaxCostly: 3},
			},
		}, Conduit: Surface[conduit.Options]{
			Enabled: true, Mount: "/conduit",
			Options: conduit.Options{
				Collection: "users",
				AccessTokens: conduit.TokenOptions{ExpiryPeriod: Duration(time.Hour),
					Cookie: conduit.CookieOptions{Secure: "auto", SameSite: "lax"}},
				RefreshTokens: conduit.TokenOptions{ExpiryPeriod: Duration(7 * 24 * time.Hour),
					Cookie: conduit.CookieOptions{Secure: "auto", SameSite: "lax"}},
				Clients: conduit.ClientOptions{MultipleClientLogins: true, Secrets: map[string]string{}},
				Local: conduit.LocalOptions{Verification: conduit.VerificationOptions{
					Method: "link", ResendThreshold: Duration(time.Minute)}},
				TwoFA:        conduit.TwoFAOptions{BackupCodes: true},
				MagicLink:    conduit.MagicLinkOptions{TTL: Duration(15 * time.Minute)},
				RedirectURIs: conduit.RedirectOptions{WhitelistedURIs: []string{}},
				LoginStall:   Duration(500 * time.Millisecond),
			},
		}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Default() mismatch (-want +got):\n%s", diff)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v, want nil", err)
	}
	if got := c.Issuer(); got != "http://127.0.0.1:8090" {
		t.Errorf("Default().Issuer() = %q, want the app URL", got)
	}
	// Each call returns fresh slices: callers may modify their copy.
	c.HTTP.CORSOrigins[0] = "https://changed.example"
	if got := Default().HTTP.CORSOrigins[0]; got != "*" {
		t.Errorf("Default() shares its CORS slice: got %q after a caller changed its copy", got)
	}
}

func TestLoadWithoutFileOrEnv(t *testing.T) {
	t.Parallel()
	for name, getenv := range map[string]func(string) string{"nil": nil, "empty": env(nil)} {
		got, err := Load("", getenv)
		if err != nil {
			t.Fatalf("%s getenv: Load = %v", name, err)
		}
		if diff := cmp.Diff(Default(), got); diff != "" {
			t.Errorf("%s getenv: Load mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func TestLoadYAMLOverrides(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
data_dir: /var/lib/gatehouse
http:
  addr: ":9000"
  body_limit: 512KiB
  cors_origins: [https://a.example, "http://localhost:5173"]
  idle_timeout: 1m
app:
  name: Acme
  url: https://auth.acme.example/
log: {level: debug, format: json}
mail:
  smtp_url: smtps://mailer:s3cret@smtp.acme.example
  from: Acme <auth@acme.example>
  retry_max: 1h
passwords:
  argon2_memory_kib: 65536
  workers: 4
  queue_wait: 500ms
tokens:
  issuer: https://issuer.acme.example
collections:
  users:
    auth_token_ttl: 14d
    password_min: 12
    public_signup: false
`)
	got, err := Load(path, env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Default()
	want.DataDir = "/var/lib/gatehouse"
	want.HTTP.Addr = ":9000"
	want.HTTP.BodyLimit = 512 * KiB
	want.HTTP.CORSOrigins = []string{"https://a.example", "http://localhost:5173"}
	want.HTTP.IdleTimeout = Duration(time.Minute)
	want.App = AppConfig{Name: "Acme", URL: "https://auth.acme.example/"}
	want.Log = LogConfig{Level: "debug", Format: "json"}
	want.Mail.SMTPURL = "smtps://mailer:s3cret@smtp.acme.example"
	want.Mail.From = "Acme <auth@acme.example>"
	want.Mail.RetryMax = Duration(time.Hour)
	want.Passwords.Argon2MemoryKiB = 65536
	want.Passwords.Workers = 4
	want.Passwords.QueueWait = Duration(500 * time.Millisecond)
	want.Tokens.Issuer = "https://issuer.acme.example"
	want.Collections = map[string]CollectionConfig{"users": {
		AuthTokenTTL: ptr(Duration(14 * 24 * time.Hour)), PasswordMin: ptr(12), PublicSignup: ptr(false),
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if got.Issuer() != "https://issuer.acme.example" {
		t.Errorf("Issuer() = %q, want tokens.issuer", got.Issuer())
	}
}

func TestLoadEnvOverridesYAML(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "http:\n  addr: 127.0.0.1:7000\n  body_limit: 1MiB\napp:\n  name: FromFile\nlog:\n  level: warn\n")
	got, err := Load(path, env(map[string]string{
		"GATEHOUSE_DIR":              "/data",
		"GATEHOUSE_HTTP":             "0.0.0.0:8080",
		"GATEHOUSE_BODY_LIMIT":       "64MB",
		"GATEHOUSE_CORS_ORIGINS":     " https://a.example , ,https://b.example",
		"GATEHOUSE_SHUTDOWN_TIMEOUT": "5",
		"GATEHOUSE_APP_NAME":         "FromEnv",
		"GATEHOUSE_APP_URL":          "https://app.example",
		"GATEHOUSE_LOG_LEVEL":        "",
		"GATEHOUSE_LOG_FORMAT":       "json",
		"GATEHOUSE_SMTP_URL":         "smtp://u:p@mail.example:2525",
		"GATEHOUSE_MAIL_FROM":        "x@app.example",
		"GATEHOUSE_MAIL_RETRY_BASE":  "3s",
		"GATEHOUSE_HASH_WORKERS":     "8",
		"GATEHOUSE_UNKNOWN":          "ignored",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Default()
	want.DataDir = "/data"
	want.HTTP.Addr = "0.0.0.0:8080"
	want.HTTP.BodyLimit = 64 * MB
	want.HTTP.CORSOrigins = []string{"https://a.example", "https://b.example"}
	want.HTTP.ShutdownTimeout = Duration(5 * time.Second)
	want.App = AppConfig{Name: "FromEnv", URL: "https://app.example"}
	want.Log = LogConfig{Level: "warn", Format: "json"} // empty env keeps the file's level
	want.Mail.SMTPURL = "smtp://u:p@mail.example:2525"
	want.Mail.From = "x@app.example"
	want.Mail.RetryBase = Duration(3 * time.Second)
	want.Passwords.Workers = 8
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadEnvErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	_, err := Load("", env(map[string]string{
		"GATEHOUSE_BODY_LIMIT":       "lots",
		"GATEHOUSE_SHUTDOWN_TIMEOUT": "soon",
		"GATEHOUSE_HASH_WORKERS":     "many",
		"GATEHOUSE_LOG_LEVEL":        "loud",
	}))
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	for _, want := range []string{
		`GATEHOUSE_BODY_LIMIT (http.body_limit): invalid size "lots"`,
		`GATEHOUSE_SHUTDOWN_TIMEOUT (http.shutdown_timeout): invalid duration "soon"`,
		`GATEHOUSE_HASH_WORKERS (passwords.workers): want a whole number, got "many"`,
		`log.level: must be debug, info, warn or error, got "loud"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error lacks %q; got:\n%v", want, err)
		}
	}
}

func TestLoadYAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown top-level key", "data_dir: x\nhtpp:\n  addr: :1\n", []string{"line 2: htpp: unknown option"}},
		{"unknown nested key", "http:\n  addr: 127.0.0.1:1\n  body_limt: 1MiB\n", []string{"line 3: http.body_limt: unknown option"}},
		{"unknown collection key", "collections:\n  users:\n    password_minimum: 3\n", []string{"line 3: collections.users.password_minimum: unknown option"}},
		{"unknown mail template key", "collections:\n  users:\n    mail:\n      verification:\n        body: x\n", []string{"line 5: collections.users.mail.verification.body: unknown option"}},
		{"bad duration", "http:\n  idle_timeout: 5x\n", []string{`line 2: http.idle_timeout: invalid duration "5x"`}},
		{"bad size", "http:\n  body_limit: 32M\n", []string{`line 2: http.body_limit: invalid size "32M"`}},
		{"bad int", "passwords:\n  workers: many\n", []string{`line 2: passwords.workers: want a whole number, got "many"`}},
		{"bad bool", "collections:\n  users:\n    public_signup: maybe\n", []string{`line 3: collections.users.public_signup: want true or false, got "maybe"`}},
		{"list for a string", "app:\n  name: [a, b]\n", []string{"line 2: app.name: want a string, got a list"}},
		{"several at once", "http:\n  idle_timeout: 5x\n  nope: 1\nlog:\n  colour: red\n", []string{
			"line 2: http.idle_timeout:", "line 3: http.nope: unknown option", "line 5: log.colour: unknown option",
		}},
		{"duplicate key", "http:\n  addr: :1\n  addr: :2\n", []string{"line 3:", `"addr" already defined`}},
		{"syntax error", "http:\n  addr: [\n", []string{"gatehouse.yaml:"}},
		{"not a mapping", "hello\n", []string{"want a mapping of options"}},
		{"two documents", "log:\n  level: info\n---\nlog:\n  level: debug\n", []string{"only one YAML document"}},
		{"valid YAML, invalid value", "http:\n  addr: localhost\n", []string{`http.addr: missing port in address "localhost"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.yaml)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Load error lacks %q; got:\n%v", want, err)
				}
			}
		})
	}
}

func TestLoadFileProblems(t *testing.T) {
	t.Parallel()
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("Load(missing file) = %v, want a not-exist error", err)
	}
	for _, content := range []string{"", "# only a comment\n"} {
		got, err := Load(writeConfig(t, content), nil)
		if err != nil {
			t.Errorf("Load(%q) = %v, want defaults", content, err)
		} else if diff := cmp.Diff(Default(), got); diff != "" {
			t.Errorf("Load(%q) mismatch (-want +got):\n%s", content, diff)
		}
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

// A config dumped with yaml.Marshal reads back as the same config (minus
// the SMTP password, which marshalling masks on purpose).
func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Collections = map[string]CollectionConfig{"_superusers": {AuthTokenTTL: ptr(Duration(2 * time.Hour))}}
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(writeConfig(t, string(out)), nil)
	if err != nil {
		t.Fatalf("Load(marshalled default) = %v\n%s", err, out)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}
