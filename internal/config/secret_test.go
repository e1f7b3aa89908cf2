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

const password = "hunter2-Sup3rSecret"

func TestSecretURLRedacts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"smtp://mail.example:25", "smtp://mail.example:25"},
		{"smtp://user@mail.example", "smtp://user@mail.example"},
		{"smtps://user:" + password + "@mail.example:465", "smtps://user:xxxxx@mail.example:465"},
		{"smtp://u:" + password + "@[::1", "xxxxx"}, // unparseable: masked whole
	}
	for _, tt := range tests {
		s := SecretURL(tt.in)
		if got := s.String(); got != tt.want {
			t.Errorf("SecretURL(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got := s.Reveal(); got != tt.in {
			t.Errorf("SecretURL(%q).Reveal() = %q, want the original", tt.in, got)
		}
	}
}

func TestConfigNeverPrintsSMTPPassword(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Mail.SMTPURL = SecretURL("smtp://mailer:" + password + "@smtp.example:587")
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs[verb] = fmt.Sprintf(verb, c)
		outputs[verb+" pointer"] = fmt.Sprintf(verb, &c)
		outputs[verb+" mail section"] = fmt.Sprintf(verb, c.Mail)
		outputs[verb+" field"] = fmt.Sprintf(verb, c.Mail.SMTPURL)
	}
	outputs["Redacted"] = string(c.Redacted().Mail.SMTPURL)
	outputs["Redacted %#v"] = fmt.Sprintf("%#v", c.Redacted())
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(js)
	ym, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml"] = string(ym)
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c, "smtp", c.Mail.SMTPURL)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "config", c, "smtp", c.Mail.SMTPURL)
	outputs["slog text"] = text.String()
	outputs["slog json"] = jsonLog.String()

	for name, out := range outputs {
		if strings.Contains(out, password) {
			t.Errorf("%s leaks the SMTP password: %s", name, out)
		}
		if !strings.Contains(out, "mailer:xxxxx@smtp.example:587") {
			t.Errorf("%s does not show the masked URL: %s", name, out)
		}
	}
	// Redacted must not change the original.
	if c.Mail.SMTPURL.Reveal() != "smtp://mailer:"+password+"@smtp.example:587" {
		t.Error("Redacted modified its receiver")
	}
}

func TestValidateNeverQuotesSMTPPassword(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"http://u:" + password + "@mail.example",
		"smtp://u:" + password + "@[::1",
		"smtp://u:" + password + "@mail.example:99999",
		"smtp://u:" + password + "@mail.example/path",
		"smtp://u:" + password + "@mail.example?tls=" + password,
		"smtp://u:" + password + "@mail.example?" + password + "=1",
		"smtp://u:" + password + "@",
	} {
		c := Default()
		c.Mail.SMTPURL = SecretURL(u)
		err := c.Validate()
		if err == nil {
			t.Errorf("Validate(smtp_url %s) = nil, want an error", SecretURL(u))
			continue
		}
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(password)) {
			t.Errorf("Validate error leaks the password: %v", err)
		}
	}
}
