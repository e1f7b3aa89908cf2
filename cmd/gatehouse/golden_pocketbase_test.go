package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Golden cases of the PocketBase surface (/api/...), one server per
// group. testdata/golden/pocketbase holds one file per case, named
// <route>.<situation>.golden.

const (
	pbUsers       = "/api/collections/users"
	pbSuperusers  = "/api/collections/_superusers"
	goldenPBEmail = "golden-pb@example.com"
	goldenPass    = "golden password 1"
)

// gReq builds a golden request with a raw body ("" for none) and
// name, value header pairs.
func gReq(method, path, body string, headers ...string) goldenReq {
	return goldenReq{Method: method, Path: path, Body: body, Headers: headers}
}

// pbLogin is the raw body of a PocketBase password login.
func pbLogin(identity, password string) string {
	return `{"identity":` + jsonStr(identity) + `,"password":` + jsonStr(password) + `}`
}

// pbSignUpBody is the raw body of a sign-up with a matching confirmation.
func pbSignUpBody(email, password string) string {
	return `{"email":` + jsonStr(email) + `,"password":` + jsonStr(password) + `,"passwordConfirm":` + jsonStr(password) + `}`
}

// TestGoldenPocketBaseAuth pins the login, refresh, session and
// impersonation answers. Lockout trips after 3 failures so a locked
// account takes three requests, and refresh tokens have no reuse grace
// so a second use is refused at once.
func TestGoldenPocketBaseAuth(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "security:\n  refresh_reuse_grace: 0s\n",
		serverOpts{Env: map[string]string{"GATEHOUSE_LOCKOUT_MAX_FAILURES": "3"}})
	g := newGoldenSet(t, ts, "pocketbase")
	_, su := ts.superuser(t)

	g.check("health", gReq("GET", "/api/health", ""))
	g.check("auth-methods.default", gReq("GET", pbUsers+"/auth-methods", ""))

	signup := g.check("records-create.success", gReq("POST", pbUsers+"/records",
		`{"email":"`+goldenPBEmail+`","password":"`+goldenPass+`","passwordConfirm":"`+goldenPass+`","name":"Golden"}`))
	g.name(signup.str("id"), "<id:golden>")

	login := g.check("auth-with-password.success", gReq("POST", pbUsers+"/auth-with-password", pbLogin(goldenPBEmail, goldenPass)))
	token := login.str("token")
	withRT := g.check("auth-with-password.with-refresh-token", gReq("POST", pbUsers+"/auth-with-password?withRefreshToken=true",
		pbLogin(goldenPBEmail, goldenPass)))
	rt := withRT.str("meta.refreshToken")
	if token == "" || rt == "" {
		t.Fatalf("logins gave no token or refresh token: %s / %s", login.Raw, withRT.Raw)
	}
	g.check("auth-with-password.wrong-password", gReq("POST", pbUsers+"/auth-with-password", pbLogin(goldenPBEmail, "wrong password 1")))
	g.check("auth-with-password.unknown-identity", gReq("POST", pbUsers+"/auth-with-password", pbLogin("nobody@example.com", goldenPass)))
	g.check("auth-with-password.missing-fields", gReq("POST", pbUsers+"/auth-with-password", `{}`))
	g.check("auth-with-password.bad-identity-field", gReq("POST", pbUsers+"/auth-with-password",
		`{"identity":"`+goldenPBEmail+`","password":"`+goldenPass+`","identityField":"username"}`))
	g.check("auth-with-password.form-urlencoded", goldenReq{Method: "POST", Path: pbUsers + "/auth-with-password",
		CType: "application/x-www-form-urlencoded", Body: "identity=" + strings.ReplaceAll(goldenPBEmail, "@", "%40") + "&password=golden+password+1"})

	// Three wrong passwords lock the account; the right one is then
	// answered exactly like a wrong one.
	const lockedEmail = "golden-pb-locked@example.com"
	ts.signUp(t, lockedEmail, goldenPass)
	for range 3 {
		ts.loginAs(t, lockedEmail, "wrong password 1").want(t, 400)
	}
	g.check("auth-with-password.locked", gReq("POST", pbUsers+"/auth-with-password", pbLogin(lockedEmail, goldenPass)))

	waitPastIssue(t, token) // so the refreshed token is a new string (<jwt:2>)
	g.check("auth-refresh.success", gReq("POST", pbUsers+"/auth-refresh", "", "Authorization", token))
	g.check("auth-refresh.bearer", gReq("POST", pbUsers+"/auth-refresh", "", "Authorization", "Bearer "+token))
	g.check("auth-refresh.no-token", gReq("POST", pbUsers+"/auth-refresh", ""))
	g.check("auth-refresh.garbage-token", gReq("POST", pbUsers+"/auth-refresh", "", "Authorization", "bogus-token"))
	g.check("auth-refresh.other-collection", gReq("POST", pbUsers+"/auth-refresh", "", "Authorization", su))

	g.name(rt, "<refresh_token:login>")
	next := g.check("auth-with-refresh-token.success", gReq("POST", pbUsers+"/auth-with-refresh-token", `{"refreshToken":"`+rt+`"}`))
	if next.str("meta.refreshToken") == "" {
		t.Fatalf("auth-with-refresh-token gave no new refresh token: %s", next.Raw)
	}
	// Core's clock has millisecond steps and a reuse counts as a replay
	// only once more than the grace (0 here) has passed since the
	// rotation: one in the same millisecond would still get the successor.
	time.Sleep(5 * time.Millisecond)
	g.check("auth-with-refresh-token.reused", gReq("POST", pbUsers+"/auth-with-refresh-token", `{"refreshToken":"`+rt+`"}`))
	g.check("auth-with-refresh-token.unknown", gReq("POST", pbUsers+"/auth-with-refresh-token", `{"refreshToken":"bogus-refresh-token"}`))
	g.check("auth-with-refresh-token.missing", gReq("POST", pbUsers+"/auth-with-refresh-token", `{}`))

	// A user with exactly one session, so the list is deterministic.
	const sessEmail = "golden-pb-sessions@example.com"
	sessUser := ts.signUp(t, sessEmail, goldenPass)
	g.name(sessUser, "<id:sessions-user>")
	sessToken := ts.loginToken(t, "users", sessEmail, goldenPass)
	g.check("sessions.list", gReq("GET", pbUsers+"/sessions", "", "Authorization", sessToken))
	g.check("sessions.list-guest", gReq("GET", pbUsers+"/sessions", ""))
	g.check("sessions.revoke-unknown", gReq("DELETE", pbUsers+"/sessions/bogussession0000", "", "Authorization", sessToken))
	g.check("sessions.other-user-list", gReq("GET", pbUsers+"/records/"+sessUser+"/sessions", "", "Authorization", token))
	g.check("logout.success", gReq("POST", pbUsers+"/logout", "", "Authorization", sessToken))
	g.check("logout.after-logout", gReq("POST", pbUsers+"/logout", "", "Authorization", sessToken))

	g.check("impersonate.guest", gReq("POST", pbUsers+"/impersonate/"+sessUser, `{"duration":60}`))
	g.check("impersonate.non-superuser", gReq("POST", pbUsers+"/impersonate/"+sessUser, `{"duration":60}`, "Authorization", token))
	g.check("impersonate.unknown-record", gReq("POST", pbUsers+"/impersonate/bogusrecord0000", `{"duration":60}`, "Authorization", su))
	g.check("impersonate.negative-duration", gReq("POST", pbUsers+"/impersonate/"+sessUser, `{"duration":-1}`, "Authorization", su))
	imp := g.check("impersonate.success", gReq("POST", pbUsers+"/impersonate/"+sessUser, `{"duration":60}`, "Authorization", su))
	// A non-refreshable token refreshes to itself: both read <jwt:1>.
	g.check("auth-refresh.impersonated", gReq("POST", pbUsers+"/auth-refresh", "", "Authorization", imp.str("token")))

	g.check("unknown-collection.auth-with-password", gReq("POST", "/api/collections/bogus/auth-with-password", pbLogin(goldenPBEmail, goldenPass)))
	g.check("unknown-collection.auth-methods", gReq("GET", "/api/collections/bogus/auth-methods", ""))
	g.check("unknown-collection.impersonate", gReq("POST", "/api/collections/bogus/impersonate/"+sessUser, `{}`, "Authorization", su))
	g.check("unknown-collection.records-list", gReq("GET", "/api/collections/bogus/records", ""))
	g.check("unknown-collection.records-view", gReq("GET", "/api/collections/bogus/records/"+sessUser, ""))
}

// TestGoldenPocketBaseRecords pins the records API: sign-up validation,
// reading and listing under the rules, updates and deletes. The server
// keeps the default refresh-token grace, which one case pins.
func TestGoldenPocketBaseRecords(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	g := newGoldenSet(t, ts, "pocketbase")
	adminID, su := ts.superuser(t)
	g.name(adminID, "<id:admin>")
	ada := ts.newAttackUser(t, goldenPBEmail, goldenPass)
	g.name(ada.ID, "<id:ada>")
	bob := ts.newAttackUser(t, "golden-pb-bob@example.com", goldenPass)
	g.name(bob.ID, "<id:bob>")

	create := func(name, body string) { g.check("records-create."+name, gReq("POST", pbUsers+"/records", body)) }
	create("invalid-email", pbSignUpBody("not-an-email", goldenPass))
	create("short-password", pbSignUpBody("golden-pb-short@example.com", "short"))
	create("password-mismatch", `{"email":"golden-pb-new@example.com","password":"`+goldenPass+`","passwordConfirm":"other password 1"}`)
	create("missing-password", `{"email":"golden-pb-new@example.com"}`)
	create("unknown-field", `{"email":"golden-pb-new@example.com","password":"`+goldenPass+`","passwordConfirm":"`+goldenPass+`","shoeSize":44}`)
	create("duplicate-email", pbSignUpBody(goldenPBEmail, goldenPass))
	create("set-verified-as-guest", `{"email":"golden-pb-new@example.com","password":"`+goldenPass+`","passwordConfirm":"`+goldenPass+`","verified":true}`)
	g.check("records-create.superuser-as-guest", gReq("POST", pbSuperusers+"/records", pbSignUpBody("golden-pb-admin2@example.com", goldenPass)))
	g.check("records-create.superuser-as-user", gReq("POST", pbSuperusers+"/records", pbSignUpBody("golden-pb-admin2@example.com", goldenPass),
		"Authorization", ada.Token))

	g.check("records-view.own", gReq("GET", pbUsers+"/records/"+ada.ID, "", "Authorization", ada.Token))
	g.check("records-view.own-fields", gReq("GET", pbUsers+"/records/"+ada.ID+"?fields=id,email,name", "", "Authorization", ada.Token))
	g.check("records-view.other-user", gReq("GET", pbUsers+"/records/"+bob.ID, "", "Authorization", ada.Token))
	g.check("records-view.guest", gReq("GET", pbUsers+"/records/"+ada.ID, ""))
	g.check("records-view.unknown-id", gReq("GET", pbUsers+"/records/bogusrecord0000", "", "Authorization", ada.Token))
	g.check("records-view.as-superuser", gReq("GET", pbUsers+"/records/"+bob.ID, "", "Authorization", su))
	g.check("records-list.user", gReq("GET", pbUsers+"/records", "", "Authorization", ada.Token))
	g.check("records-list.guest", gReq("GET", pbUsers+"/records", ""))
	g.check("records-list.superusers-as-user", gReq("GET", pbSuperusers+"/records", "", "Authorization", ada.Token))

	g.check("records-update.name", gReq("PATCH", pbUsers+"/records/"+ada.ID, `{"name":"Ada Golden"}`, "Authorization", ada.Token))
	g.check("records-update.other-user", gReq("PATCH", pbUsers+"/records/"+bob.ID, `{"name":"Mallory"}`, "Authorization", ada.Token))
	g.check("records-update.email-directly", gReq("PATCH", pbUsers+"/records/"+ada.ID, `{"email":"golden-pb-other@example.com"}`, "Authorization", ada.Token))
	g.check("records-update.missing-old-password", gReq("PATCH", pbUsers+"/records/"+ada.ID,
		`{"password":"new password 12","passwordConfirm":"new password 12"}`, "Authorization", ada.Token))
	g.check("records-update.wrong-old-password", gReq("PATCH", pbUsers+"/records/"+ada.ID,
		`{"oldPassword":"wrong password 1","password":"new password 12","passwordConfirm":"new password 12"}`, "Authorization", ada.Token))

	g.check("records-delete.other-user", gReq("DELETE", pbUsers+"/records/"+bob.ID, "", "Authorization", ada.Token))
	g.check("records-delete.guest", gReq("DELETE", pbUsers+"/records/"+bob.ID, ""))
	g.check("records-delete.last-superuser", gReq("DELETE", pbSuperusers+"/records/"+adminID, "", "Authorization", su))
	g.check("records-delete.own", gReq("DELETE", pbUsers+"/records/"+bob.ID, "", "Authorization", bob.Token))

	// Within the default 10 s grace a rotated refresh token is answered
	// with the same successor: the retry reads <refresh_token:next>.
	_, rt := ts.loginWithRefresh(t, ada.Email, ada.Password)
	g.name(rt, "<refresh_token:login>")
	next := g.check("auth-with-refresh-token.success-default-grace", gReq("POST", pbUsers+"/auth-with-refresh-token", `{"refreshToken":"`+rt+`"}`))
	if s := next.str("meta.refreshToken"); s != "" {
		g.name(s, "<refresh_token:next>")
	}
	g.check("auth-with-refresh-token.retry-within-grace", gReq("POST", pbUsers+"/auth-with-refresh-token", `{"refreshToken":"`+rt+`"}`))
}

// TestGoldenPocketBaseMail pins the mailed-token flows: password reset,
// verification and email change, including the answers that must not
// tell a known address from an unknown one.
func TestGoldenPocketBaseMail(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	g := newGoldenSet(t, ts, "pocketbase")
	_, su := ts.superuser(t)
	ada := ts.newAttackUser(t, goldenPBEmail, goldenPass)
	g.name(ada.ID, "<id:ada>")
	bob := ts.newAttackUser(t, "golden-pb-bob@example.com", goldenPass)
	g.name(bob.ID, "<id:bob>")

	g.check("request-password-reset.unknown", gReq("POST", pbUsers+"/request-password-reset", `{"email":"nobody@example.com"}`))
	g.check("request-password-reset.known", gReq("POST", pbUsers+"/request-password-reset", `{"email":"`+goldenPBEmail+`"}`))
	g.check("request-password-reset.invalid-email", gReq("POST", pbUsers+"/request-password-reset", `{"email":"not-an-email"}`))
	g.check("confirm-password-reset.bad-token", gReq("POST", pbUsers+"/confirm-password-reset",
		`{"token":"bogus-token","password":"new password 12","passwordConfirm":"new password 12"}`))
	reset := ts.waitMail(t, goldenPBEmail, "confirm-password-reset")
	g.check("confirm-password-reset.short-password", gReq("POST", pbUsers+"/confirm-password-reset",
		`{"token":"`+reset+`","password":"short","passwordConfirm":"short"}`))
	g.check("confirm-password-reset.mismatch", gReq("POST", pbUsers+"/confirm-password-reset",
		`{"token":"`+reset+`","password":"new password 12","passwordConfirm":"new password 13"}`))

	g.check("request-verification.unknown", gReq("POST", pbUsers+"/request-verification", `{"email":"nobody@example.com"}`))
	g.check("request-verification.known", gReq("POST", pbUsers+"/request-verification", `{"email":"`+bob.Email+`"}`))
	g.check("request-verification.superusers", gReq("POST", pbSuperusers+"/request-verification", `{"email":"admin@example.com"}`))
	g.check("confirm-verification.bad-token", gReq("POST", pbUsers+"/confirm-verification", `{"token":"bogus-token"}`))
	g.check("confirm-verification.missing-token", gReq("POST", pbUsers+"/confirm-verification", `{}`))

	g.check("request-email-change.guest", gReq("POST", pbUsers+"/request-email-change", `{"newEmail":"golden-pb-new@example.com"}`))
	g.check("request-email-change.invalid-email", gReq("POST", pbUsers+"/request-email-change", `{"newEmail":"not-an-email"}`, "Authorization", ada.Token))
	g.check("request-email-change.same-email", gReq("POST", pbUsers+"/request-email-change", `{"newEmail":"`+goldenPBEmail+`"}`, "Authorization", ada.Token))
	g.check("request-email-change.taken-email", gReq("POST", pbUsers+"/request-email-change", `{"newEmail":"`+bob.Email+`"}`, "Authorization", ada.Token))
	g.check("request-email-change.superuser", gReq("POST", pbSuperusers+"/request-email-change", `{"newEmail":"golden-pb-admin@example.com"}`, "Authorization", su))
	g.check("request-email-change.success", gReq("POST", pbUsers+"/request-email-change", `{"newEmail":"golden-pb-new@example.com"}`, "Authorization", ada.Token))
	change := ts.waitMail(t, "golden-pb-new@example.com", "confirm-email-change")
	g.check("confirm-email-change.bad-token", gReq("POST", pbUsers+"/confirm-email-change", `{"token":"bogus-token","password":"`+goldenPass+`"}`))
	g.check("confirm-email-change.wrong-password", gReq("POST", pbUsers+"/confirm-email-change", `{"token":"`+change+`","password":"wrong password 1"}`))
}

// TestGoldenPocketBaseFactors pins mailed one-time codes, the MFA
// challenge and the authenticator-app routes. OTP and MFA are on for
// users, so a password alone answers with an mfaId.
func TestGoldenPocketBaseFactors(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpMFAYAML, serverOpts{})
	g := newGoldenSet(t, ts, "pocketbase")
	id := ts.signUp(t, goldenPBEmail, goldenPass)
	g.name(id, "<id:golden>")

	g.check("auth-methods.otp-mfa", gReq("GET", pbUsers+"/auth-methods", ""))
	g.check("auth-methods.sdk-fields", gReq("GET", pbUsers+"/auth-methods?fields=mfa,otp,password,oauth2", ""))
	g.check("request-otp.unknown", gReq("POST", pbUsers+"/request-otp", `{"email":"nobody@example.com"}`))
	g.check("request-otp.invalid-email", gReq("POST", pbUsers+"/request-otp", `{"email":"not-an-email"}`))
	otp := g.check("request-otp.known", gReq("POST", pbUsers+"/request-otp", `{"email":"`+goldenPBEmail+`"}`))
	otpID := otp.str("otpId")
	g.name(otpID, "<otp_id:golden>")
	wrong := wrongCode(ts.waitOTP(t, goldenPBEmail, 0), 0)
	g.name(wrong, "<wrong_code>")
	g.check("auth-with-otp.wrong-code", gReq("POST", pbUsers+"/auth-with-otp", `{"otpId":"`+otpID+`","password":"`+wrong+`"}`))
	g.check("auth-with-otp.unknown-otp", gReq("POST", pbUsers+"/auth-with-otp", `{"otpId":"bogusotp0000000","password":"12345678"}`))
	g.check("auth-with-otp.missing-fields", gReq("POST", pbUsers+"/auth-with-otp", `{}`))

	mfa := g.check("auth-with-password.mfa-required", gReq("POST", pbUsers+"/auth-with-password", pbLogin(goldenPBEmail, goldenPass)))
	mfaID := mfa.str("mfaId")
	if mfaID == "" {
		t.Fatalf("no mfaId in %s", mfa.Raw)
	}
	g.name(mfaID, "<mfa_id:golden>")
	g.check("auth-with-password.mfa-same-method", gReq("POST", pbUsers+"/auth-with-password?mfaId="+mfaID, pbLogin(goldenPBEmail, goldenPass)))
	g.check("auth-with-password.mfa-unknown", gReq("POST", pbUsers+"/auth-with-password?mfaId=bogusmfa0000000", pbLogin(goldenPBEmail, goldenPass)))
	g.check("auth-with-totp.no-factor", gReq("POST", pbUsers+"/auth-with-totp", `{"mfaId":"`+mfaID+`","code":"123456"}`))
}

// TestGoldenPocketBaseTOTP pins the authenticator-app routes' refusals
// and the enrolment answer, on a server without OTP or MFA so a
// password login gives a token.
func TestGoldenPocketBaseTOTP(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	g := newGoldenSet(t, ts, "pocketbase")
	u := ts.newAttackUser(t, goldenPBEmail, goldenPass)
	g.name(u.ID, "<id:golden>")

	g.check("totp-status.guest", gReq("GET", pbUsers+"/totp", ""))
	g.check("totp-status.none", gReq("GET", pbUsers+"/totp", "", "Authorization", u.Token))
	g.check("totp-enroll.unverified", gReq("POST", pbUsers+"/totp/enroll", `{"password":"`+goldenPass+`"}`, "Authorization", u.Token))
	ts.verifyEmail(t, u.Email)
	g.check("totp-enroll.wrong-password", gReq("POST", pbUsers+"/totp/enroll", `{"password":"wrong password 1"}`, "Authorization", u.Token))
	g.check("totp-confirm.not-enrolled", gReq("POST", pbUsers+"/totp/confirm", `{"code":"123456"}`, "Authorization", u.Token))
	g.check("totp-disable.not-enabled", gReq("POST", pbUsers+"/totp/disable", `{"code":"123456"}`, "Authorization", u.Token))
	enroll := g.check("totp-enroll.success", gReq("POST", pbUsers+"/totp/enroll", `{"password":"`+goldenPass+`"}`, "Authorization", u.Token))
	secret := enroll.str("secret")
	if secret == "" {
		t.Fatalf("enrol gave no secret: %s", enroll.Raw)
	}
	wrong := wrongTOTP(t, secret)
	g.name(wrong, "<wrong_code>")
	g.check("totp-confirm.wrong-code", gReq("POST", pbUsers+"/totp/confirm", `{"code":"`+wrong+`"}`, "Authorization", u.Token))
	g.check("totp-confirm.missing-code", gReq("POST", pbUsers+"/totp/confirm", `{}`, "Authorization", u.Token))
}

// wrongTOTP returns a 6-digit code that no step near now accepts for
// secret (two steps either side, more than any server allows), so a
// "wrong code" case never passes by chance.
func wrongTOTP(t testing.TB, secret string) string {
	t.Helper()
	s := totpStep(time.Now())
	valid := map[string]bool{}
	for d := int64(-2); d <= 2; d++ {
		valid[totpCode(t, secret, s+d)] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong TOTP code found")
	return ""
}

// TestGoldenPocketBaseBodies pins the answers to unreadable bodies and
// unknown routes, CORS preflights, and a rate-limited login, on a
// server with a 1 KiB body limit and a login limit of 3 per day per IP.
func TestGoldenPocketBaseBodies(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "security:\n  rate_limits:\n    login:\n      per_ip: 3/24h\n",
		serverOpts{Env: map[string]string{"GATEHOUSE_BODY_LIMIT": "1KiB"}})
	g := newGoldenSet(t, ts, "pocketbase")
	ts.signUp(t, goldenPBEmail, goldenPass)
	const reset = pbUsers + "/request-password-reset"

	g.check("body.unsupported-content-type", goldenReq{Method: "POST", Path: reset, CType: "text/plain", Body: `{"email":"` + goldenPBEmail + `"}`})
	g.check("body.malformed-json", gReq("POST", reset, `{"email":`))
	g.check("body.invalid-utf8", gReq("POST", reset, "{\"email\":\"a\xff\xfe@example.com\"}"))
	g.check("body.wrong-json-type", gReq("POST", reset, `{"email":123}`))
	g.check("body.array", gReq("POST", reset, `[]`))
	g.check("body.trailing-garbage", gReq("POST", reset, `{"email":"`+goldenPBEmail+`"}x`))
	g.check("body.empty", goldenReq{Method: "POST", Path: reset, CType: "application/json"})
	big := `{"email":"` + strings.Repeat("a", 2048) + `@example.com"}`
	g.check("body.over-limit", goldenReq{Method: "POST", Path: reset, Body: big, BodyNote: fmt.Sprintf("(%d bytes: {\"email\":\"aaaa...@example.com\"})", len(big))})

	g.check("route.unknown-api", gReq("GET", "/api/bogus", ""))
	g.check("route.unknown-root", gReq("GET", "/bogus", ""))
	g.check("route.wrong-method", gReq("GET", pbUsers+"/auth-with-password", ""))
	g.check("cors.preflight", gReq("OPTIONS", pbUsers+"/auth-with-password", "",
		"Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,authorization"))
	g.check("cors.simple-request", gReq("GET", "/api/health", "", "Origin", "https://app.example"))

	// Logins until the limit answers (the window is a day, so it cannot
	// roll over mid-test unless started within a minute of its end), then
	// the golden one.
	awayFromBoundary(24*time.Hour, time.Minute)
	for i := 0; ; i++ {
		if ts.loginAs(t, goldenPBEmail, goldenPass).Status == 429 {
			break
		}
		if i == 5 {
			t.Fatal("login never rate limited with per_ip 3/24h")
		}
	}
	g.check("auth-with-password.rate-limited", goldenReq{Method: "POST", Path: pbUsers + "/auth-with-password",
		Body: pbLogin(goldenPBEmail, goldenPass), RetryAfterVaries: true})
}
