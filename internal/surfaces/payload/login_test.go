package payload_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// claimsOf decodes a token's claims (the tests trust their own server).
func claimsOf(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "ada@example.com")
	r := e.post(t, "/api/users/login", credentials("  ADA@example.com ", password), "")
	wantStatus(t, r, http.StatusOK)
	m := object(t, r)
	if m["message"] != "Authentication Passed" {
		t.Errorf("message = %v", m["message"])
	}
	tok, _ := m["token"].(string)
	c := claimsOf(t, tok)
	if c["collection"] != "users" || c["email"] != "ada@example.com" || c["id"] != u.ID || c["sid"] == nil {
		t.Errorf("claims = %v", c)
	}
	if exp, _ := m["exp"].(float64); int64(exp) != int64(c["exp"].(float64)) || int64(exp)-int64(c["iat"].(float64)) != 7200 {
		t.Errorf("exp = %v, claims %v: want the token's exp, 7200 s after iat", m["exp"], c)
	}
	user := m["user"].(map[string]any)
	if user["id"] != u.ID || user["email"] != "ada@example.com" || user["collection"] != "users" || user["_strategy"] != "local-jwt" {
		t.Errorf("user = %v", user)
	}
	sessions, _ := user["sessions"].([]any)
	if len(sessions) != 1 || sessions[0].(map[string]any)["id"] != c["sid"] {
		t.Errorf("sessions = %v, want the new session %v", user["sessions"], c["sid"])
	}
	ck := r.cookies["payload-token"]
	if ck == nil || ck.Value != tok || !ck.HttpOnly || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode || ck.Expires.IsZero() {
		t.Fatalf("cookie = %+v", ck)
	}
	if d := time.Until(ck.Expires); d < 7100*time.Second || d > 7201*time.Second {
		t.Errorf("cookie expires in %s, want about 2h", d)
	}
	// Max-Age is the token's lifetime exactly, however late in the
	// second the answer is written (it was one less when it counted down
	// to the token's whole-second exp and the answer crossed a second).
	if ck.MaxAge != 7200 {
		t.Errorf("cookie Max-Age = %d, want the token's lifetime, 7200", ck.MaxAge)
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	const incorrect = "The email or password provided is incorrect."
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), ""), 401, incorrect)
	wantError(t, e.post(t, "/api/users/login", credentials("nobody@example.com", password), ""), 401, incorrect)
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", strings.Repeat("x", 10000)), ""), 401, incorrect)
	r := e.post(t, "/api/users/login", `{"password":"x"}`, "")
	if r.status != 400 || r.body != `{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"message":"This field is required.","path":"email"}]},"message":"The following field is invalid: email"}]}`+"\n" {
		t.Errorf("missing email: %d %s", r.status, r.body)
	}
	r = e.post(t, "/api/users/login", `{}`, "")
	if r.status != 400 || !strings.Contains(r.body, `"message":"The following fields are invalid: email, password"`) {
		t.Errorf("empty body: %d %s", r.status, r.body)
	}
}

// TestLockout: Payload's semantics on core's lockout. The failure that
// reaches max_login_attempts still reads "incorrect"; later attempts,
// even with the right password, are LockedAuth until lock_time passes;
// unlock lifts it at once.
func TestLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.MaxLoginAttempts = 3 })
	e.user(t, "ada@example.com")
	helper, _ := e.login(t, e.user(t, "helper@example.com").Email)
	const incorrect = "The email or password provided is incorrect."
	const locked = "This user is locked due to having too many failed login attempts."
	for i := range 3 {
		r := e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), "")
		if i < 3 {
			wantError(t, r, 401, incorrect)
		}
	}
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", password), ""), 401, locked)
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), ""), 401, locked)

	// unlock by another logged-in user of the collection
	wantError(t, e.post(t, "/api/users/unlock", `{"email":"ada@example.com"}`, ""), 403, "You are not allowed to perform this action.")
	wantError(t, e.post(t, "/api/users/unlock", `{}`, jwt(helper)), 400, "Missing email.")
	wantError(t, e.post(t, "/api/users/unlock", `{"email":"nobody@example.com"}`, jwt(helper)), 403, "You are not allowed to perform this action.")
	r := e.post(t, "/api/users/unlock", `{"email":"ADA@example.com"}`, jwt(helper))
	if r.status != 200 || r.body != `{"message":"Success"}`+"\n" {
		t.Fatalf("unlock: %d %s", r.status, r.body)
	}
	e.login(t, "ada@example.com")

	// the lock also ends with time
	for range 3 {
		e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), "")
	}
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", password), ""), 401, locked)
	e.Clock.Advance(10*time.Minute + time.Second)
	e.login(t, "ada@example.com")
}

// TestUnlockSuperuserRule: with unlock_access superuser, a user of the
// collection may not unlock; a superuser may.
func TestUnlockSuperuserRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.UnlockAccess = "superuser" })
	tok, _ := e.login(t, e.user(t, "ada@example.com").Email)
	e.user(t, "bob@example.com")
	wantError(t, e.post(t, "/api/users/unlock", `{"email":"bob@example.com"}`, jwt(tok)), 403, "You are not allowed to perform this action.")
	wantStatus(t, e.post(t, "/api/users/unlock", `{"email":"bob@example.com"}`, "Bearer "+e.superuser(t)), 200)
}

func TestMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "ada@example.com")
	tok, _ := e.login(t, u.Email)
	anon := `{"user":null,"message":"Account"}` + "\n"
	for _, auth := range []string{"", "JWT nonsense", "Bearer a.b.c"} {
		if r := e.get(t, "/api/users/me", auth); r.status != 200 || r.body != anon {
			t.Errorf("me with %q: %d %s", auth, r.status, r.body)
		}
	}
	// a superuser's token names no user of the slug
	if r := e.get(t, "/api/users/me", "Bearer "+e.superuser(t)); r.body != anon {
		t.Errorf("me as a superuser: %s", r.body)
	}
	for _, r := range []response{
		e.get(t, "/api/users/me", jwt(tok)),
		e.get(t, "/api/users/me", "Bearer "+tok),
		e.do(t, request{method: "GET", path: "/api/users/me", cookies: map[string]string{"payload-token": tok}}),
	} {
		m := object(t, r)
		if m["token"] != tok || m["collection"] != "users" || m["strategy"] != "local-jwt" || m["message"] != "Account" {
			t.Errorf("me = %s", r.body)
		}
		if exp, _ := m["exp"].(float64); int64(exp) != int64(claimsOf(t, tok)["exp"].(float64)) {
			t.Errorf("me exp = %v", m["exp"])
		}
		if user := m["user"].(map[string]any); user["id"] != u.ID || user["_strategy"] != "local-jwt" || user["sessions"] == nil {
			t.Errorf("me user = %v", user)
		}
	}
}

func TestLogoutAndRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	wantError(t, e.post(t, "/api/users/logout", "", ""), 400, "No User")
	wantError(t, e.post(t, "/api/users/logout", "", "Bearer "+e.superuser(t)), 403, "Incorrect collection")
	wantError(t, e.post(t, "/api/users/refresh-token", "", ""), 403, "You are not allowed to perform this action.")

	tok, _ := e.login(t, "ada@example.com")
	e.Clock.Advance(2 * time.Second)
	r := e.post(t, "/api/users/refresh-token", "", jwt(tok))
	wantStatus(t, r, 200)
	m := object(t, r)
	fresh, _ := m["refreshedToken"].(string)
	if m["message"] != "Token refresh successful." || m["setCookie"] != true || m["strategy"] != "local-jwt" || fresh == "" || fresh == tok {
		t.Fatalf("refresh = %s", r.body)
	}
	if claimsOf(t, fresh)["sid"] != claimsOf(t, tok)["sid"] || r.cookies["payload-token"].Value != fresh {
		t.Errorf("refresh changed the session or did not set the cookie")
	}
	if int64(m["exp"].(float64)) != int64(claimsOf(t, fresh)["exp"].(float64)) {
		t.Errorf("refresh exp = %v", m["exp"])
	}

	other, _ := e.login(t, "ada@example.com")
	r = e.post(t, "/api/users/logout", "", jwt(fresh))
	if r.status != 200 || r.body != `{"message":"Logout successful."}`+"\n" {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if ck := r.cookies["payload-token"]; ck == nil || ck.Value != "" || ck.MaxAge >= 0 {
		t.Errorf("logout cookie = %+v, want it cleared", ck)
	}
	// the session is over: its tokens are anonymous, the other login lives
	if m := object(t, e.get(t, "/api/users/me", jwt(tok))); m["user"] != nil {
		t.Errorf("me after logout = %v", m)
	}
	wantError(t, e.post(t, "/api/users/refresh-token", "", jwt(fresh)), 403, "You are not allowed to perform this action.")
	if m := object(t, e.get(t, "/api/users/me", jwt(other))); m["user"] == nil {
		t.Fatalf("other session ended too")
	}
	third, _ := e.login(t, "ada@example.com")
	wantStatus(t, e.post(t, "/api/users/logout?allSessions=true", "", jwt(other)), 200)
	if m := object(t, e.get(t, "/api/users/me", jwt(third))); m["user"] != nil {
		t.Errorf("allSessions left a session alive")
	}
}

// TestCookieCSRF: a cookie-authenticated write from a foreign origin is
// refused; from the configured csrf origin, or a same-origin fetch, it
// passes; one without browser evidence passes only while csrf is empty.
func TestCookieCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.CSRF = []string{"https://app.example"} })
	e.user(t, "ada@example.com")
	tok, _ := e.login(t, "ada@example.com")
	ck := map[string]string{"payload-token": tok}
	r := e.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: ck, header: map[string]string{"Origin": "https://evil.example"}})
	wantError(t, r, 403, "You are not allowed to perform this action.")
	r = e.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: ck, header: map[string]string{"Origin": "https://app.example"}})
	wantStatus(t, r, 200)
	r = e.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: ck, header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
	wantStatus(t, r, 200)
	// with a csrf list, a write without browser evidence is refused
	r = e.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: ck})
	wantError(t, r, 403, "You are not allowed to perform this action.")
	// without one, it passes (an SDK outside a browser)
	e2 := newEnv(t, nil)
	e2.user(t, "ada@example.com")
	tok2, _ := e2.login(t, "ada@example.com")
	r = e2.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: map[string]string{"payload-token": tok2}})
	wantStatus(t, r, 200)
	r = e2.do(t, request{method: "POST", path: "/api/users/refresh-token", cookies: map[string]string{"payload-token": tok2},
		header: map[string]string{"Origin": "https://evil.example"}})
	wantError(t, r, 403, "You are not allowed to perform this action.")
	// a bearer token is not a browser's to send: no check
	r = e.do(t, request{method: "POST", path: "/api/users/refresh-token", auth: jwt(tok), header: map[string]string{"Origin": "https://evil.example"}})
	wantStatus(t, r, 200)
}
