package main

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// PocketBase's OAuth2 messages.
const (
	msgOAuthToken    = "Failed to fetch OAuth2 token."
	msgOAuthUser     = "Failed to fetch OAuth2 user."
	msgOAuthDisabled = "The collection is not configured to allow OAuth2 authentication."
	msgLastMethod    = "You can't unlink the only way you can sign in. Set a password first (reset it by email)."
	usersID          = "_pb_users_auth_"
)

var (
	stateShape    = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)
	verifierShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// TestOAuth2E2E signs in through a real OpenID Connect provider (mockoidc,
// in-process, with PKCE checks) against the real server, over HTTP
// throughout. Each scenario has its own provider and server; none may
// show or log the client secret.
func TestOAuth2E2E(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"auth-methods and first login", testOAuthFirstLogin},
		{"createData", testOAuthCreateData},
		{"deleting the user frees the provider account", testOAuthDeletedUser},
		{"links a signed-in user", testOAuthLinkSignedIn},
		{"claims an unverified pre-registered email", testOAuthClaimsUnverified},
		{"claim drops the squatter's authenticator app", testOAuthClaimDropsTOTP},
		{"links a verified record by email", testOAuthLinksVerified},
		{"unverified provider email takes nothing", testOAuthUnverifiedEmail},
		{"popup flow through realtime", testOAuthPopupFlow},
		{"redirect from another IP", testOAuthRedirectOtherIP},
		{"authenticator app applies", testOAuthTOTP},
		{"wrong PKCE verifier", testOAuthWrongVerifier},
		{"provider failures", testOAuthProviderFailures},
		{"wrong client secret stays secret", testOAuthWrongSecret},
		{"disabled", testOAuthDisabled},
		{"unknown provider", testOAuthUnknownProvider},
		{"last login method cannot be unlinked", testOAuthUnlinkLast},
		{"MFA applies", testOAuthMFA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

// testOAuthFirstLogin checks auth-methods' provider entry, a first login
// that creates the record and a second that finds it.
func testOAuthFirstLogin(t *testing.T) {
	e := oauthScenario(t, "")
	p := e.provider(t)
	if p.Name != "oidc" || p.DisplayName != "oidc" || p.CodeChallengeMethod != "S256" {
		t.Errorf("provider = %+v, want name and displayName oidc, S256", p)
	}
	if !stateShape.MatchString(p.State) || !verifierShape.MatchString(p.CodeVerifier) {
		t.Errorf("state %q / codeVerifier %q: want 30 letters and digits / 43 base64url characters", p.State, p.CodeVerifier)
	}
	if p.CodeChallenge != challengeOf(p.CodeVerifier) {
		t.Errorf("codeChallenge = %q, want base64url(sha256(verifier)) = %q", p.CodeChallenge, challengeOf(p.CodeVerifier))
	}
	if !strings.HasPrefix(p.AuthURL, e.op.AuthorizationEndpoint()+"?") || !strings.HasSuffix(p.AuthURL, "redirect_uri=") || p.AuthURLLegacy != p.AuthURL {
		t.Errorf("authURL = %q (authUrl %q), want %s?...redirect_uri=", p.AuthURL, p.AuthURLLegacy, e.op.AuthorizationEndpoint())
	}
	au, err := url.Parse(p.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	q := au.Query()
	want := map[string]string{"response_type": "code", "client_id": e.op.ClientID, "state": p.State,
		"code_challenge": p.CodeChallenge, "code_challenge_method": "S256", "redirect_uri": ""}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("authURL %s = %q, want %q", k, q.Get(k), v)
		}
	}
	if !slices.Contains(strings.Fields(q.Get("scope")), "openid") || q.Has("client_secret") {
		t.Errorf("authURL query = %v, want scope with openid and no client_secret", q)
	}
	if again := e.provider(t); again.State == p.State || again.CodeVerifier == p.CodeVerifier {
		t.Errorf("a second auth-methods reused state or verifier")
	}

	alice := opUser{Subject: "sub-alice", Email: "alice@example.com", EmailVerified: true}
	code := e.code(t, p, alice)
	first := e.exchange(t, code, p.CodeVerifier).oauth(t)
	if first.Meta["isNew"] != true || first.Meta["email"] != alice.Email || first.Meta["id"] != alice.Subject {
		t.Errorf("meta = %v, want isNew true, the provider's email and subject", first.Meta)
	}
	if first.Record["email"] != alice.Email || first.Record["verified"] != true || first.Record["collectionId"] != usersID {
		t.Errorf("record = %v, want alice's verified users record", first.Record)
	}
	e.ts.wantAccepted(t, "first OAuth2 token", first.Token)
	checkAPIError(t, "the same code again", e.exchange(t, code, p.CodeVerifier), 400, msgOAuthToken)

	second := e.login(t, alice).oauth(t)
	if second.Record["id"] != first.Record["id"] || second.Meta["isNew"] != false {
		t.Errorf("second login: record %v isNew %v, want %v and false", second.Record["id"], second.Meta["isNew"], first.Record["id"])
	}

	// Gatehouse's refresh token takes meta.refreshToken when asked for;
	// the provider's moves to meta.providerRefreshToken.
	p = e.provider(t)
	withRT := e.do(t, "POST", "/api/collections/users/auth-with-oauth2?withRefreshToken=true", map[string]any{
		"provider": "oidc", "code": e.code(t, p, alice), "codeVerifier": p.CodeVerifier, "redirectURL": appRedirect,
	}).oauth(t)
	rt, _ := withRT.Meta["refreshToken"].(string)
	if prt, _ := withRT.Meta["providerRefreshToken"].(string); rt == "" || prt == "" || rt == prt {
		t.Fatalf("meta = %v, want Gatehouse's refreshToken and the provider's providerRefreshToken", withRT.Meta)
	}
	r := e.do(t, "POST", "/api/collections/users/auth-with-refresh-token", map[string]any{"refreshToken": rt}).want(t, 200)
	if r.str("record.id") != first.Record["id"] {
		t.Errorf("refresh answered %.300s, want alice", r.Raw)
	}
}

// testOAuthCreateData: createData fills the profile of a new record but
// cannot vouch for an email or mark the record verified.
func testOAuthCreateData(t *testing.T) {
	e := oauthScenario(t, "")
	victim := e.ts.newAttackUser(t, "mia@example.com", "mia-password-1")
	p := e.provider(t)
	r := e.do(t, "POST", "/api/collections/users/auth-with-oauth2", map[string]any{
		"provider": "oidc", "code": e.code(t, p, opUser{Subject: "sub-ned", Email: "ned@example.com"}),
		"codeVerifier": p.CodeVerifier, "redirectURL": appRedirect,
		"createData": map[string]any{"name": "Ned", "emailVisibility": true, "verified": true, "email": victim.Email},
	})
	if r.Status == 400 {
		// Refusing the fields a guest may not set is as safe as ignoring
		// them (today they are ignored).
		checkAPIError(t, "createData with verified and email", r, 400, "")
		return
	}
	res := r.oauth(t)
	if res.Record["id"] == victim.ID || res.Record["verified"] != false || res.Record["email"] != "ned@example.com" {
		t.Errorf("record = %v, want a new unverified record with the provider's email", res.Record)
	}
	if res.Record["name"] != "Ned" || res.Record["emailVisibility"] != true {
		t.Errorf("record = %v, want name Ned and emailVisibility from createData", res.Record)
	}
	e.ts.loginAs(t, victim.Email, victim.Password).want(t, 200)
}

// testOAuthDeletedUser: deleting a record frees its provider account,
// which then signs up afresh.
func testOAuthDeletedUser(t *testing.T) {
	e := oauthScenario(t, "")
	olga := opUser{Subject: "sub-olga", Email: "olga@example.com", EmailVerified: true}
	res := e.login(t, olga).oauth(t)
	id, _ := res.Record["id"].(string)
	e.do(t, "DELETE", "/api/collections/users/records/"+id, nil, "Authorization", res.Token).want(t, 204)
	again := e.login(t, olga).oauth(t)
	if again.Record["id"] == id || again.Meta["isNew"] != true {
		t.Errorf("login after deletion: record %v isNew %v, want a new record", again.Record["id"], again.Meta["isNew"])
	}
}

// externalAuths lists the caller's links through PocketBase's
// _externalAuths collection.
func (e *oauthEnv) externalAuths(t testing.TB, token string) []map[string]any {
	t.Helper()
	return e.do(t, "GET", "/api/collections/_externalAuths/records", nil, "Authorization", token).want(t, 200).items(t)
}

// testOAuthLinkSignedIn links a provider account to a password user who
// signs in with its token, then unlinks it (the password remains).
func testOAuthLinkSignedIn(t *testing.T) {
	e := oauthScenario(t, "")
	bob := e.ts.newAttackUser(t, "bob@example.com", "bob-password-1")
	ext := opUser{Subject: "sub-bob", Email: "bob@corp.example", EmailVerified: true}
	res := e.login(t, ext, "Authorization", bob.Token).oauth(t)
	if res.Record["id"] != bob.ID || res.Meta["isNew"] != false {
		t.Fatalf("linking login: record %v isNew %v, want bob (%s), false", res.Record["id"], res.Meta["isNew"], bob.ID)
	}
	links := e.externalAuths(t, bob.Token)
	if len(links) != 1 {
		t.Fatalf("_externalAuths = %v, want one link", links)
	}
	l := links[0]
	if l["provider"] != "oidc" || l["providerId"] != ext.Subject || l["recordRef"] != bob.ID ||
		l["collectionRef"] != usersID || l["collectionName"] != "_externalAuths" {
		t.Errorf("link = %v, want oidc/%s for bob", l, ext.Subject)
	}
	ids := e.do(t, "GET", "/api/collections/users/records/"+bob.ID+"/identities", nil, "Authorization", bob.Token).want(t, 200).items(t)
	if len(ids) != 1 || ids[0]["id"] != l["id"] {
		t.Errorf("records/{id}/identities = %v, want the same link", ids)
	}
	if guest := e.do(t, "GET", "/api/collections/_externalAuths/records", nil).want(t, 200).items(t); len(guest) != 0 {
		t.Errorf("a guest lists links: %v", guest)
	}
	if again := e.login(t, ext).oauth(t); again.Record["id"] != bob.ID {
		t.Errorf("guest login with the linked account reached %v, want bob", again.Record["id"])
	}
	_, su := e.ts.superuser(t)
	e.ts.wantAudit(t, su, bob.ID, "identity.linked")

	id, _ := l["id"].(string)
	e.do(t, "DELETE", "/api/collections/_externalAuths/records/"+id, nil, "Authorization", bob.Token).want(t, 204)
	if left := e.externalAuths(t, bob.Token); len(left) != 0 {
		t.Errorf("after unlinking: %v", left)
	}
	e.ts.wantAudit(t, su, bob.ID, "identity.unlinked")
	e.ts.loginAs(t, bob.Email, bob.Password).want(t, 200)
	if after := e.login(t, ext).oauth(t); after.Record["id"] == bob.ID || after.Meta["isNew"] != true {
		t.Errorf("login after unlinking reached %v (isNew %v), want a new record", after.Record["id"], after.Meta["isNew"])
	}
}

// testOAuthClaimsUnverified: someone registered the owner's address with
// a password and never verified it; the owner's provider vouches for the
// address, so the owner gets the record and the squatter loses access.
func testOAuthClaimsUnverified(t *testing.T) {
	e := oauthScenario(t, "")
	squatter := e.ts.newAttackUser(t, "carol@example.com", "squatter-pass-1")
	_, squatterRefresh := e.ts.loginWithRefresh(t, squatter.Email, squatter.Password)
	// The squatter also links a provider account of its own, to keep a
	// way in after a password reset.
	squatterExt := opUser{Subject: "sub-squatter", Email: "squatter@evil.example", EmailVerified: true}
	if r := e.login(t, squatterExt, "Authorization", squatter.Token).oauth(t); r.Record["id"] != squatter.ID {
		t.Fatalf("the squatter's link went to %v", r.Record["id"])
	}
	res := e.login(t, opUser{Subject: "sub-carol", Email: squatter.Email, EmailVerified: true}).oauth(t)
	if res.Record["id"] != squatter.ID || res.Meta["isNew"] != false || res.Record["verified"] != true {
		t.Fatalf("record %v isNew %v verified %v, want the pre-registered %s, false, true",
			res.Record["id"], res.Meta["isNew"], res.Record["verified"], squatter.ID)
	}
	checkAPIError(t, "the squatter's password", e.ts.loginAs(t, squatter.Email, squatter.Password), 400, "Failed to authenticate.")
	e.ts.wantRefused(t, "the squatter's token", squatter.Token)
	checkAPIError(t, "the squatter's refresh token", e.do(t, "POST", "/api/collections/users/auth-with-refresh-token",
		map[string]any{"refreshToken": squatterRefresh}), 401, "")
	e.ts.wantAccepted(t, "the owner's token", res.Token)
	links := e.externalAuths(t, res.Token)
	if len(links) != 1 || links[0]["providerId"] != "sub-carol" {
		t.Errorf("the owner's links = %v, want only sub-carol", links)
	}
	if r := e.login(t, squatterExt).oauth(t); r.Record["id"] == squatter.ID || r.Meta["isNew"] != true {
		t.Errorf("the squatter's provider account still reaches the record: %v (isNew %v)", r.Record["id"], r.Meta["isNew"])
	}
}

// testOAuthClaimDropsTOTP: a squatter who pre-registered the owner's
// address cannot arm it with an authenticator app (only verified accounts
// may add one), so the owner's claim completes with one factor. (Core also
// removes any factor a claim finds; its tests plant one directly.)
func testOAuthClaimDropsTOTP(t *testing.T) {
	e := oauthScenario(t, "")
	squatter := e.ts.newAttackUser(t, "rae@example.com", "squatter-pass-1")
	refused := e.ts.do(t, "POST", "/api/collections/users/totp/enroll", map[string]any{"password": squatter.Password}, "Authorization", squatter.Token)
	checkAPIError(t, "the squatter's enrolment", refused, 400, "Verify your email address before adding an authenticator app.")

	r := e.login(t, opUser{Subject: "sub-rae", Email: squatter.Email, EmailVerified: true})
	if r.Status != 200 {
		t.Fatalf("the owner's login after the claim = %d %.200s, want 200: the squatter's authenticator app survived the claim",
			r.Status, r.Raw)
	}
	res := r.oauth(t)
	if res.Record["id"] != squatter.ID {
		t.Fatalf("record %v, want the claimed %s", res.Record["id"], squatter.ID)
	}
	st := e.do(t, "GET", "/api/collections/users/totp", nil, "Authorization", res.Token).want(t, 200)
	if st.JSON["enabled"] != false {
		t.Errorf("GET totp after the claim = %.200s, want enabled false", st.Raw)
	}
}

// testOAuthLinksVerified: a verified record with the provider's verified
// email is the owner's own; linking keeps its password and sessions.
func testOAuthLinksVerified(t *testing.T) {
	e := oauthScenario(t, "")
	dave := e.ts.newAttackUser(t, "dave@example.com", "dave-password-1")
	e.do(t, "POST", "/api/collections/users/request-verification", map[string]any{"email": dave.Email}).want(t, 204)
	tok := e.ts.waitMail(t, dave.Email, "confirm-verification")
	e.do(t, "POST", "/api/collections/users/confirm-verification", map[string]any{"token": tok}).want(t, 204)

	res := e.login(t, opUser{Subject: "sub-dave", Email: dave.Email, EmailVerified: true}).oauth(t)
	if res.Record["id"] != dave.ID || res.Meta["isNew"] != false {
		t.Fatalf("record %v isNew %v, want dave (%s), false", res.Record["id"], res.Meta["isNew"], dave.ID)
	}
	e.ts.loginAs(t, dave.Email, dave.Password).want(t, 200)
	e.ts.wantAccepted(t, "dave's password session", dave.Token)
	if links := e.externalAuths(t, dave.Token); len(links) != 1 || links[0]["providerId"] != "sub-dave" {
		t.Errorf("dave's links = %v, want sub-dave", links)
	}
}

// testOAuthUnverifiedEmail: a provider that does not vouch for an email
// gets a new record without it, never the record that has it.
func testOAuthUnverifiedEmail(t *testing.T) {
	e := oauthScenario(t, "")
	victim := e.ts.newAttackUser(t, "erin@example.com", "erin-password-1")
	mallory := opUser{Subject: "sub-mallory", Email: victim.Email, EmailVerified: false}
	res := e.login(t, mallory).oauth(t)
	if res.Record["id"] == victim.ID || res.Meta["isNew"] != true {
		t.Fatalf("record %v isNew %v, want a new record, not the victim's", res.Record["id"], res.Meta["isNew"])
	}
	if res.Record["email"] != "" || res.Record["verified"] != false || res.Meta["email"] != victim.Email {
		t.Errorf("new record email %v verified %v (meta email %v), want no email, unverified",
			res.Record["email"], res.Record["verified"], res.Meta["email"])
	}
	e.ts.loginAs(t, victim.Email, victim.Password).want(t, 200)
	e.ts.wantAccepted(t, "the victim's token", victim.Token)
	if again := e.login(t, mallory).oauth(t); again.Record["id"] != res.Record["id"] {
		t.Errorf("mallory's second login reached %v, want her own %v", again.Record["id"], res.Record["id"])
	}
}

// testOAuthPopupFlow plays the SDK's popup flow: a realtime client
// subscribed to @oauth2 receives the code the provider sends to
// /api/oauth2-redirect, but only for its own state.
func testOAuthPopupFlow(t *testing.T) {
	e := oauthScenario(t, "")
	rt := e.openRealtime(t)
	idle := e.openRealtime(t) // connected, never subscribed
	subscribe := func(id string) response {
		return e.do(t, "POST", "/api/realtime", map[string]any{"clientId": id, "subscriptions": []string{"@oauth2"}})
	}
	subscribe(rt.clientID).want(t, 204)
	subscribe("no-such-client").want(t, 404)

	for _, state := range []string{"wrong-state", idle.clientID, ""} {
		r := e.do(t, "GET", "/api/oauth2-redirect?code=x&state="+url.QueryEscape(state), nil)
		if r.Status != 400 {
			t.Errorf("oauth2-redirect with state %q = %d %q, want 400", state, r.Status, r.Raw)
		}
	}
	e.do(t, "GET", "/api/oauth2-redirect?error=access_denied&state="+rt.clientID, nil).want(t, 400)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "", "error": "access_denied"})

	redirect := e.ts.URL + "/api/oauth2-redirect"
	p := e.provider(t)
	loc := e.authorize(t, p.AuthURL, redirect, rt.clientID, opUser{Subject: "sub-frank", Email: "frank@example.com", EmailVerified: true})
	page := e.do(t, "GET", strings.TrimPrefix(loc.String(), e.ts.URL), nil)
	if page.Status != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("the provider's redirect = %d %q, want 200 text", page.Status, page.Raw)
	}
	// The wrong states came first: had any of them produced an event, it
	// would arrive before this one.
	code := loc.Query().Get("code")
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": code})

	res := e.do(t, "POST", "/api/collections/users/auth-with-oauth2", map[string]any{
		"provider": p.Name, "code": code, "codeVerifier": p.CodeVerifier, "redirectURL": redirect,
	}).oauth(t)
	if res.Meta["isNew"] != true || res.Record["email"] != "frank@example.com" {
		t.Errorf("popup login: meta %v record %v, want a new record for frank", res.Meta, res.Record)
	}
}

// testOAuthRedirectOtherIP: behind a trusted proxy, a redirect carrying
// the right state from another client IP than the waiting stream's
// delivers nothing (a leaked state cannot steer a code to its owner).
func testOAuthRedirectOtherIP(t *testing.T) {
	e := oauthScenarioWith(t, "", serverOpts{Env: map[string]string{"GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1"}})
	xff := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	rt := e.openRealtime(t, xff("203.0.113.1")...)
	e.do(t, "POST", "/api/realtime", map[string]any{"clientId": rt.clientID, "subscriptions": []string{"@oauth2"}}).want(t, 204)
	path := "/api/oauth2-redirect?code=from-elsewhere&state=" + rt.clientID
	if r := e.do(t, "GET", path, nil, xff("203.0.113.2")...); r.Status != 400 {
		t.Errorf("redirect from another IP = %d %q, want 400", r.Status, r.Raw)
	}
	e.do(t, "GET", "/api/oauth2-redirect?code=mine&state="+rt.clientID, nil, xff("203.0.113.1")...).want(t, 200)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "mine"})
}

// testOAuthTOTP: a user with an authenticator app needs it after an
// OAuth2 login too, as after a password.
func testOAuthTOTP(t *testing.T) {
	e := oauthScenario(t, "")
	pia := e.ts.newAttackUser(t, "pia@example.com", "pia-password-1")
	ext := opUser{Subject: "sub-pia", Email: "pia@corp.example", EmailVerified: true}
	e.login(t, ext, "Authorization", pia.Token).oauth(t) // linked
	secret := e.ts.enrollTOTP(t, pia)
	recovery := e.ts.confirmTOTP(t, pia, totpCode(t, secret, totpStep(time.Now())))

	mfaID := e.ts.mfaChallenge(t, e.login(t, ext))
	r := e.ts.totpLogin(t, mfaID, recovery[0]).want(t, 200)
	if r.str("record.id") != pia.ID {
		t.Errorf("second factor answered %.300s, want pia", r.Raw)
	}
	if m := e.ts.sessionMethods(t, r.str("token")); !slices.Contains(m, "oauth2") {
		t.Errorf("session methods = %v, want oauth2 among them", m)
	}
}

// wantEvent fails unless ev is an @oauth2 event with exactly data want.
func wantEvent(t testing.TB, ev sseEvent, want map[string]string) {
	t.Helper()
	var got map[string]string
	if ev.event != "@oauth2" || json.Unmarshal([]byte(ev.data), &got) != nil || !mapsEqual(got, want) {
		t.Errorf("event = %+v, want @oauth2 with %v", ev, want)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// testOAuthMFA: with MFA on, an OAuth2 login is only the first factor;
// an emailed code with the mfaId completes it.
func testOAuthMFA(t *testing.T) {
	e := oauthScenario(t, "    otp:\n      enabled: true\n    mfa:\n      enabled: true\n")
	const email = "lee@example.com"
	r := e.login(t, opUser{Subject: "sub-lee", Email: email, EmailVerified: true})
	mfaID := e.ts.mfaChallenge(t, r)
	otpID := e.ts.requestOTP(t, email)
	code := e.ts.waitOTP(t, email, 0)
	done := e.ts.otpLogin(t, otpID, code, mfaID).want(t, 200)
	if done.str("record.email") != email || done.str("token") == "" {
		t.Fatalf("OTP with mfaId answered %.300s, want lee's token", done.Raw)
	}
	methods := e.ts.sessionMethods(t, done.str("token"))
	if !slices.Contains(methods, "oauth2") || !slices.Contains(methods, "otp") {
		t.Errorf("session methods = %v, want oauth2 and otp", methods)
	}

	// OAuth2 twice is one method twice.
	mfaID = e.ts.mfaChallenge(t, e.login(t, opUser{Subject: "sub-lee", Email: email, EmailVerified: true}))
	p := e.provider(t)
	r = e.do(t, "POST", "/api/collections/users/auth-with-oauth2?mfaId="+mfaID, map[string]any{
		"provider": "oidc", "code": e.code(t, p, opUser{Subject: "sub-lee", Email: email, EmailVerified: true}),
		"codeVerifier": p.CodeVerifier, "redirectURL": appRedirect,
	})
	checkAPIError(t, "OAuth2 as its own second factor", r, 400, "A different authentication method is required.")
}
