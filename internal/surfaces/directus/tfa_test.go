package directus_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

func TestTFA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	call := func(path, body string) response {
		return e.do(t, request{method: http.MethodPost, path: path, token: tk.AccessToken, body: body})
	}

	wantError(t, call("/users/me/tfa/generate", `{}`), "INVALID_PAYLOAD", `Invalid payload. "password" is required.`)
	wantError(t, call("/users/me/tfa/generate", `{"password":"wrong horse"}`), "INVALID_CREDENTIALS", "")
	wantError(t, e.post(t, "/users/me/tfa/generate", `{"password":"correct horse"}`), "INVALID_CREDENTIALS", "")
	r := call("/users/me/tfa/generate/", `{"password":"correct horse"}`) // trailing slash allowed
	var gen struct {
		Secret     string `json:"secret"`
		OTPAuthURL string `json:"otpauth_url"`
	}
	data(t, r, &gen)
	if gen.Secret == "" || !strings.HasPrefix(gen.OTPAuthURL, "otpauth://totp/") || !strings.Contains(gen.OTPAuthURL, "secret="+gen.Secret) {
		t.Fatalf("generate = %+v", gen)
	}

	wantError(t, call("/users/me/tfa/enable", `{"secret":`+jsonString(gen.Secret)+`}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is required.`)
	wantError(t, call("/users/me/tfa/enable", `{"secret":`+jsonString(gen.Secret)+`,"otp":"000000x"}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is invalid.`)
	wantError(t, call("/users/me/tfa/enable", `{"secret":"AAAA","otp":`+jsonString(surfacetest.TOTP(t, gen.Secret, e.Clock.Now()))+`}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is invalid.`)
	wantStatus(t, call("/users/me/tfa/enable", `{"secret":`+jsonString(gen.Secret)+`,"otp":`+jsonString(surfacetest.TOTP(t, gen.Secret, e.Clock.Now()))+`}`), http.StatusNoContent)
	if got := e.me(t, tk.AccessToken)["tfa_secret"]; got != "**********" {
		t.Errorf("tfa_secret = %v, want masked", got)
	}
	wantError(t, call("/users/me/tfa/generate", `{"password":"correct horse"}`), "INVALID_PAYLOAD", "")

	// Logins now need the otp.
	e.Clock.Advance(30 * time.Second)
	wantError(t, e.post(t, "/auth/login", credentials("ada@example.com", password, "json")), "INVALID_OTP", "Invalid user OTP.")
	wantError(t, e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse","otp":"123"}`), "INVALID_OTP", "")
	// A wrong password with the right code is still bad credentials.
	code := surfacetest.TOTP(t, gen.Secret, e.Clock.Now())
	wantError(t, e.post(t, "/auth/login", `{"email":"ada@example.com","password":"wrong horse","otp":`+jsonString(code)+`}`), "INVALID_CREDENTIALS", "")
	r = e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse","mode":"json","otp":`+jsonString(code)+`}`)
	if !jsonLogin.MatchString(r.body) {
		t.Fatalf("login with otp = %s", r.body)
	}
	// A code works once.
	wantError(t, e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse","otp":`+jsonString(code)+`}`), "INVALID_OTP", "")

	e.Clock.Advance(30 * time.Second)
	wantError(t, call("/users/me/tfa/disable", `{}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is required.`)
	wantError(t, call("/users/me/tfa/disable", `{"otp":"111111"}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is invalid.`)
	wantStatus(t, call("/users/me/tfa/disable/", `{"otp":`+jsonString(surfacetest.TOTP(t, gen.Secret, e.Clock.Now()))+`}`), http.StatusNoContent)
	e.login(t, "ada@example.com", "json")
}
