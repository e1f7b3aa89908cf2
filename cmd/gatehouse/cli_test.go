package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs a command with the given environment and returns its
// output.
func runCLI(env map[string]string, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"gatehouse"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &out)
	return out.String(), err
}

func TestSuperuserCommands(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	out, err := ts.cli(t, "superuser", "upsert", "admin@example.com", "first password")
	if err != nil || !strings.Contains(out, "Superuser admin@example.com created.") {
		t.Fatalf("upsert = %q, %v", out, err)
	}
	ts.do(t, "POST", "/api/collections/_superusers/auth-with-password", map[string]any{"identity": "admin@example.com", "password": "first password"}).want(t, 200)
	old := ts.do(t, "POST", "/api/collections/_superusers/auth-with-password", map[string]any{"identity": "admin@example.com", "password": "first password"}).str("token")

	out, err = ts.cli(t, "superuser", "upsert", "admin@example.com", "second password")
	if err != nil || !strings.Contains(out, "updated") {
		t.Fatalf("second upsert = %q, %v", out, err)
	}
	ts.do(t, "POST", "/api/collections/_superusers/auth-refresh", nil, "Authorization", old).want(t, 401)
	ts.do(t, "POST", "/api/collections/_superusers/auth-with-password", map[string]any{"identity": "admin@example.com", "password": "second password"}).want(t, 200)

	if out, err := ts.cli(t, "superuser", "upsert", "bad-email", "second password"); err == nil || !strings.Contains(err.Error(), "email") {
		t.Errorf("upsert with a bad email = %q, %v; want an error naming email", out, err)
	}
	if out, err := ts.cli(t, "superuser", "upsert", "x@example.com", "short"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("upsert with a short password = %q, %v; want an error naming password", out, err)
	}
	if _, err := ts.cli(t, "superuser", "delete", "admin@example.com"); err == nil {
		t.Error("deleting the last superuser succeeded")
	}
	if _, err := ts.cli(t, "superuser", "upsert", "second@example.com", "second password"); err != nil {
		t.Fatal(err)
	}
	if out, err := ts.cli(t, "superuser", "delete", "admin@example.com"); err != nil || !strings.Contains(out, "deleted") {
		t.Fatalf("delete = %q, %v", out, err)
	}
	ts.do(t, "POST", "/api/collections/_superusers/auth-with-password", map[string]any{"identity": "admin@example.com", "password": "second password"}).want(t, 400)
	if _, err := ts.cli(t, "superuser", "delete", "nobody@example.com"); err == nil {
		t.Error("deleting an unknown superuser succeeded")
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	out, err := runCLI(nil, "migrate", "status", "--dir", dir)
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status on a fresh dir = %q, %v", out, err)
	}
	out, err = runCLI(nil, "migrate", "--dir", dir)
	if err != nil || strings.Contains(out, "pending") || !strings.Contains(out, "applied") {
		t.Fatalf("migrate up = %q, %v", out, err)
	}
	if out, err := runCLI(nil, "migrate", "sideways", "--dir", dir); err == nil {
		t.Errorf("migrate sideways = %q, want a usage error", out)
	}
}

func TestCommandLineErrors(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", nil, nil, "invalid command line"},
		{"unknown command", nil, []string{"frobnicate"}, "invalid command line"},
		{"unknown flag", nil, []string{"serve", "--nope"}, "invalid command line"},
		{"bad listen address", nil, []string{"serve", "--dir", dir, "--http", "localhost"}, "http.addr"},
		{"bad env value", map[string]string{"GATEHOUSE_APP_URL": "not a url"}, []string{"serve", "--dir", dir}, "app.url"},
		{"missing config file", nil, []string{"serve", "--dir", dir, "--config", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"superuser without args", nil, []string{"superuser", "--dir", dir}, "invalid command line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(tc.env, tc.args...)
			if err == nil || !strings.Contains(err.Error()+out, tc.want) {
				t.Errorf("run(%v) = %v (output %q); want an error mentioning %q", tc.args, err, out, tc.want)
			}
		})
	}
	if out, err := runCLI(nil, "help"); err != nil || !strings.Contains(out, "gatehouse serve") {
		t.Errorf("help = %q, %v", out, err)
	}
}
