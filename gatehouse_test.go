package gatehouse_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse"
)

// open opens a Gatehouse on a fresh data directory, closed with the test.
func open(t *testing.T, c gatehouse.Config) (*gatehouse.Gatehouse, string) {
	t.Helper()
	if c.DataDir == "" {
		c.DataDir = t.TempDir()
	}
	g, err := gatehouse.Open(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g, c.DataDir
}

// signUp registers and logs in a user.
func signUp(t *testing.T, g *gatehouse.Gatehouse, email string) gatehouse.Auth {
	t.Helper()
	ctx := t.Context()
	if err := g.Register(ctx, gatehouse.RegisterInput{Email: email, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	auth, err := g.Login(ctx, gatehouse.LoginInput{Email: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if auth.Token == "" || auth.SessionID == "" || auth.User.Email != email || !auth.Exp.After(time.Now()) {
		t.Fatalf("login = %+v", auth)
	}
	return auth
}

// wantKind fails unless err is a *gatehouse.Error of kind k.
func wantKind(t *testing.T, what string, err error, k gatehouse.Kind) {
	t.Helper()
	var ge *gatehouse.Error
	if !errors.As(err, &ge) || ge.Kind != k {
		t.Fatalf("%s: %v, want a %s error", what, err, k)
	}
}

// A token the Local API issues is a token of the server: the HTTP API
// served by Handler accepts it, and the other way round.
func TestTokensWorkAcrossLocalAndHTTP(t *testing.T) {
	t.Parallel()
	g, _ := open(t, gatehouse.Config{})
	auth := signUp(t, g, "ada@example.com")
	srv := httptest.NewServer(g.Handler())
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/api/collections/users/records/"+auth.User.ID, nil)
	req.Header.Set("Authorization", auth.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PocketBase record read with the Local API's token = %d, want 200", resp.StatusCode)
	}

	body := strings.NewReader(`{"identity":"ada@example.com","password":"correct horse battery"}`)
	resp, err = http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var token string
	if m := regexp.MustCompile(`"token":"([^"]+)"`).FindStringSubmatch(readAll(t, resp)); m != nil {
		token = m[1]
	}
	me, err := g.Me(t.Context(), token)
	if err != nil || me.User == nil || me.User.ID != auth.User.ID {
		t.Fatalf("Me(the HTTP login's token) = %+v, %v", me, err)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// Refresh gives a new token for the same session; logging out of all
// sessions ends every token of the user; invalid tokens are anonymous to
// Me and refused by the operations that need a user.
func TestSessionsRefreshAndLogout(t *testing.T) {
	t.Parallel()
	g, _ := open(t, gatehouse.Config{})
	ctx := t.Context()
	first := signUp(t, g, "ada@example.com")
	second, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // a new iat, so a new token
	refreshed, err := g.RefreshToken(ctx, first.Token)
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.Token == first.Token || refreshed.SessionID != first.SessionID {
		t.Fatalf("refresh: same token %v, session %s (was %s)", refreshed.Token == first.Token, refreshed.SessionID, first.SessionID)
	}
	if me, err := g.Me(ctx, refreshed.Token); err != nil || me.User == nil || me.SessionID != first.SessionID {
		t.Fatalf("Me(refreshed) = %+v, %v", me, err)
	}

	if err := g.Logout(ctx, refreshed.Token, true); err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"first": first.Token, "refreshed": refreshed.Token, "other session": second.Token} {
		me, err := g.Me(ctx, tok)
		if err != nil || me.User != nil {
			t.Errorf("Me(%s token) after logging out of all sessions = %+v, %v; want anonymous", name, me, err)
		}
	}
	wantKind(t, "RefreshToken of a logged-out token", func() error { _, err := g.RefreshToken(ctx, first.Token); return err }(), gatehouse.KindUnauthenticated)
	wantKind(t, "Logout with a garbage token", g.Logout(ctx, "not-a-token", false), gatehouse.KindUnauthenticated)
	if me, err := g.Me(ctx, "not-a-token"); err != nil || me.User != nil {
		t.Errorf("Me(garbage) = %+v, %v; want anonymous, no error", me, err)
	}
}

// Lockout and input rules are the server's: a wrong password is refused
// as over HTTP, a weak password is an invalid input naming the field, and
// an unknown collection is not found.
func TestRefusals(t *testing.T) {
	t.Parallel()
	g, _ := open(t, gatehouse.Config{})
	ctx := t.Context()
	signUp(t, g, "ada@example.com")
	_, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "wrong"})
	wantKind(t, "wrong password", err, gatehouse.KindUnauthenticated)
	_, err = g.Login(ctx, gatehouse.LoginInput{Email: "nobody@example.com", Password: "wrong"})
	wantKind(t, "unknown user", err, gatehouse.KindUnauthenticated)

	err = g.Register(ctx, gatehouse.RegisterInput{Email: "bob@example.com", Password: "short"})
	wantKind(t, "short password", err, gatehouse.KindInvalid)
	var ge *gatehouse.Error
	if errors.As(err, &ge); ge.Fields["password"] == "" {
		t.Errorf("short password: fields %v lack password", ge.Fields)
	}
	_, err = g.Login(ctx, gatehouse.LoginInput{Collection: "nope", Email: "ada@example.com", Password: "x"})
	wantKind(t, "unknown collection", err, gatehouse.KindNotFound)
}

// The mail worker runs inside the program: a sign-up's verification mail
// reaches the development mailbox, and its token verifies the account.
func TestVerifyEmailFromTheMail(t *testing.T) {
	t.Parallel()
	g, dir := open(t, gatehouse.Config{})
	ctx := t.Context()
	auth := signUp(t, g, "ada@example.com")
	token := waitForToken(t, filepath.Join(dir, "mail"), "confirm-verification/")
	if err := g.VerifyEmail(ctx, "users", token); err != nil {
		t.Fatal(err)
	}
	me, err := g.Me(ctx, auth.Token)
	if err != nil || me.User == nil || !me.User.Verified {
		t.Fatalf("Me after verification = %+v, %v; want verified", me, err)
	}
	wantKind(t, "a made-up token", g.VerifyEmail(ctx, "users", "not-a-token"), gatehouse.KindInvalid)
}

// waitForToken waits for a mail in dir whose text has marker followed by
// a token, and returns the token.
func waitForToken(t *testing.T, dir, marker string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(marker) + `([A-Za-z0-9._=-]+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			// Quoted-printable soft line breaks would split the token.
			text := strings.ReplaceAll(string(b), "=\r\n", "")
			if m := re.FindStringSubmatch(text); m != nil {
				return m[1]
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail with %q in %s", marker, dir)
	return ""
}

// A bad setting stops Open with a message naming it, as it stops serve.
func TestOpenRefusesBadSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GATEHOUSE_APP_URL": "not a url"}
	_, err := gatehouse.Open(context.Background(), gatehouse.Config{DataDir: t.TempDir(), Getenv: func(k string) string { return env[k] }})
	if err == nil || !strings.Contains(err.Error(), "app.url") {
		t.Fatalf("Open with a bad app.url = %v, want an error naming app.url", err)
	}
}

// A reset token the program delivers itself resets the password and logs
// the user in; the user's other sessions end. With mail, the mailed
// token is the returned one.
func TestForgotAndResetPassword(t *testing.T) {
	t.Parallel()
	g, dir := open(t, gatehouse.Config{})
	ctx := t.Context()
	old := signUp(t, g, "ada@example.com")
	token, err := g.ForgotPassword(ctx, gatehouse.ForgotPasswordInput{Email: "ada@example.com", DisableEmail: true})
	if err != nil || token == "" {
		t.Fatalf("ForgotPassword = %q, %v", token, err)
	}
	auth, err := g.ResetPassword(ctx, gatehouse.ResetPasswordInput{Token: token, Password: "new horse battery staple"})
	if err != nil || auth.Token == "" || auth.User.Email != "ada@example.com" {
		t.Fatalf("ResetPassword = %+v, %v", auth, err)
	}
	if me, _ := g.Me(ctx, old.Token); me.User != nil {
		t.Error("the session from before the reset survived it")
	}
	if me, _ := g.Me(ctx, auth.Token); me.User == nil {
		t.Error("the reset's own session is not valid")
	}
	_, err = g.ResetPassword(ctx, gatehouse.ResetPasswordInput{Token: token, Password: "another horse battery"})
	wantKind(t, "the same reset token again", err, gatehouse.KindInvalid)
	if _, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "new horse battery staple"}); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}

	mailed, err := g.ForgotPassword(ctx, gatehouse.ForgotPasswordInput{Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got := waitForToken(t, filepath.Join(dir, "mail"), "confirm-password-reset/"); got != mailed {
		t.Errorf("mailed token %q, returned %q", got, mailed)
	}
	_, err = g.ForgotPassword(ctx, gatehouse.ForgotPasswordInput{Email: "nobody@example.com"})
	wantKind(t, "an unknown address", err, gatehouse.KindNotFound)
}

// A locked account is unlocked by the program, and logs in again. Rate
// limits are off, so what refuses the right password is the lockout.
func TestUnlock(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GATEHOUSE_RATE_LIMITS": "off"}
	g, _ := open(t, gatehouse.Config{Getenv: func(k string) string { return env[k] }})
	ctx := t.Context()
	signUp(t, g, "ada@example.com")
	for range 5 { // security.lockout.max_failures' default
		_, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "wrong"})
		wantKind(t, "wrong password", err, gatehouse.KindUnauthenticated)
	}
	// The lock answers as a wrong password (the default discloses none).
	_, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "correct horse battery"})
	var ge *gatehouse.Error
	if !errors.As(err, &ge) || ge.Code != "invalid_credentials" {
		t.Fatalf("the right password after 5 wrong ones: %v, want it refused by the lock", err)
	}
	if err := g.Unlock(ctx, "users", "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "correct horse battery"}); err != nil {
		t.Fatalf("login after Unlock: %v", err)
	}
	wantKind(t, "unlocking an unknown address", g.Unlock(ctx, "users", "nobody@example.com"), gatehouse.KindNotFound)
}

// A guest may sign up and nothing more; a user may read, change and
// delete (itself) and unlock.
func TestAccess(t *testing.T) {
	t.Parallel()
	g, _ := open(t, gatehouse.Config{})
	ctx := t.Context()
	auth := signUp(t, g, "ada@example.com")
	guest, err := g.Access(ctx, "not-a-token")
	if err != nil {
		t.Fatal(err)
	}
	if want := (gatehouse.Permissions{Create: true}); guest.CanAccessAdmin || guest.Collections["users"] != want {
		t.Errorf("guest access = %+v, want only create", guest)
	}
	user, err := g.Access(ctx, auth.Token, "users")
	if err != nil {
		t.Fatal(err)
	}
	if want := (gatehouse.Permissions{Create: true, Read: true, Update: true, Delete: true, Unlock: true}); !user.CanAccessAdmin || user.Collections["users"] != want {
		t.Errorf("user access = %+v, want all of users", user)
	}
}
