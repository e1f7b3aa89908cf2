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

const clientSecret = "GOCSPX-very-Secret-9f8e7d"

func secretYAML(secret string) string {
	return fmt.Sprintf(`
collections:
  users:
    oauth2:
      enabled: true
      providers:
        - name: google
          client_id: g-id
          client_secret: %q
`, secret)
}

func TestClientSecretFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, secret string
		env          map[string]string
		want         string
	}{
		{"literal", clientSecret, nil, clientSecret},
		{"from env", "$GOOGLE_CLIENT_SECRET", map[string]string{"GOOGLE_CLIENT_SECRET": clientSecret}, clientSecret},
		{"underscore and digits", "$_G00GLE_2", map[string]string{"_G00GLE_2": clientSecret}, clientSecret},
		{"doubled dollar is literal", "$$abc", map[string]string{"abc": "not me"}, "$abc"},
		{"doubled dollar then a name", "$$GOOGLE", map[string]string{"GOOGLE": "not me"}, "$GOOGLE"},
		{"dollar inside is literal", "ab$CD", map[string]string{"CD": "not me"}, "ab$CD"},
	}
	for _, tt := range tests {
		c, err := Load(writeConfig(t, secretYAML(tt.secret)), env(tt.env))
		if err != nil {
			t.Errorf("%s: Load = %v", tt.name, err)
			continue
		}
		if got := c.OAuthProviders("users")[0].ClientSecret.Reveal(); got != tt.want {
			t.Errorf("%s: client secret = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestClientSecretFromEnvErrors(t *testing.T) {
	t.Parallel()
	const path = "collections.users.oauth2.providers[0].client_secret: "
	tests := []struct {
		name, secret string
		getenv       func(string) string
		want         string
	}{
		{"unset", "$GOOGLE_CLIENT_SECRET", env(nil), path + "environment variable GOOGLE_CLIENT_SECRET is not set or is empty"},
		{"empty", "$GOOGLE_CLIENT_SECRET", env(map[string]string{"GOOGLE_CLIENT_SECRET": ""}), path + "environment variable GOOGLE_CLIENT_SECRET"},
		{"no getenv", "$GOOGLE_CLIENT_SECRET", nil, path + "environment variable GOOGLE_CLIENT_SECRET is not set"},
		{"dollar alone", "$", env(nil), path + `starts with "$" but the rest is not an environment variable name`},
		// A literal secret that begins with "$" but is not a variable
		// name: the error must not repeat it.
		{"literal secret needing $$", "$" + clientSecret, env(nil), `write "$$" at the start`},
		{"lowercase name", "$google_secret", env(map[string]string{"google_secret": "x"}), path + "starts with"},
		{"leading digit", "$1ABC", env(map[string]string{"1ABC": "x"}), path + "starts with"},
	}
	for _, tt := range tests {
		_, err := Load(writeConfig(t, secretYAML(tt.secret)), tt.getenv)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load = %v, want an error containing %q", tt.name, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), clientSecret) {
			t.Errorf("%s: error leaks the secret: %v", tt.name, err)
		}
		// The secret is checked once: an unresolved one is not also
		// called missing.
		if strings.Contains(err.Error(), "client_secret: required") {
			t.Errorf("%s: error also says required: %v", tt.name, err)
		}
	}
}

func TestSecretRedacts(t *testing.T) {
	t.Parallel()
	s := Secret(clientSecret)
	for name, got := range map[string]string{
		"String": s.String(), "%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%#v": fmt.Sprintf("%#v", s),
		"%q": fmt.Sprintf("%q", s), "LogValue": s.LogValue().String(),
	} {
		if strings.Contains(got, clientSecret) || !strings.Contains(got, "xxxxx") {
			t.Errorf("%s = %q, want it masked as xxxxx", name, got)
		}
	}
	if got := Secret("").String(); got != "" {
		t.Errorf(`Secret("").String() = %q, want "" so a missing secret shows`, got)
	}
	if got := s.Reveal(); got != clientSecret {
		t.Errorf("Reveal() = %q, want the secret", got)
	}
}

func TestConfigNeverPrintsClientSecret(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, secretYAML("$GOOGLE_CLIENT_SECRET")), env(map[string]string{"GOOGLE_CLIENT_SECRET": clientSecret}))
	if err != nil {
		t.Fatal(err)
	}
	providers := c.OAuthProviders("users")
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs[verb] = fmt.Sprintf(verb, c)
		outputs[verb+" pointer"] = fmt.Sprintf(verb, &c)
		outputs[verb+" collection"] = fmt.Sprintf(verb, c.Collections["users"])
		outputs[verb+" providers"] = fmt.Sprintf(verb, providers)
		outputs[verb+" file provider"] = fmt.Sprintf(verb, c.Collections["users"].OAuth2.Providers[0])
	}
	outputs["Redacted %#v"] = fmt.Sprintf("%#v", c.Redacted())
	outputs["Redacted reveal"] = c.Redacted().Collections["users"].OAuth2.Providers[0].ClientSecret.Reveal()
	for name, v := range map[string]any{"config": c, "providers": providers} {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs["json "+name] = string(js)
		ym, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs["yaml "+name] = string(ym)
	}
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c, "provider", providers[0], "secret", providers[0].ClientSecret)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "config", c, "provider", providers[0], "secret", providers[0].ClientSecret)
	outputs["slog text"] = text.String()
	outputs["slog json"] = jsonLog.String()

	for name, out := range outputs {
		if strings.Contains(out, clientSecret) {
			t.Errorf("%s leaks the client secret: %s", name, out)
		}
		if !strings.Contains(out, "xxxxx") {
			t.Errorf("%s does not show the masked secret: %s", name, out)
		}
	}
	// Redacted works on a copy.
	if got := c.Collections["users"].OAuth2.Providers[0].ClientSecret.Reveal(); got != clientSecret {
		t.Errorf("Redacted changed its receiver: secret now %q", got)
	}
}
