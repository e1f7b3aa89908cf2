package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/postgres"
	"github.com/gatehouse/gatehouse/internal/smtptest"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/google/go-cmp/cmp"
)

// TestDBCopy moves a used SQLite deployment to PostgreSQL and carries on
// there: sessions, refresh tokens, signing keys, pending mail and its
// one-time token all survive the move, and a second run changes nothing.
func TestDBCopy(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	env := map[string]string{"GATEHOUSE_SMTP_URL": smtp.URL()}
	old := startServer(t, serverOpts{Env: env, SQLite: true})
	if old.DB != "" {
		t.Fatal("the source server must run on SQLite")
	}
	_, su := old.superuser(t)
	const email, pw = "cora@example.com", "cora password 1"
	id := old.signUp(t, email, pw)
	tok, rt := old.loginWithRefresh(t, email, pw)
	for i := range 30 {
		old.signUp(t, "bulk"+strconv.Itoa(i)+"@example.com", "bulk password 1")
	}
	smtp.Stop() // the reset mail stays queued
	old.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": email}).want(t, 204)
	old.Stop(t)
	// A profile document and a suspension, written as a surface would.
	ctx := t.Context()
	src, err := sqlite.Open(ctx, filepath.Join(old.Dir, "data.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cora, err := src.UserByID(ctx, core.UsersID, id)
	if err != nil {
		t.Fatal(err)
	}
	cora.Profile = map[string]any{"first_name": "Cora Lee", "userData": map[string]any{"n": json.Number("12345678901234567890")}}
	bulk, err := src.UserByEmail(ctx, core.UsersID, "bulk0@example.com")
	if err == nil {
		bulk.Status = core.UserSuspended
		err = errors.Join(src.UpdateUser(ctx, cora), src.UpdateUser(ctx, bulk))
	}
	if err := errors.Join(err, src.Close()); err != nil {
		t.Fatal(err)
	}

	db := freshPostgres(t)
	out, err := runCLI(nil, "db", "copy", "--from", old.Dir, "--to", db)
	if err != nil {
		t.Fatalf("db copy: %v\n%s", err, out)
	}
	dst, err := postgres.Open(ctx, db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []core.User{cora, bulk} {
		got, err := dst.UserByID(ctx, core.UsersID, want.ID)
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("copied user %s: %v (-source +copy):\n%s", want.Email, err, diff)
		}
	}
	dst.Close()
	for _, want := range []string{"counts verified", "users", "outbox", "signing_keys"} {
		if !strings.Contains(out, want) {
			t.Errorf("db copy output lacks %q:\n%s", want, out)
		}
	}
	// Re-running finds everything there already.
	out, err = runCLI(nil, "db", "copy", "--from", old.Dir, "--to", db)
	if err != nil || !regexp.MustCompile(`users +32 rows: 0 copied, 32 already there`).MatchString(out) {
		t.Fatalf("second db copy: %v\n%s", err, out)
	}

	smtp.Restart(t)
	ts := startServer(t, serverOpts{Env: env, DB: db})
	ts.wantAccepted(t, "token issued on SQLite", tok)
	r := ts.do(t, "POST", "/api/collections/users/auth-with-refresh-token", map[string]any{"refreshToken": rt}).want(t, 200)
	if r.str("record.id") != id {
		t.Errorf("refresh answered for %q, want %q", r.str("record.id"), id)
	}
	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	reset := tokenIn(t, msgs[0].Text(t), "confirm-password-reset")
	ts.do(t, "POST", "/api/collections/users/confirm-password-reset", map[string]any{
		"token": reset, "password": "cora password 2", "passwordConfirm": "cora password 2",
	}).want(t, 204)
	ts.loginAs(t, email, "cora password 2").want(t, 200)
	ts.wantAudit(t, su, id, "user.created", "login.success")

	// The destination now holds rows the source lacks: a copy no longer
	// verifies, and says why.
	out, err = runCLI(nil, "db", "copy", "--from", old.Dir, "--to", db)
	if err == nil || !strings.Contains(out, "Count mismatch") || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("copy into a used database: %v\n%s", err, out)
	}
}

func TestDBCopyRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no from", []string{"db", "copy", "--to", "postgres://127.0.0.1/x"}, "--from"},
		{"no to", []string{"db", "copy", "--from", dir}, "--to"},
		{"not a data dir", []string{"db", "copy", "--from", dir, "--to", "postgres://127.0.0.1/x"}, "no Gatehouse database"},
		{"bad url", []string{"db", "copy", "--from", dir, "--to", "mysql://u:s3cret@h/x"}, "db.url"},
		{"unknown subcommand", []string{"db", "move"}, "invalid command line"},
	} {
		out, err := runCLI(nil, tc.args...)
		if err == nil || !strings.Contains(err.Error()+out, tc.want) {
			t.Errorf("%s: err %v, output %q; want an error mentioning %q", tc.name, err, out, tc.want)
		}
		if strings.Contains(out, "s3cret") || (err != nil && strings.Contains(err.Error(), "s3cret")) {
			t.Errorf("%s: the password leaked: %v %s", tc.name, err, out)
		}
	}

	// An unreachable destination fails without printing its password.
	src := startServer(t, serverOpts{SQLite: true})
	src.Stop(t)
	out, err := runCLI(nil, "db", "copy", "--from", src.Dir, "--to", "postgres://u:s3cret@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || strings.Contains(err.Error()+out, "s3cret") {
		t.Fatalf("unreachable destination: err %v, output %q; want an error without the password", err, out)
	}
}
