package conduit_test

import (
	"net/http"
	"testing"
)

// TestRenewRotates: every renew hands out a new pair whose access token
// is not sudo; the old refresh token is dead at once, and presenting it
// again ends the session, the new pair with it.
func TestRenewRotates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "renew@example.com")
	first := e.login(t, "renew@example.com")

	r := e.renew(t, first.RefreshToken)
	wantStatus(t, r, 200)
	var second tokens
	decode(t, r, &second)
	if second.AccessToken == "" || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("renew answered %s", r.body)
	}
	if second.UserID != "" {
		t.Errorf("renew answer has userId: %s", r.body)
	}
	if c := jwtClaims(t, second.AccessToken); c["sudo"] != false || c["authorized"] != true {
		t.Errorf("renewed claims = %v", c)
	}
	// The renewed token works, but not for sudo routes.
	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: second.AccessToken}), 200)
	wantError(t, e.do(t, request{method: http.MethodDelete, path: "/authentication/user", token: second.AccessToken}),
		403, "FORBIDDEN", "Re-login required to enter sudo mode")

	// A replay of the first refresh token: refused, and the session ends.
	wantError(t, e.renew(t, first.RefreshToken), 400, "INVALID_ARGUMENTS", "Refresh token not found")
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: second.AccessToken}),
		401, "UNAUTHORIZED", "Token has been revoked or there is a mismatch between the token and the client")
	wantError(t, e.renew(t, second.RefreshToken), 400, "INVALID_ARGUMENTS", "Refresh token not found")
}

// TestDeleteUserNeedsSudo: a fresh login's token deletes the account;
// the answer is {"result":"LoggedOut"} and the token is dead after.
func TestDeleteUserNeedsSudo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "gone@example.com")
	tk := e.login(t, "gone@example.com")
	r := e.do(t, request{method: http.MethodDelete, path: "/authentication/user", token: tk.AccessToken})
	wantStatus(t, r, 200)
	if r.body != `{"result":"LoggedOut"}`+"\n" {
		t.Errorf("body = %q", r.body)
	}
	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken}), 401)
	wantError(t, e.post(t, "/authentication/local", credentials("gone@example.com", password), ""), 401, "UNAUTHORIZED", "Invalid login credentials")
}

// TestTokenRules: Conduit's Bearer rule and its 401 messages.
func TestTokenRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "rules@example.com")
	tk := e.login(t, "rules@example.com")
	for _, tc := range []struct {
		name, auth, cookie, message string
		status                      int
	}{
		{"none", "", "", "No 'Authorization' header or 'accessToken' cookie present", 401},
		{"three parts", "Bearer a b", "", "'Authorization' header malformed", 401},
		{"one part", "Bearer", "", "'Authorization' header malformed", 401},
		{"two spaces", "Bearer  " + tk.AccessToken, "", "'Authorization' header malformed", 401},
		{"lower-case scheme", "bearer " + tk.AccessToken, "", "The 'Authorization' header must be prefixed by 'Bearer '", 401},
		{"other scheme", "JWT " + tk.AccessToken, "", "The 'Authorization' header must be prefixed by 'Bearer '", 401},
		{"garbage", "Bearer garbage", "", "Token is expired or otherwise not valid", 401},
		// HTTP drops a header value's trailing space, so "Bearer " is one
		// part, in Node as here.
		{"empty token", "Bearer ", "", "'Authorization' header malformed", 401},
		{"refresh as access", "Bearer " + tk.RefreshToken, "", "Token is expired or otherwise not valid", 401},
		{"header beats cookie", "Bearer x y", tk.AccessToken, "'Authorization' header malformed", 401},
		{"cookie", "", tk.AccessToken, "", 200},
		{"bad cookie", "", "garbage", "Token is expired or otherwise not valid", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request{method: http.MethodGet, path: "/authentication/user", auth: tc.auth}
			if tc.cookie != "" {
				req.cookies = map[string]string{"accessToken": tc.cookie}
			}
			if tc.name == "one part" || tc.name == "empty token" {
				req.header = map[string]string{"Authorization": tc.auth}
			}
			r := e.do(t, req)
			if tc.status == 200 {
				wantStatus(t, r, 200)
				return
			}
			wantError(t, r, tc.status, "UNAUTHORIZED", tc.message)
		})
	}
}
