package config

import (
	"slices"
	"strings"
	"time"
)

// Config is every setting Gatehouse reads at startup. Start from Default or
// Load; test code may build literals directly.
type Config struct {
	// DataDir holds the dev mailbox, and the SQLite database unless
	// db.url names a PostgreSQL one.
	DataDir   string          `yaml:"data_dir"`
	DB        DBConfig        `yaml:"db"`
	Redis     RedisConfig     `yaml:"redis"`
	Keys      KeysConfig      `yaml:"keys"`
	HTTP      HTTPConfig      `yaml:"http"`
	App       AppConfig       `yaml:"app"`
	Log       LogConfig       `yaml:"log"`
	Mail      MailConfig      `yaml:"mail"`
	Passwords PasswordsConfig `yaml:"passwords"`
	Tokens    TokensConfig    `yaml:"tokens"`
	Security  SecurityConfig  `yaml:"security"`
	Metrics   MetricsConfig   `yaml:"metrics"`
	// Surfaces mounts the compatible APIs besides PocketBase's.
	Surfaces SurfacesConfig `yaml:"surfaces"`
	// MemoryLimit is the server's soft memory limit (the Go runtime's:
	// heap, stacks and runtime structures), which the collector works
	// harder to stay under. 0: none.
	MemoryLimit ByteSize `yaml:"memory_limit"`
	// Collections overrides the built-in auth collections, keyed by name
	// ("users" or "_superusers", the keys tag, which a test holds to
	// core's collections). Anything not set keeps core's default.
	Collections map[string]CollectionConfig `yaml:"collections,omitempty" keys:"users,_superusers" placeholder:"<name>"`
}

// AppConfig describes the application users see in mails and links.
type AppConfig struct {
	Name string `yaml:"name"`
	// URL is the public base URL; mail links and the default token issuer
	// are built from it.
	URL string `yaml:"url"`
}

// LogConfig is the server log.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// MailConfig is outgoing mail.
type MailConfig struct {
	// SMTPURL is smtp://user:pass@host:port (or smtps:// for implicit TLS).
	// Empty means the dev mailbox: .eml files under <data_dir>/mail.
	SMTPURL SecretURL `yaml:"smtp_url"`
	// From is the sender address, with an optional display name.
	From string `yaml:"from"`
	// Poll is how often the outbox worker looks for due mail when nothing
	// woke it.
	Poll Duration `yaml:"poll"`
	// RetryBase is the first retry delay after a failed delivery; it
	// doubles per attempt up to RetryMax.
	RetryBase   Duration `yaml:"retry_base"`
	RetryMax    Duration `yaml:"retry_max"`
	SendTimeout Duration `yaml:"send_timeout"`
	// Lease is how long a worker's claim on a mail lasts unrenewed. The
	// worker renews it every third of it while it sends (so it may be
	// shorter than SendTimeout), and a crashed worker's mail goes out at
	// most this long after the crash.
	Lease Duration `yaml:"lease"`
}

// MinMailLease is the shortest mail.lease: the worker renews every third
// of it, and a renewal is a database write that needs time to land.
const MinMailLease = 3 * time.Second

// DefaultWorkerIdleTimeout is passwords.worker_idle_timeout's default: an
// idle server holds no hashing worker 10 s after its last login, and a
// login after that pays one worker start (a few milliseconds).
const DefaultWorkerIdleTimeout = 10 * time.Second

// PasswordsConfig tunes password hashing.
type PasswordsConfig struct {
	Argon2MemoryKiB   int `yaml:"argon2_memory_kib"`
	Argon2Iterations  int `yaml:"argon2_iterations"`
	Argon2Parallelism int `yaml:"argon2_parallelism"`
	// Workers is the size of the hashing pool; 0 means one per CPU.
	Workers int `yaml:"workers"`
	// WorkerIdleTimeout is how long a hashing worker process may wait
	// for work before serve stops it (the next login starts one again);
	// 0 keeps the workers until the server stops.
	WorkerIdleTimeout Duration `yaml:"worker_idle_timeout"`
	// QueueWait is how long a request waits for a free worker before it
	// is turned away with Retry-After.
	QueueWait Duration `yaml:"queue_wait"`
}

// TokensConfig is about issued JWTs.
type TokensConfig struct {
	// Issuer is the `iss` claim; empty means the app URL.
	Issuer string `yaml:"issuer"`
}

// Default returns the zero-configuration settings: listen on
// 127.0.0.1:8090, keep data in SQLite under ./gatehouse_data, deliver mail
// to the dev mailbox.
func Default() Config {
	return Config{
		DataDir: "./gatehouse_data",
		DB:      defaultDB(),
		Redis:   RedisConfig{KeyPrefix: "gatehouse:rl:"},
		Keys:    KeysConfig{ReloadInterval: Duration(10 * time.Second)},
		HTTP:    defaultHTTP(),
		App:     AppConfig{Name: "Gatehouse", URL: "http://127.0.0.1:8090"},
		Log:     LogConfig{Level: "info", Format: "text"},
		Mail: MailConfig{
			From:        "Gatehouse <no-reply@localhost>",
			Poll:        Duration(5 * time.Second),
			RetryBase:   Duration(2 * time.Second),
			RetryMax:    Duration(10 * time.Minute),
			SendTimeout: Duration(30 * time.Second),
			Lease:       Duration(20 * time.Second),
		},
		Security: defaultSecurity(),
		Metrics:  MetricsConfig{Enabled: true},
		Surfaces: defaultSurfaces(),
		Passwords: PasswordsConfig{
			// OWASP's first choice for argon2id: 19 MiB, 2 passes, 1 lane.
			Argon2MemoryKiB:   19456,
			Argon2Iterations:  2,
			Argon2Parallelism: 1,
			QueueWait:         Duration(2 * time.Second),
			WorkerIdleTimeout: Duration(DefaultWorkerIdleTimeout),
		},
		// docs/decisions.md, "Issue 16: memory and start-up".
		MemoryLimit: 64 * MiB,
	}
}

// Issuer returns the JWT `iss` claim: tokens.issuer, or else the app URL
// without a trailing slash (so "https://x/" and "https://x" agree).
func (c Config) Issuer() string {
	if c.Tokens.Issuer != "" {
		return c.Tokens.Issuer
	}
	return strings.TrimRight(c.App.URL, "/")
}

// Redacted returns a copy of c with the passwords of the database, Redis
// and SMTP URLs and the OAuth2 client secrets replaced by "xxxxx", for
// printing. The copy shares c's slices and maps, except those it had to
// change.
func (c Config) Redacted() Config {
	c.DB.URL = SecretURL(c.DB.URL.String())
	c.Redis.URL = SecretURL(c.Redis.URL.String())
	c.Mail.SMTPURL = SecretURL(c.Mail.SMTPURL.String())
	if len(c.Collections) > 0 {
		cols := make(map[string]CollectionConfig, len(c.Collections))
		for name, cc := range c.Collections {
			if len(cc.OAuth2.Providers) > 0 {
				cc.OAuth2.Providers = slices.Clone(cc.OAuth2.Providers)
				for i := range cc.OAuth2.Providers {
					pc := &cc.OAuth2.Providers[i]
					pc.ClientSecret = Secret(pc.ClientSecret.String())
				}
			}
			cols[name] = cc
		}
		c.Collections = cols
	}
	return c
}
