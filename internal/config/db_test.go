package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDBRedisKeysDefaults(t *testing.T) {
	t.Parallel()
	c := Default()
	want := DBConfig{
		MaxConns:         10,
		ConnectTimeout:   Duration(5 * time.Second),
		AcquireTimeout:   Duration(3 * time.Second),
		QueryTimeout:     Duration(5 * time.Second),
		StatementTimeout: Duration(4 * time.Second),
		LockTimeout:      Duration(2 * time.Second),
	}
	if diff := cmp.Diff(want, c.DB); diff != "" {
		t.Errorf("Default().DB mismatch (-want +got):\n%s", diff)
	}
	if c.Redis != (RedisConfig{KeyPrefix: "gatehouse:rl:"}) {
		t.Errorf("Default().Redis = %+v, want no Redis", c.Redis)
	}
	if got := c.Keys.ReloadInterval; got != Duration(10*time.Second) {
		t.Errorf("Default().Keys.ReloadInterval = %s, want 10s", got)
	}
	if c.UsesPostgres() || c.UsesRedis() {
		t.Errorf("Default() uses Postgres %v, Redis %v; want SQLite and no Redis", c.UsesPostgres(), c.UsesRedis())
	}
	c.DB.URL = "postgres://db.example/gatehouse"
	c.Redis.URL = "redis://cache.example"
	if !c.UsesPostgres() || !c.UsesRedis() {
		t.Errorf("with both URLs set: UsesPostgres %v, UsesRedis %v; want both true", c.UsesPostgres(), c.UsesRedis())
	}
}

func TestLoadDBRedisKeysFromFileAndEnv(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
db:
  url: postgres://file:pw@file-db.example/gatehouse
  max_conns: 20
  connect_timeout: 2s
  acquire_timeout: 750ms
  query_timeout: 2m
  statement_timeout: 1m
  lock_timeout: 5s
redis:
  url: redis://file-cache.example
keys:
  reload_interval: 30s
`)
	fromFile := Default()
	fromFile.DB = DBConfig{
		URL: "postgres://file:pw@file-db.example/gatehouse", MaxConns: 20,
		ConnectTimeout: Duration(2 * time.Second), AcquireTimeout: Duration(750 * time.Millisecond),
		QueryTimeout: Duration(2 * time.Minute), StatementTimeout: Duration(time.Minute),
		LockTimeout: Duration(5 * time.Second),
	}
	fromFile.Redis.URL = "redis://file-cache.example"
	fromFile.Keys.ReloadInterval = Duration(30 * time.Second)

	fromEnv := fromFile
	fromEnv.DB.URL = "postgresql://env:pw@env-db.example:5433/gh?sslmode=require"
	fromEnv.DB.MaxConns = 50
	fromEnv.Redis.URL = "rediss://:pw@env-cache.example:6380/1"

	tests := []struct {
		name string
		env  map[string]string
		want Config
	}{
		{"file only", nil, fromFile},
		{"empty variables keep the file", map[string]string{"GATEHOUSE_DB": "", "GATEHOUSE_DB_MAX_CONNS": "", "GATEHOUSE_REDIS_URL": ""}, fromFile},
		{"variables win", map[string]string{
			"GATEHOUSE_DB":           "postgresql://env:pw@env-db.example:5433/gh?sslmode=require",
			"GATEHOUSE_DB_MAX_CONNS": " 50 ",
			"GATEHOUSE_REDIS_URL":    "rediss://:pw@env-cache.example:6380/1",
		}, fromEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(path, env(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadDBEnvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"max conns not a number", map[string]string{"GATEHOUSE_DB_MAX_CONNS": "lots"}, `GATEHOUSE_DB_MAX_CONNS (db.max_conns): want a whole number, got "lots"`},
		{"max conns out of range", map[string]string{"GATEHOUSE_DB_MAX_CONNS": "0"}, "db.max_conns: must be between 1 and 1000, got 0"},
		{"db url not postgres", map[string]string{"GATEHOUSE_DB": "mysql://db.example/x"}, `db.url: scheme must be postgres or postgresql, got "mysql"`},
		{"redis url not redis", map[string]string{"GATEHOUSE_REDIS_URL": "http://cache.example"}, `redis.url: scheme must be redis or rediss, got "http"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("", env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadDBYAMLErrorsNameTheOption(t *testing.T) {
	t.Parallel()
	tests := []struct{ yaml, want string }{
		{"db:\n  max_conns: many\n", `line 2: db.max_conns: want a whole number, got "many"`},
		{"db:\n  acquire_timeout: soon\n", `line 2: db.acquire_timeout: invalid duration "soon"`},
		{"db:\n  urll: postgres://x\n", "line 2: db.urll: unknown option"},
		{"redis:\n  url: [a]\n", "line 2: redis.url: want a string, got a list"},
		{"keys:\n  reload_interval: 0s\n", "keys.reload_interval: must be between 1s and 1h, got 0s"},
	}
	for _, tt := range tests {
		_, err := Load(writeConfig(t, tt.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", tt.yaml, err, tt.want)
		}
	}
}

func TestValidateDBRedisKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"db scheme", func(c *Config) { c.DB.URL = "mysql://u:" + password + "@db.example/x" }, `db.url: scheme must be postgres or postgresql, got "mysql"`},
		{"db sqlite url", func(c *Config) { c.DB.URL = "sqlite:///var/lib/gatehouse.db" }, `db.url: scheme must be postgres or postgresql, got "sqlite"`},
		{"db key=value dsn", func(c *Config) { c.DB.URL = "host=db.example password=" + password }, "db.url: not a valid URL (want postgres://"},
		{"db no host", func(c *Config) { c.DB.URL = "postgres:///gatehouse" }, "db.url: must include a host"},
		{"db opaque", func(c *Config) { c.DB.URL = "postgres:db.example" }, "db.url: must include a host"},
		{"db unparseable", func(c *Config) { c.DB.URL = "postgres://u:" + password + "@[::1" }, "db.url: not a valid URL"},
		{"db port zero", func(c *Config) { c.DB.URL = "postgres://db.example:0/x" }, "db.url: port must be a number between 1 and 65535"},
		{"db port too big", func(c *Config) { c.DB.URL = "postgres://u:" + password + "@db.example:65536/x" }, "db.url: port must be"},
		{"db fragment", func(c *Config) { c.DB.URL = "postgres://db.example/x#frag" }, "db.url: must not have a fragment"},
		{"db password cut by ?", func(c *Config) { c.DB.URL = "postgres://u:12345?" + password + "@db.example/x" }, `db.url: has an "@" after the host`},
		{"db password cut by #", func(c *Config) { c.DB.URL = "postgres://u:12345#" + password + "@db.example/x" }, `db.url: has an "@" after the host`},
		{"db password cut by /", func(c *Config) { c.DB.URL = "postgres://u:99999/" + password + "@db.example/x" }, `db.url: has an "@" after the host`},
		{"db malformed query", func(c *Config) { c.DB.URL = "postgres://db.example/x?sslmode=%zz" }, "db.url: has a malformed query"},
		{"max conns zero", func(c *Config) { c.DB.MaxConns = 0 }, "db.max_conns: must be between 1 and 1000, got 0"},
		{"max conns too many", func(c *Config) { c.DB.MaxConns = 1001 }, "db.max_conns: must be between 1 and 1000, got 1001"},
		{"connect timeout zero", func(c *Config) { c.DB.ConnectTimeout = 0 }, "db.connect_timeout: must be a positive duration"},
		{"acquire timeout negative", func(c *Config) { c.DB.AcquireTimeout = Duration(-time.Second) }, "db.acquire_timeout: must be a positive duration"},
		{"statement timeout zero", func(c *Config) { c.DB.StatementTimeout = 0 }, "db.statement_timeout: must be a positive duration"},
		{"query timeout zero", func(c *Config) { c.DB.QueryTimeout = 0 }, "db.query_timeout: must be a positive duration"},
		{"lock timeout zero", func(c *Config) { c.DB.LockTimeout = 0 }, "db.lock_timeout: must be a positive duration"},
		{"statement timeout past the query timeout", func(c *Config) { c.DB.StatementTimeout = Duration(10 * time.Second) },
			"db.statement_timeout: must be shorter than db.query_timeout (5s), got 10s"},
		{"lock timeout equal to the query timeout", func(c *Config) { c.DB.LockTimeout = c.DB.QueryTimeout },
			"db.lock_timeout: must be shorter than db.query_timeout (5s), got 5s"},
		{"acquire timeout past the query timeout", func(c *Config) { c.DB.AcquireTimeout = Duration(6 * time.Second) },
			"db.acquire_timeout: must be shorter than db.query_timeout (5s), got 6s"},
		{"redis scheme", func(c *Config) { c.Redis.URL = "http://:" + password + "@cache.example" }, `redis.url: scheme must be redis or rediss, got "http"`},
		{"redis no host", func(c *Config) { c.Redis.URL = "redis://:" + password + "@/0" }, "redis.url: must include a host (want redis://host:6379)"},
		{"redis no scheme", func(c *Config) { c.Redis.URL = "cache.example:6379" }, "redis.url: must include a host"},
		{"redis database not a number", func(c *Config) { c.Redis.URL = "redis://cache.example/cache" }, "redis.url: path must be a database number"},
		{"redis database negative", func(c *Config) { c.Redis.URL = "redis://cache.example/-1" }, "redis.url: path must be a database number"},
		{"redis bad port", func(c *Config) { c.Redis.URL = "rediss://cache.example:70000" }, "redis.url: port must be"},
		{"redis fragment", func(c *Config) { c.Redis.URL = "redis://cache.example#x" }, "redis.url: must not have a fragment"},
		{"redis password cut by /", func(c *Config) { c.Redis.URL = "redis://:6379/" + password + "@cache.example" }, `redis.url: has an "@" after the host`},
		{"redis malformed query", func(c *Config) { c.Redis.URL = "redis://cache.example?x=%zz" }, "redis.url: has a malformed query"},
		{"reload interval too short", func(c *Config) { c.Keys.ReloadInterval = Duration(999 * time.Millisecond) }, "keys.reload_interval: must be between 1s and 1h, got 999ms"},
		{"reload interval too long", func(c *Config) { c.Keys.ReloadInterval = Duration(time.Hour + time.Second) }, "keys.reload_interval: must be between 1s and 1h"},
		{"reload interval zero", func(c *Config) { c.Keys.ReloadInterval = 0 }, "keys.reload_interval:"},
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
			if n := len(unjoin(err)); n != 1 {
				t.Errorf("Validate() reported %d problems, want 1:\n%v", n, err)
			}
			// Neither the password nor any part of it may be quoted.
			for _, leak := range []string{password, "12345", "99999"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("Validate() error quotes %q from the URL: %v", leak, err)
				}
			}
		})
	}
}

func TestValidateAcceptsDBRedisKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"postgres minimal", func(c *Config) { c.DB.URL = "postgres://db.example" }},
		{"postgresql with everything", func(c *Config) {
			c.DB.URL = "postgresql://gate%40house:p%2Fw%3F%23@db.example:5432/gatehouse?sslmode=verify-full&application_name=gh"
		}},
		{"postgres unix socket", func(c *Config) { c.DB.URL = "postgres:///gatehouse?host=/var/run/postgresql" }},
		{"postgres several hosts", func(c *Config) {
			c.DB.URL = "postgres://u:p@db1.example:5432,db2.example:5432/gh?target_session_attrs=read-write"
		}},
		{"postgres ipv6", func(c *Config) { c.DB.URL = "postgres://[::1]:5432/gh" }},
		{"postgres password parameter", func(c *Config) { c.DB.URL = "postgres://u@db.example/gh?password=" + password }},
		{"max conns bounds", func(c *Config) { c.DB.MaxConns = 1 }},
		{"max conns top", func(c *Config) { c.DB.MaxConns = 1000 }},
		{"short timeouts", func(c *Config) {
			c.DB.ConnectTimeout = Duration(time.Millisecond)
			c.DB.AcquireTimeout = Duration(time.Millisecond)
			c.DB.StatementTimeout = Duration(time.Millisecond)
		}},
		{"redis minimal", func(c *Config) { c.Redis.URL = "redis://cache.example" }},
		{"rediss with password and db", func(c *Config) { c.Redis.URL = "rediss://:" + password + "@cache.example:6380/2" }},
		{"redis acl user", func(c *Config) { c.Redis.URL = "redis://gatehouse:" + password + "@cache.example/" }},
		{"redis parameters", func(c *Config) { c.Redis.URL = "redis://cache.example/0?dial_timeout=2s&protocol=3" }},
		{"reload interval 1s", func(c *Config) { c.Keys.ReloadInterval = Duration(time.Second) }},
		{"reload interval 1h", func(c *Config) { c.Keys.ReloadInterval = Duration(time.Hour) }},
	}
	for _, tt := range tests {
		c := Default()
		tt.change(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		}
	}
}

func TestRedisKeyPrefix(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		ok     bool
	}{
		{"gatehouse:rl:", true},
		{"app2:", true},
		{"", false},
		{"has space", false},
		{"tab\there", false},
		{strings.Repeat("p", 101), false},
	} {
		c := Default()
		c.Redis.KeyPrefix = tc.prefix
		err := c.Validate()
		if tc.ok != (err == nil) {
			t.Errorf("key_prefix %q: Validate() = %v, want ok=%v", tc.prefix, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "redis.key_prefix") {
			t.Errorf("key_prefix %q: error %q does not name the option", tc.prefix, err)
		}
	}
	env := map[string]string{"GATEHOUSE_REDIS_KEY_PREFIX": "other:"}
	c, err := Load("", func(k string) string { return env[k] })
	if err != nil || c.Redis.KeyPrefix != "other:" {
		t.Errorf("GATEHOUSE_REDIS_KEY_PREFIX: prefix %q, err %v", c.Redis.KeyPrefix, err)
	}
}
