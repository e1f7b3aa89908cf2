package conduit_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// TestTwoFARoutesOff: with twoFa off (Conduit's default) the settings
// routes answer as routes Conduit does not register; with back-up codes
// off, generate and recover do too.
func TestTwoFARoutesOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "off@example.com")
	tk := e.login(t, "off@example.com")
	for _, rq := range []request{
		{method: http.MethodPut, path: "/authentication/twoFa/enable", body: `{"method":"authenticator"}`},
		{method: http.MethodPost, path: "/authentication/twoFa/enable/verify", body: `{"code":"123456"}`},
		{method: http.MethodPut, path: "/authentication/twoFa/disable"},
		{method: http.MethodGet, path: "/authentication/twoFa/generate"},
	} {
		rq.token = tk.AccessToken
		wantError(t, e.do(t, rq), 404, "NOT_FOUND", "Route not found")
	}
	noCodes := newEnv(t, func(c *config) { c.opt.TwoFA.Enabled, c.opt.TwoFA.BackupCodes = true, false })
	noCodes.register(t, "off@example.com")
	tk = noCodes.login(t, "off@example.com")
	wantError(t, noCodes.do(t, request{method: http.MethodGet, path: "/authentication/twoFa/generate", token: tk.AccessToken}), 404, "NOT_FOUND", "")
	wantError(t, noCodes.post(t, "/authentication/twoFa/recover", `{"code":"1234 5678"}`, tk.AccessToken), 404, "NOT_FOUND", "")
}

// TestTwoFAEnableNeedsVerifiedEmail: core's rule, worded as a 403.
func TestTwoFAEnableNeedsVerifiedEmail(t *testing.T) {
	t.Parallel()
	e := twoFAEnv(t)
	e.register(t, "unverified@example.com")
	tk := e.login(t, "unverified@example.com")
	wantError(t, e.do(t, request{method: http.MethodPut, path: "/authentication/twoFa/enable", body: `{"method":"authenticator"}`, token: tk.AccessToken}),
		403, "FORBIDDEN", "You must verify your account to enable 2FA")
}

// TestTwoFAGuessingLimited: wrong codes against a pending login run into
// core's per-user limit (429 with Retry-After), app codes and back-up
// codes alike, and the right code is refused too while it lasts.
func TestTwoFAGuessingLimited(t *testing.T) {
	t.Parallel()
	e := twoFAEnv(t)
	id := e.register(t, "guess@example.com")
	e.markVerified(t, id)
	secret := e.enable2FA(t, id, e.login(t, "guess@example.com").AccessToken)
	pending := e.pendingLogin(t, "guess@example.com")
	var last response
	for i := range 12 {
		path, code := "/authentication/twoFa/verify", fmt.Sprintf("%06d", i)
		if i%2 == 1 {
			path, code = "/authentication/twoFa/recover", fmt.Sprintf("%08d", i)
		}
		last = e.post(t, path, `{"code":"`+code+`"}`, pending)
	}
	wantError(t, last, 429, "TOO_MANY_REQUESTS", "")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The next step's code (within the drift core allows) without moving
	// the clock, which could open a new attempt window.
	next := surfacetest.TOTP(t, secret, e.Clock.Now().Add(30*time.Second))
	wantStatus(t, e.post(t, "/authentication/twoFa/verify", `{"code":"`+next+`"}`, pending), 429)
}

// TestTwoFAHostileInputs: every 2FA route answers bad parameters, bodies
// and tokens with a 4xx in Conduit's shape (checkResponse), never a 5xx.
func TestTwoFAHostileInputs(t *testing.T) {
	t.Parallel()
	e := twoFAEnv(t)
	id := e.register(t, "hostile@example.com")
	e.markVerified(t, id)
	full := e.login(t, "hostile@example.com")
	secret := e.enable2FA(t, id, full.AccessToken)
	pending := e.pendingLogin(t, "hostile@example.com")
	full = e.verified(t, "hostile@example.com", secret)
	routes := []struct{ method, path string }{
		{http.MethodPost, "/authentication/twoFa/authorize"},
		{http.MethodPost, "/authentication/twoFa/verify"},
		{http.MethodPost, "/authentication/twoFa/recover"},
		{http.MethodPut, "/authentication/twoFa/enable"},
		{http.MethodPost, "/authentication/twoFa/enable/verify"},
		{http.MethodPut, "/authentication/twoFa/disable"},
		{http.MethodGet, "/authentication/twoFa/generate"},
	}
	bodies := []struct{ body, ctype string }{
		{`{"code":123456}`, ""}, {`{"code":["123456"]}`, ""}, {`{"code":{"a":1}}`, ""}, {`{"code":null}`, ""},
		{`{"code":true,"method":7}`, ""}, {`{"method":["authenticator"]}`, ""}, {`{"code":"` + strings.Repeat("9", 100000) + `"}`, ""},
		{`{"code":"12345\u0000"}`, ""}, {`{"code":"１２３４５６"}`, ""}, {`{"code":"' OR 1=1 --"}`, ""},
		{`{"code":`, ""}, {`[1,2,3]`, ""}, {`"code"`, ""}, {"\xff\xfe", ""}, {`code=123456&code=654321`, "application/x-www-form-urlencoded"},
		{`<code>1</code>`, "application/xml"}, {strings.Repeat(`{"a":`, 5000), ""},
	}
	tokens := []request{
		{token: pending}, {token: full.AccessToken}, {token: "not-a-jwt"}, {auth: "Bearer"}, {auth: "Basic " + pending},
		{token: pending[:len(pending)-4] + "AAAA"}, {cookies: map[string]string{"accessToken": pending}},
	}
	for _, rt := range routes {
		for _, b := range bodies {
			for _, tk := range tokens {
				rq := tk
				rq.method, rq.path, rq.body, rq.ctype = rt.method, rt.path, b.body, b.ctype
				r := e.do(t, rq)
				if r.status >= 500 {
					t.Errorf("%s %s %.40q: %d %s", rt.method, rt.path, b.body, r.status, r.body)
				}
				if r.status == 200 && (rt.path == "/authentication/twoFa/verify" || rt.path == "/authentication/twoFa/recover") {
					t.Errorf("%s %s %.40q accepted: %s", rt.method, rt.path, b.body, r.body)
				}
			}
		}
	}
}
