package pocketbase_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// annUser is the provider account most tests sign in with.
func annUser(expiry time.Time) core.OAuthUser {
	return core.OAuthUser{
		ID: "g-1", Email: "ann@example.com", EmailVerified: true, Name: "Ann", Username: "ann_u",
		AvatarURL: "https://img.test/a.png", AccessToken: "at-1", RefreshToken: "prt-1", Expiry: expiry,
		Raw: map[string]any{"sub": "g-1", "n": 1.5},
	}
}

func TestAuthWithOAuth2NewThenReturning(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 600e6, time.UTC)
	p.Set("c1", annUser(expiry))

	a := e.oauthLogin(t, "", "c1")
	want := map[string]any{
		"accessToken": "at-1", "avatarURL": "https://img.test/a.png", "avatarUrl": "https://img.test/a.png",
		"email": "ann@example.com", "expiry": "2030-01-02 03:04:05.600Z", "id": "g-1", "isNew": true,
		"name": "Ann", "rawUser": map[string]any{"sub": "g-1", "n": 1.5}, "refreshToken": "prt-1", "username": "ann_u",
	}
	if diff := cmp.Diff(want, a.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if a.rec.Email == nil || *a.rec.Email != "ann@example.com" || !a.rec.Verified || a.rec.Name == nil || *a.rec.Name != "Ann" {
		t.Errorf("new record = %+v: want the provider's verified email and name", a.rec)
	}
	if got := p.Last(); got != (surfacetest.Exchanged{Code: "c1", Verifier: "verifier-1", Redirect: "https://app.test/cb"}) {
		t.Errorf("exchange got %+v", got)
	}
	// Core names each method's amr; an OAuth2 login must not leave an
	// empty one.
	if m := e.methodsOf(t, "users", a.Token); !equalSlices(m, []string{"oauth2"}) {
		t.Errorf("session methods = %q, want [oauth2]", m)
	}

	// Returning: the same record, not new; a zero expiry and no raw user
	// are "" and null.
	p.Set("c2", core.OAuthUser{ID: "g-1", Email: "ann@example.com", EmailVerified: true})
	r := e.post(t, oauthPath, "", oauthBody("c2"))
	b := checkOAuth(t, r, metaKeys, userKeys)
	if b.rec.ID != a.rec.ID || b.Meta["isNew"] != false || b.Meta["expiry"] != "" || b.Meta["rawUser"] != nil {
		t.Errorf("returning login: record %s (want %s), meta %v", b.rec.ID, a.rec.ID, b.Meta)
	}
}

func TestAuthWithOAuth2CreateData(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	p.Set("c1", annUser(time.Time{}))
	r := e.post(t, oauthPath, "", `{"provider":"fake","code":"c1","createData":{"name":"Chosen","emailVisibility":true}}`)
	a := checkOAuth(t, r, metaKeys, userKeys)
	if a.rec.Name == nil || *a.rec.Name != "Chosen" || !a.rec.EmailVisibility {
		t.Errorf("created record = %+v, want createData's name and emailVisibility", a.rec)
	}
	// createData applies on create only.
	r = e.post(t, oauthPath, "", `{"provider":"fake","code":"c1","createData":{"name":"Other","emailVisibility":false}}`)
	b := checkOAuth(t, r, metaKeys, userKeys)
	if b.rec.ID != a.rec.ID || *b.rec.Name != "Chosen" || !b.rec.EmailVisibility {
		t.Errorf("returning record = %+v, want it unchanged", b.rec)
	}
	// Wrong types in createData are a body error, not a silent drop.
	for _, body := range []string{
		`{"provider":"fake","code":"c1","createData":"x"}`,
		`{"provider":"fake","code":"c1","createData":{"name":5}}`,
		`{"provider":"fake","code":"c1","createData":{"emailVisibility":"maybe"}}`,
	} {
		wantError(t, e.post(t, oauthPath, "", body), 400, msgLoad, `{}`)
	}
}

func TestAuthWithOAuth2RedirectURLSpellings(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	p.Set("c1", annUser(time.Time{}))
	for _, tc := range []struct{ body, want string }{
		{`{"provider":"fake","code":"c1","redirectUrl":"https://legacy.test/cb"}`, "https://legacy.test/cb"},
		{`{"provider":"fake","code":"c1","redirectURL":"https://new.test/cb","redirectUrl":"https://legacy.test/cb"}`, "https://new.test/cb"},
	} {
		checkOAuth(t, e.post(t, oauthPath, "", tc.body), metaKeys, userKeys)
		if got := p.Last().Redirect; got != tc.want {
			t.Errorf("%s: provider got redirect %q, want %q", tc.body, got, tc.want)
		}
	}
	// A form body works too (the SDK sends JSON; PocketBase binds forms).
	r := e.do(t, request{method: http.MethodPost, path: oauthPath, ctype: "application/x-www-form-urlencoded",
		body: "provider=fake&code=c1&codeVerifier=v2&redirectUrl=https%3A%2F%2Fform.test%2Fcb"})
	checkOAuth(t, r, metaKeys, userKeys)
	if got := p.Last(); got != (surfacetest.Exchanged{Code: "c1", Verifier: "v2", Redirect: "https://form.test/cb"}) {
		t.Errorf("form exchange = %+v", got)
	}
}

func TestAuthWithOAuth2WithRefreshToken(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	p.Set("c1", annUser(time.Time{}))
	now := e.clock.Now()
	r := e.post(t, oauthPath+"?withRefreshToken=true", "", oauthBody("c1"))
	a := checkOAuth(t, r, metaKeysRT, userKeys)
	rt, _ := a.Meta["refreshToken"].(string)
	if a.Meta["providerRefreshToken"] != "prt-1" || rt == "" || rt == "prt-1" || rt == a.Token {
		t.Errorf("meta = %v: want Gatehouse's refresh token in refreshToken and the provider's in providerRefreshToken", a.Meta)
	}
	if want := now.Add(core.DefaultRefreshTTL).UTC().Format("2006-01-02 15:04:05.000Z"); a.Meta["refreshTokenExpires"] != want {
		t.Errorf("refreshTokenExpires = %v, want %s", a.Meta["refreshTokenExpires"], want)
	}
	// It is a working Gatehouse refresh token.
	ex := checkRTAuth(t, e.post(t, usersPath+"/auth-with-refresh-token", "", `{"refreshToken":`+jsonString(rt)+`}`))
	if ex.Meta.RefreshToken == rt {
		t.Error("the refresh token did not rotate")
	}
	// Without the flag meta.refreshToken is the provider's, PocketBase's
	// meaning.
	b := e.oauthLogin(t, "", "c1")
	if b.Meta["refreshToken"] != "prt-1" {
		t.Errorf("meta.refreshToken without the flag = %v, want the provider's", b.Meta["refreshToken"])
	}
}

func TestAuthWithOAuth2Errors(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	p.Set("c1", annUser(time.Time{}))

	wantError(t, e.post(t, oauthPath, "", oauthBody(surfacetest.CodeTokenFails)), 400, msgOAuthToken, `{}`)
	wantError(t, e.post(t, oauthPath, "", oauthBody("never-issued")), 400, msgOAuthToken, `{}`)
	wantError(t, e.post(t, oauthPath, "", oauthBody(surfacetest.CodeUserFails)), 400, msgOAuthUser, `{}`)
	// A provider answer without an id is a failed user fetch.
	p.Set("no-id", core.OAuthUser{Email: "x@example.com", EmailVerified: true})
	wantError(t, e.post(t, oauthPath, "", oauthBody("no-id")), 400, msgOAuthUser, `{}`)

	for _, tc := range []struct{ body string }{
		{`{"provider":1,"code":"c1"}`},
		{`{"provider":"fake","code":["c1"]}`},
		{`{"provider":"fake","code":"c1","mfaId":7}`},
		{`{"provider":`},
	} {
		wantError(t, e.post(t, oauthPath, "", tc.body), 400, msgLoad, `{}`)
	}
	wantError(t, e.post(t, "/api/collections/nope/auth-with-oauth2", "", oauthBody("c1")), 404, "Missing or invalid collection context.", `{}`)
	// _superusers has no OAuth2.
	wantError(t, e.post(t, "/api/collections/_superusers/auth-with-oauth2", "", oauthBody("c1")), 403, msgOAuthOff, `{}`)

	c, _ := e.svc.Collection("users")
	c.OAuth2.Enabled = false
	wantError(t, e.post(t, oauthPath, "", oauthBody("c1")), 403, msgOAuthOff, `{}`)
	wantError(t, e.post(t, oauthPath, "", `{}`), 403, msgOAuthOff, `{}`)
	c.OAuth2.Enabled = true

	// No record to sign in and public sign-up off.
	c.PublicSignup = false
	p.Set("stranger", core.OAuthUser{ID: "g-9", Email: "nobody@example.com", EmailVerified: true})
	wantError(t, e.post(t, oauthPath, "", oauthBody("stranger")), 400, "Failed to authenticate.", `{}`)
}

// TestAuthWithOAuth2Validation pins the spec's errors table: PocketBase
// answers auth-with-oauth2's field errors with "An error occurred while
// loading the submitted data." (its form is bound and validated in one
// step), not with the "validating" message other routes use.
func TestAuthWithOAuth2Validation(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, nil, surfacetest.NewProvider("fake", true))
	wantFields(t, e.post(t, oauthPath, "", `{}`), 400, msgLoad,
		map[string]string{"provider": "validation_required", "code": "validation_required"})
	wantFields(t, e.post(t, oauthPath, "", `{"provider":"fake"}`), 400, msgLoad,
		map[string]string{"code": "validation_required"})
	r := e.post(t, oauthPath, "", `{"provider":"nope","code":"c1"}`)
	wantFields(t, r, 400, msgLoad, map[string]string{"provider": "validation_invalid_provider"})
	if got := fieldCode(t, r, "provider"); got != "validation_invalid_provider" {
		t.Errorf("data.provider.code = %q", got)
	}
	// PocketBase refuses a collection without OAuth2 before it reads the
	// body, so even an unreadable body gets the 403.
	c, _ := e.svc.Collection("users")
	c.OAuth2.Enabled = false
	wantError(t, e.post(t, oauthPath, "", `{"provider":`), 403, msgOAuthOff, `{}`)
}

func TestAuthWithOAuth2UnverifiedEmailDoesNotLink(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	aliceID := e.signUp(t, "alice@example.com", alicePassword)
	// A provider account claiming alice's address without vouching for
	// it gets a record of its own, without that email.
	p.Set("c1", core.OAuthUser{ID: "evil", Email: "alice@example.com", EmailVerified: false})
	a := checkOAuth(t, e.post(t, oauthPath, "", oauthBody("c1")), metaKeys, userKeys)
	if a.rec.ID == aliceID || a.Meta["isNew"] != true || a.rec.Email == nil || *a.rec.Email != "" {
		t.Errorf("unverified email: record %+v isNew %v, want a new record without alice's email", a.rec, a.Meta["isNew"])
	}
	// alice still signs in with her password.
	e.login(t, "users", "alice@example.com", alicePassword)
}

func TestAuthWithOAuth2LinksSignedInUser(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	alice, aliceID := e.user(t, "alice@example.com")
	p.Set("c1", core.OAuthUser{ID: "gh-7", Email: "other@example.com", EmailVerified: true})
	a := e.oauthLogin(t, alice, "c1")
	if a.rec.ID != aliceID || a.Meta["isNew"] != false {
		t.Fatalf("linking answered record %s isNew %v, want alice", a.rec.ID, a.Meta["isNew"])
	}
	// Next time, as a guest, the provider account signs in as alice.
	if b := e.oauthLogin(t, "", "c1"); b.rec.ID != aliceID {
		t.Errorf("linked login = %s, want alice %s", b.rec.ID, aliceID)
	}
	// A second account of the same provider cannot be linked to alice.
	p.Set("c2", core.OAuthUser{ID: "gh-8"})
	wantError(t, e.post(t, oauthPath, alice, oauthBody("c2")), 400, "Failed to authenticate.", `{}`)
}

func TestAuthWithOAuth2MFA(t *testing.T) {
	t.Parallel()
	p := surfacetest.NewProvider("fake", true)
	e := newOAuthEnv(t, nil, p)
	alice, aliceID := e.user(t, "alice@example.com")
	p.Set("c1", core.OAuthUser{ID: "g-a", Email: "alice@example.com", EmailVerified: true})
	e.oauthLogin(t, alice, "c1") // link before MFA is on
	e.factors(t, "users", false, true)

	// OAuth2 first: 401 {mfaId}; the password completes it.
	mfaID := e.wantMFA(t, request{method: http.MethodPost, path: oauthPath, body: oauthBody("c1")})
	tok, rec := authOK(t, e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123","mfaId":"`+mfaID+`"}`), userKeys)
	if rec.ID != aliceID {
		t.Errorf("MFA login as %s, want %s", rec.ID, aliceID)
	}
	if m := e.methodsOf(t, "users", tok); !equalSlices(m, []string{"oauth2", "pwd", "mfa"}) {
		t.Errorf("methods = %q, want [oauth2 pwd mfa]", m)
	}
	// Password first: OAuth2 completes it, with mfaId in the body or the
	// query.
	for _, inQuery := range []bool{false, true} {
		mfaID = e.wantMFA(t, passwordFirst)
		path, body := oauthPath, `{"provider":"fake","code":"c1","mfaId":"`+mfaID+`"}`
		if inQuery {
			path, body = oauthPath+"?mfaId="+mfaID, oauthBody("c1")
		}
		a := checkOAuth(t, e.post(t, path, "", body), metaKeys, userKeys)
		if m := e.methodsOf(t, "users", a.Token); !equalSlices(m, []string{"pwd", "oauth2", "mfa"}) {
			t.Errorf("methods = %q, want [pwd oauth2 mfa]", m)
		}
	}
	// OAuth2 twice is not two factors.
	mfaID = e.wantMFA(t, request{method: http.MethodPost, path: oauthPath, body: oauthBody("c1")})
	wantError(t, e.post(t, oauthPath, "", `{"provider":"fake","code":"c1","mfaId":"`+mfaID+`"}`), 400, msgSameMethod, `{}`)
}
