package main

import (
	"testing"
)

// TestConduitSessionsE2E runs the real server: by default a second login
// ends the first (its access token 401, its refresh token 400), a
// renewed token is refused on every sudo route the foundation serves,
// and with clients.multiple_user_sessions on both logins live.
func TestConduitSessionsE2E(t *testing.T) {
	t.Parallel()
	const email = "e2e-cd@example.com"
	creds := map[string]any{"email": email, "password": goldenPass}
	for _, multiple := range []bool{false, true} {
		yaml := conduitFastYAML
		if multiple {
			yaml += "    clients:\n      multiple_user_sessions: true\n"
		}
		ts := startServerWith(t, yaml, serverOpts{})
		ts.do(t, "POST", cd+"/local/new", creds).want(t, 200)
		first := ts.do(t, "POST", cd+"/local", creds).want(t, 200)
		second := ts.do(t, "POST", cd+"/local", creds).want(t, 200)
		firstUser := ts.do(t, "GET", cd+"/user", nil, "Authorization", "Bearer "+first.str("accessToken"))
		firstRenew := ts.do(t, "POST", cd+"/renew", nil, "Authorization", "Bearer "+first.str("refreshToken"))
		if multiple {
			firstUser.want(t, 200)
			firstRenew.want(t, 200)
		} else {
			if firstUser.want(t, 401).str("message") != "Token has been revoked or there is a mismatch between the token and the client" {
				t.Errorf("first session after a second login: %s", firstUser.Raw)
			}
			if firstRenew.want(t, 400).str("message") != "Refresh token not found" {
				t.Errorf("first refresh token after a second login: %s", firstRenew.Raw)
			}
		}
		renewed := ts.do(t, "POST", cd+"/renew", nil, "Authorization", "Bearer "+second.str("refreshToken")).want(t, 200)
		r := ts.do(t, "DELETE", cd+"/user", nil, "Authorization", "Bearer "+renewed.str("accessToken")).want(t, 403)
		if r.str("message") != "Re-login required to enter sudo mode" || r.str("name") != "FORBIDDEN" {
			t.Errorf("sudo refusal: %s", r.Raw)
		}
		// The renewed refresh token is dead at once; its replay ends the
		// session, the renewed pair with it.
		ts.do(t, "POST", cd+"/renew", nil, "Authorization", "Bearer "+second.str("refreshToken")).want(t, 400)
		ts.do(t, "GET", cd+"/user", nil, "Authorization", "Bearer "+renewed.str("accessToken")).want(t, 401)
		ts.do(t, "POST", cd+"/renew", nil, "Authorization", "Bearer "+renewed.str("refreshToken")).want(t, 400)
		// A fresh login's token deletes the account.
		fresh := ts.do(t, "POST", cd+"/local", creds).want(t, 200)
		ts.do(t, "DELETE", cd+"/user", nil, "Authorization", "Bearer "+fresh.str("accessToken")).want(t, 200)
		ts.do(t, "POST", cd+"/local", creds).want(t, 401)
	}
}
