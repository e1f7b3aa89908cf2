package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The database and Redis URLs come in more shapes than SMTP's, and some
// put the password where url.URL.Redacted does not look.
func TestSecretURLRedactsServerURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"postgres user info", "postgres://gh:" + password + "@db.example:5432/gh?sslmode=require", "postgres://gh:xxxxx@db.example:5432/gh?sslmode=require"},
		{"postgres no password", "postgresql://gh@db.example/gh", "postgresql://gh@db.example/gh"},
		{"password parameter", "postgres://gh@db.example/gh?sslmode=require&password=" + password + "&application_name=x",
			"postgres://gh@db.example/gh?sslmode=require&password=xxxxx&application_name=x"},
		{"sslpassword parameter", "postgres://db.example/gh?SSLPassword=" + password, "postgres://db.example/gh?SSLPassword=xxxxx"},
		{"escaped parameter name", "postgres://db.example/gh?pass%77ord=" + password, "postgres://db.example/gh?pass%77ord=xxxxx"},
		{"key=value dsn", "host=db.example user=gh password=" + password, "xxxxx"},
		{"key=value dsn with colon", "host=db.example password=a:" + password, "xxxxx"},
		{"opaque", "postgres:gh:" + password + "@db.example", "xxxxx"},
		{"unparseable", "postgres://gh:" + password + "@[::1", "xxxxx"},
		{"cut short by ?", "postgres://gh:12345?" + password + "@db.example/gh", "xxxxx"},
		{"cut short by #", "postgres://gh:12345#" + password + "@db.example/gh", "xxxxx"},
		{"cut short by /", "postgres://gh:12345/" + password + "@db.example/gh", "xxxxx"},
		{"fragment", "postgres://gh@db.example/gh#" + password, "xxxxx"},
		{"malformed query", "postgres://db.example/gh?password=" + password + "%zz", "xxxxx"},
		{"redis password only", "redis://:" + password + "@cache.example:6379/0", "redis://:xxxxx@cache.example:6379/0"},
		{"rediss acl user", "rediss://gh:" + password + "@cache.example", "rediss://gh:xxxxx@cache.example"},
		{"redis plain", "redis://cache.example:6379", "redis://cache.example:6379"},
	}
	for _, tt := range tests {
		s := SecretURL(tt.in)
		if got := s.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.want)
		}
		for _, leak := range []string{password, "12345"} {
			if strings.Contains(s.String(), leak) && !strings.Contains(tt.want, leak) {
				t.Errorf("%s: String() leaks %q: %s", tt.name, leak, s)
			}
		}
		if got := s.Reveal(); got != tt.in {
			t.Errorf("%s: Reveal() = %q, want the original", tt.name, got)
		}
	}
}

func TestConfigNeverPrintsDBOrRedisPassword(t *testing.T) {
	t.Parallel()
	const (
		dbURL       = "postgres://gatehouse:" + password + "@db.example:5432/gh?sslmode=require"
		redisURL    = "rediss://:" + password + "@cache.example:6380/1"
		dbMasked    = "gatehouse:xxxxx@db.example:5432/gh?sslmode=require"
		redisMasked = "rediss://:xxxxx@cache.example:6380/1"
	)
	c := Default()
	c.DB.URL = dbURL
	c.Redis.URL = redisURL

	// Each output must show the masked form of the URLs it contains.
	type output struct {
		text      string
		db, redis bool
	}
	outputs := map[string]output{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs[verb] = output{fmt.Sprintf(verb, c), true, true}
		outputs[verb+" pointer"] = output{fmt.Sprintf(verb, &c), true, true}
		outputs[verb+" db section"] = output{fmt.Sprintf(verb, c.DB), true, false}
		outputs[verb+" redis section"] = output{fmt.Sprintf(verb, c.Redis), false, true}
		outputs[verb+" db field"] = output{fmt.Sprintf(verb, c.DB.URL), true, false}
		outputs[verb+" redis field"] = output{fmt.Sprintf(verb, c.Redis.URL), false, true}
	}
	r := c.Redacted()
	outputs["Redacted db reveal"] = output{r.DB.URL.Reveal(), true, false}
	outputs["Redacted redis reveal"] = output{r.Redis.URL.Reveal(), false, true}
	outputs["Redacted %#v"] = output{fmt.Sprintf("%#v", r), true, true}
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = output{string(js), true, true}
	ym, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml"] = output{string(ym), true, true}
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c, "db", c.DB.URL, "redis", c.Redis.URL)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "config", c, "db", c.DB.URL, "redis", c.Redis.URL)
	outputs["slog text"] = output{text.String(), true, true}
	outputs["slog json"] = output{jsonLog.String(), true, true}

	for name, out := range outputs {
		if strings.Contains(out.text, password) {
			t.Errorf("%s leaks the password: %s", name, out.text)
		}
		if out.db && !strings.Contains(out.text, dbMasked) {
			t.Errorf("%s does not show the masked database URL: %s", name, out.text)
		}
		if out.redis && !strings.Contains(out.text, redisMasked) {
			t.Errorf("%s does not show the masked Redis URL: %s", name, out.text)
		}
	}
	if c.DB.URL.Reveal() != dbURL || c.Redis.URL.Reveal() != redisURL {
		t.Error("Redacted modified its receiver")
	}
}
