package conduit_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// twoFAEnv is an env with twoFa on.
func twoFAEnv(t testing.TB) *env {
	t.Helper()
	return newEnv(t, func(c *config) { c.opt.TwoFA.Enabled = true })
}

// markVerified marks a user's email verified in the store, as a mailed
// link would have.
func (e *env) markVerified(t testing.TB, id string) {
	t.Helper()
	u, err := e.DB.UserByID(context.Background(), e.users.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	u.Verified = true
	if err := e.DB.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// appSecret is the secret the user's authenticator app scanned from the
// enrolment QR code (read from the store: the test has no QR reader).
func (e *env) appSecret(t testing.TB, id string) string {
	t.Helper()
	f, err := e.DB.TOTPFactor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return f.Secret
}

// appCode moves the clock to the next 30-second step and returns the
// app's code then, computed by the harness's own RFC 6238 code (not the
// server's library). A step is spent once used, so each call needs a new
// one, as a user waits for the next code.
func (e *env) appCode(t testing.TB, secret string) string {
	t.Helper()
	e.Clock.Advance(30 * time.Second)
	return surfacetest.TOTP(t, secret, e.Clock.Now())
}

// enable2FA turns the app on for id through the surface with the sudo
// token tok and returns the app's secret.
func (e *env) enable2FA(t testing.TB, id, tok string) string {
	t.Helper()
	r := e.do(t, request{method: http.MethodPut, path: "/authentication/twoFa/enable", body: `{"method":"authenticator"}`, token: tok})
	wantStatus(t, r, 200)
	var out struct{ Result string }
	decode(t, r, &out)
	wantQR(t, out.Result)
	secret := e.appSecret(t, id)
	r = e.post(t, "/authentication/twoFa/enable/verify", `{"code":"`+e.appCode(t, secret)+`"}`, tok)
	wantStatus(t, r, 200)
	if r.body != `{"result":"2FA enabled"}`+"\n" {
		t.Fatalf("enable/verify answered %s", r.body)
	}
	return secret
}

// wantQR checks an enrolment answer is a PNG data URL of a square image.
func wantQR(t testing.TB, dataURL string) {
	t.Helper()
	raw, ok := strings.CutPrefix(dataURL, "data:image/png;base64,")
	if !ok {
		t.Fatalf("enable answered %.80q, want a PNG data URL", dataURL)
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("QR code is not a PNG: %v", err)
	}
	if s := img.Bounds().Size(); s.X != s.Y || s.X < 100 {
		t.Fatalf("QR code is %v", s)
	}
}

// pendingLogin logs email in and checks the answer is a pending token
// alone, `authorized: false`.
func (e *env) pendingLogin(t testing.TB, email string) string {
	t.Helper()
	r := e.post(t, "/authentication/local", credentials(email, password), "")
	wantStatus(t, r, 200)
	var tk tokens
	decode(t, r, &tk)
	if tk.AccessToken == "" || tk.RefreshToken != "" || tk.UserID != "" {
		t.Fatalf("login of a 2FA user answered %s, want an access token alone", r.body)
	}
	if c := jwtClaims(t, tk.AccessToken); c["authorized"] != false || c["sudo"] != false {
		t.Fatalf("pending claims = %v", c)
	}
	return tk.AccessToken
}
