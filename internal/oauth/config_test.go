package oauth

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestConfigRedactsSecret(t *testing.T) {
	t.Parallel()
	on := true
	cfg := Config{Name: "gh", ClientID: testClientID, ClientSecret: testSecret, Scopes: []string{"a", "b"}, PKCE: &on}
	holder := struct{ Provider Config }{cfg}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("provider", "cfg", cfg)
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("provider", "cfg", &cfg)

	outputs := map[string]string{
		"%v":           fmt.Sprintf("%v", cfg),
		"%+v":          fmt.Sprintf("%+v", cfg),
		"%#v":          fmt.Sprintf("%#v", cfg),
		"%s":           fmt.Sprintf("%s", cfg),
		"pointer %v":   fmt.Sprintf("%v", &cfg),
		"nested %+v":   fmt.Sprintf("%+v", holder),
		"nested %#v":   fmt.Sprintf("%#v", holder),
		"slog json":    logged.String(),
		"slog text":    text.String(),
		"error %v":     fmt.Errorf("bad provider %v", cfg).Error(),
		"provider %+v": fmt.Sprintf("%+v %#v", mustNew(t, "github", cfg), mustNew(t, "github", cfg)),
	}
	for name, out := range outputs {
		if strings.Contains(out, testSecret) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
		if name != "provider %+v" && (!strings.Contains(out, testClientID) || !strings.Contains(out, redacted)) {
			t.Errorf("%s = %s; want the client id shown and the secret marked %s", name, out, redacted)
		}
	}
}

func TestConfigWithoutSecretSaysSo(t *testing.T) {
	t.Parallel()
	if s := (Config{ClientID: "x"}).String(); strings.Contains(s, redacted) || !strings.Contains(s, "ClientSecret: ") {
		t.Errorf("String() = %s; want an empty ClientSecret, not %s", s, redacted)
	}
}
