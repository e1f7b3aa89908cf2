package pocketbase_test

import (
	"strings"
	"testing"
	"time"
)

const msgNeedToken = "The request requires valid record authorization token."

// checkAuth asserts an auth response's shape and returns its token claims
// and record.
func checkAuth(t testing.TB, r response, keys []string) (map[string]any, record) {
	t.Helper()
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"record", "token"}) {
		t.Errorf("auth response keys = %v, want [record token]", got)
	}
	var ab authBody
	decode(t, r.body, &ab)
	rec := checkRecord(t, ab.Record, keys)
	header, claims := jwtParts(t, ab.Token)
	if header["alg"] != "EdDSA" || header["kid"] == "" || header["kid"] == nil {
		t.Errorf("token header = %v, want alg EdDSA with a kid", header)
	}
	for _, k := range []string{"id", "collectionId", "type", "exp", "refreshable", "sid", "sub", "iat", "iss"} {
		if _, ok := claims[k]; !ok {
			t.Errorf("token claims %v lack %q", claims, k)
		}
	}
	if claims["id"] != rec.ID || claims["sub"] != rec.ID || claims["collectionId"] != rec.CollectionID || claims["type"] != "auth" {
		t.Errorf("token claims %v do not match record %+v", claims, rec)
	}
	return claims, rec
}

func lifetime(claims map[string]any) float64 {
	exp, _ := claims["exp"].(float64)
	iat, _ := claims["iat"].(float64)
	return exp - iat
}

func TestAuthWithPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	r := e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123"}`)
	claims, rec := checkAuth(t, r, userKeys)
	if *rec.Email != "alice@example.com" || rec.EmailVisibility {
		t.Errorf("auth record = %+v: the email must show even when not public", rec)
	}
	if claims["refreshable"] != true || lifetime(claims) != 432000 || claims["iss"] != "http://app.test" {
		t.Errorf("user token claims = %v", claims)
	}

	r = e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123","identityField":"email"}`)
	checkAuth(t, r, userKeys)

	e.superuser(t)
	r = e.post(t, "/api/collections/_superusers/auth-with-password", "", `{"identity":"root@example.com","password":"rootpassword"}`)
	claims, rec = checkAuth(t, r, superuserKeys)
	if !rec.Verified || rec.CollectionID != "pbc_3142635823" || lifetime(claims) != 86400 {
		t.Errorf("superuser auth = %+v, claims %v", rec, claims)
	}
	// Superusers log in only through their own collection.
	wantError(t, e.post(t, loginPath, "", `{"identity":"root@example.com","password":"rootpassword"}`), 400, "Failed to authenticate.", `{}`)
}

func TestAuthWithPasswordValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	long := strings.Repeat("a", 256)
	r := e.post(t, loginPath, "", `{"identity":"`+long+`","password":"password123"}`)
	wantError(t, r, 400, msgValidation,
		`{"identity":{"code":"validation_length_out_of_range","message":"The length must be between 1 and 255.","params":{"max":255,"min":1}}}`)
	// Identities are matched exactly, as PocketBase's default index does.
	r = e.post(t, loginPath, "", `{"identity":"ALICE@example.com","password":"password123"}`)
	wantError(t, r, 400, "Failed to authenticate.", `{}`)
	e.signUp(t, "ALICE@example.com", "password456")
	e.login(t, "users", "ALICE@example.com", "password456")
	e.login(t, "users", "alice@example.com", "password123")
}

func TestAuthorizationHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token, _ := e.user(t, "alice@example.com")
	for _, h := range []string{token, "Bearer " + token, "bearer " + token, "BEARER " + token, "  Bearer   " + token + "  "} {
		r := e.post(t, refreshPath, h, "")
		claims, _ := checkAuth(t, r, userKeys)
		if claims["refreshable"] != true {
			t.Errorf("refreshed token claims = %v", claims)
		}
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token, _ := e.user(t, "alice@example.com")
	e.clock.Advance(time.Hour)
	r := e.post(t, refreshPath, token, "")
	claims, rec := checkAuth(t, r, userKeys)
	_, old := jwtParts(t, token)
	if claims["exp"].(float64) <= old["exp"].(float64) || claims["sid"] != old["sid"] || *rec.Email != "alice@example.com" {
		t.Errorf("refresh claims %v, before %v", claims, old)
	}
	// The token body carries no cookie and no query fallback.
	r = e.do(t, request{method: "POST", path: refreshPath + "?token=" + token, header: map[string]string{"Cookie": "pb_auth=" + token}})
	wantError(t, r, 401, msgNeedToken, `{}`)
}

func TestRefreshRejects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	user, _ := e.user(t, "alice@example.com")
	super, _ := e.superuser(t)
	// The signature's first character changes (its last ones carry
	// padding bits a decoder may ignore, so changing them could leave the
	// signature as it was).
	sig := strings.LastIndexByte(user, '.') + 1
	swap := byte('A')
	if user[sig] == 'A' {
		swap = 'B'
	}
	tampered := user[:sig] + string(swap) + user[sig+1:]
	for _, tok := range []string{"", "garbage", "Bearer", "Bearer ", tampered, "a.b.c", strings.Repeat("x", 10000)} {
		wantError(t, e.post(t, refreshPath, tok, ""), 401, msgNeedToken, `{}`)
	}
	wantError(t, e.post(t, refreshPath, super, ""), 403, "The request requires auth record from _superusers collection.", `{}`)
	wantError(t, e.post(t, "/api/collections/_superusers/auth-refresh", user, ""), 403,
		"The request requires auth record from users collection.", `{}`)
	wantError(t, e.post(t, "/api/collections/users/request-email-change", super, `{"newEmail":"x@example.com"}`), 403,
		"The request requires auth record from _superusers collection.", `{}`)

	// Tokens expire on the service clock.
	e.clock.Advance(432000*time.Second + time.Minute)
	wantError(t, e.post(t, refreshPath, user, ""), 401, msgNeedToken, `{}`)
}

// TestInvalidTokenIsGuest: a bad token never fails a route a guest may
// use; the request simply continues as a guest.
func TestInvalidTokenIsGuest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	for _, tok := range []string{"garbage", "Bearer garbage", "x.y.z"} {
		wantStatus(t, e.post(t, "/api/collections/users/request-password-reset", tok, `{"email":"alice@example.com"}`), 204)
		r := e.get(t, usersRecords, tok)
		if want := `{"items":[],"page":1,"perPage":30,"totalItems":0,"totalPages":0}` + "\n"; r.body != want {
			t.Errorf("list with token %q = %d %s", tok, r.status, r.body)
		}
		wantStatus(t, e.post(t, loginPath, tok, `{"identity":"alice@example.com","password":"password123"}`), 200)
		wantStatus(t, e.get(t, "/api/collections/users/auth-methods", tok), 200)
		wantStatus(t, e.get(t, "/api/health", tok), 200)
	}
	// A one-time token is not an auth token.
	reset := e.mailTo(t, "alice@example.com")
	wantError(t, e.post(t, refreshPath, reset, ""), 401, msgNeedToken, `{}`)
}
