package directus_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// totpCode is the RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32
// secret at a time, computed here rather than with the server's library.
func totpCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1000000)
}

// TestTOTPVector pins totpCode to RFC 6238's SHA-1 vectors (Appendix B,
// last 6 digits).
func TestTOTPVector(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 2000000000: "279037"} {
		if got := totpCode(t, secret, time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

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
	wantError(t, call("/users/me/tfa/enable", `{"secret":"AAAA","otp":`+jsonString(totpCode(t, gen.Secret, e.Clock.Now()))+`}`), "INVALID_PAYLOAD", `Invalid payload. "otp" is invalid.`)
	wantStatus(t, call("/users/me/tfa/enable", `{"secret":`+jsonString(gen.Secret)+`,"otp":`+jsonString(totpCode(t, gen.Secret, e.Clock.Now()))+`}`), http.StatusNoContent)
	if got := e.me(t, tk.AccessToken)["tfa_secret"]; got != "**********" {
		t.Errorf("tfa_secret = %v, want masked", got)
	}
	wantError(t, call("/users/me/tfa/generate", `{"password":"correct horse"}`), "INVALID_PAYLOAD", "")

	// Logins now need the otp.
	e.Clock.Advance(30 * time.Second)
	wantError(t, e.post(t, "/auth/login", credentials("ada@example.com", password, "json")), "INVALID_OTP", "Invalid user OTP.")
	wantError(t, e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse","otp":"123"}`), "INVALID_OTP", "")
	// A wrong password with the right code is still bad credentials.
	code := totpCode(t, gen.Secret, e.Clock.Now())
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
	wantStatus(t, call("/users/me/tfa/disable/", `{"otp":`+jsonString(totpCode(t, gen.Secret, e.Clock.Now()))+`}`), http.StatusNoContent)
	e.login(t, "ada@example.com", "json")
}
