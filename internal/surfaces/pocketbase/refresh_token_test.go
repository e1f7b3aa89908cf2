package pocketbase_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// grace is the refresh reuse grace the refresh-token tests run with.
const grace = 10 * time.Second

func newGraceEnv(t testing.TB) *env {
	t.Helper()
	return newSecEnv(t, func(s *core.Settings) { s.RefreshReuseGrace = grace })
}

func TestWithRefreshTokenShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	login := loginBody("alice@example.com", "password123")

	now := e.clock.Now()
	ab := checkRTAuth(t, e.post(t, rtLoginPath, "", login))
	if want := now.Add(core.DefaultRefreshTTL).UTC().Format("2006-01-02 15:04:05.000Z"); ab.Meta.RefreshTokenExpires != want {
		t.Errorf("refreshTokenExpires = %q, want %q (the collection's refresh TTL)", ab.Meta.RefreshTokenExpires, want)
	}
	if ab.Meta.RefreshToken == ab.Token {
		t.Error("the refresh token is the access token")
	}
	// A second login gets a different refresh token.
	if _, rt2 := e.loginRT(t, "alice@example.com", "password123"); rt2 == ab.Meta.RefreshToken {
		t.Error("two logins share a refresh token")
	}

	// Without the flag (or with any other value) the answer is
	// PocketBase's own: no meta key at all.
	for _, q := range []string{"", "?withRefreshToken=false", "?withRefreshToken=1", "?withRefreshToken=TRUE"} {
		r := e.post(t, loginPath+q, "", login)
		checkAuth(t, r, userKeys)
		if strings.Contains(r.body, `"meta"`) || strings.Contains(r.body, "refreshToken") {
			t.Errorf("login%s answered with a refresh token: %s", q, r.body)
		}
	}
	// A failed login stays a failed login.
	wantError(t, e.post(t, rtLoginPath, "", loginBody("alice@example.com", "wrong-password")), 400, msgFailedAuth, `{}`)
}

func TestAuthWithRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	e := newGraceEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	at0, rt0 := e.loginRT(t, "alice@example.com", "password123")
	sid0 := sid(t, at0)

	e.clock.Advance(time.Minute)
	first := checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt0)+`}`))
	if first.Meta.RefreshToken == rt0 || first.Token == at0 {
		t.Errorf("exchange did not rotate: refresh %q, token %q", first.Meta.RefreshToken, first.Token)
	}
	claims, _ := checkAuth(t, response{status: 200, body: stripMeta(t, first)}, userKeys)
	if claims["sid"] != sid0 || claims["refreshable"] != true {
		t.Errorf("rotated token claims %v, want sid %s and refreshable", claims, sid0)
	}
	if want := e.clock.Now().Add(core.DefaultRefreshTTL).UTC().Format("2006-01-02 15:04:05.000Z"); first.Meta.RefreshTokenExpires != want {
		t.Errorf("rotated refreshTokenExpires = %q, want %q", first.Meta.RefreshTokenExpires, want)
	}
	if !e.alive(t, first.Token) {
		t.Fatal("the rotated access token does not work")
	}

	// An honest retry within the grace window gets the same successor.
	e.clock.Advance(grace / 2)
	retry := checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt0)+`}`))
	if retry.Meta.RefreshToken != first.Meta.RefreshToken || retry.Meta.RefreshTokenExpires != first.Meta.RefreshTokenExpires {
		t.Errorf("retry within grace = %+v, want the successor %+v", retry.Meta, first.Meta)
	}
	if sid(t, retry.Token) != sid0 {
		t.Errorf("retry token sid %s, want %s", sid(t, retry.Token), sid0)
	}

	// A replay after the grace window means the token was copied: 401,
	// and the whole session dies with every token of it.
	e.clock.Advance(grace)
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt0)+`}`), 401, msgBadRefresh, `{}`)
	for name, tok := range map[string]string{"first access": at0, "rotated access": first.Token, "retry access": retry.Token} {
		if e.alive(t, tok) {
			t.Errorf("%s token still works after reuse was detected", name)
		}
	}
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(first.Meta.RefreshToken)+`}`), 401, msgBadRefresh, `{}`)

	// Other sessions of the user are untouched.
	at1, rt1 := e.loginRT(t, "alice@example.com", "password123")
	checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt1)+`}`))
	if !e.alive(t, at1) {
		t.Error("a new session died with the stolen one")
	}
}

// TestRefreshTokenChain: each successor rotates in turn, and the
// session's tokens keep working.
func TestRefreshTokenChain(t *testing.T) {
	t.Parallel()
	e := newGraceEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	at, rt := e.loginRT(t, "alice@example.com", "password123")
	s := sid(t, at)
	seen := map[string]bool{rt: true}
	for range 3 {
		e.clock.Advance(time.Hour)
		ab := checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`))
		if seen[ab.Meta.RefreshToken] || sid(t, ab.Token) != s {
			t.Fatalf("rotation gave %q (seen before: %v), sid %s", ab.Meta.RefreshToken, seen[ab.Meta.RefreshToken], sid(t, ab.Token))
		}
		seen[ab.Meta.RefreshToken] = true
		rt = ab.Meta.RefreshToken
	}
	// Form bodies work like JSON, as on every PocketBase route.
	e.clock.Advance(time.Hour)
	r := e.do(t, request{method: http.MethodPost, path: rtExchange, ctype: "application/x-www-form-urlencoded", body: "refreshToken=" + rt})
	checkRTAuth(t, r)

	// An expired refresh token is refused (and without revoking: there
	// is nothing left to revoke).
	_, old := e.loginRT(t, "alice@example.com", "password123")
	e.clock.Advance(core.DefaultRefreshTTL + time.Second)
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(old)+`}`), 401, msgBadRefresh, `{}`)
}

func TestAuthWithRefreshTokenRejects(t *testing.T) {
	t.Parallel()
	e := newGraceEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	access, userRT := e.loginRT(t, "alice@example.com", "password123")
	e.superuser(t)
	r := e.post(t, supersPath+"/auth-with-password?withRefreshToken=true", "", loginBody(rootEmail, rootPassword))
	wantStatus(t, r, 200)
	var sup rtAuthBody
	decode(t, r.body, &sup)
	if sup.Meta.RefreshToken == "" {
		t.Fatalf("superuser login gave no refresh token: %s", r.body)
	}

	for name, body := range map[string]string{
		"empty":           `{"refreshToken":""}`,
		"absent":          `{}`,
		"no body":         "",
		"garbage":         `{"refreshToken":"garbage"}`,
		"too long":        `{"refreshToken":"` + strings.Repeat("a", 600) + `"}`,
		"access token":    `{"refreshToken":` + jsonString(access) + `}`,
		"truncated":       `{"refreshToken":` + jsonString(userRT[:len(userRT)-1]) + `}`,
		"other's (super)": `{"refreshToken":` + jsonString(sup.Meta.RefreshToken) + `}`,
	} {
		wantErrorNamed(t, name, e.post(t, rtExchange, "", body), 401, msgBadRefresh, `{}`)
	}
	// A user's refresh token does not work on another collection.
	wantError(t, e.post(t, supersPath+"/auth-with-refresh-token", "", `{"refreshToken":`+jsonString(userRT)+`}`), 401, msgBadRefresh, `{}`)
	// Unknown collection, malformed bodies.
	wantError(t, e.post(t, "/api/collections/nope/auth-with-refresh-token", "", `{"refreshToken":`+jsonString(userRT)+`}`), 404,
		"Missing or invalid collection context.", `{}`)
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`), 400, msgLoad, `{}`)
	wantError(t, e.post(t, rtExchange, "", `[1,2]`), 400, msgLoad, `{}`)
	if r := e.post(t, rtExchange, "", `{"refreshToken":123}`); r.status != 400 {
		t.Errorf("refreshToken as a number: %d %s, want 400", r.status, r.body)
	}

	// None of the failed attempts consumed the real tokens: each rotates
	// once.
	checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(userRT)+`}`))
	r = e.post(t, supersPath+"/auth-with-refresh-token", "", `{"refreshToken":`+jsonString(sup.Meta.RefreshToken)+`}`)
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"meta", "record", "token"}) {
		t.Errorf("superuser exchange keys = %v", got)
	}
}

// stripMeta re-renders an auth answer without meta, for checkAuth.
func stripMeta(t testing.TB, ab rtAuthBody) string {
	t.Helper()
	return `{"record":` + string(ab.Record) + `,"token":` + jsonString(ab.Token) + `}`
}

// wantErrorNamed is wantError for a table case.
func wantErrorNamed(t testing.TB, name string, r response, status int, msg, data string) {
	t.Helper()
	if want := errBody(status, msg, data); r.status != status || r.body != want {
		t.Errorf("%s: got %d %s\nwant %d %s", name, r.status, r.body, status, want)
	}
}

// TestRefreshTokenRace: many tabs exchanging one refresh token at once
// all get the same successor, and the session survives.
func TestRefreshTokenRace(t *testing.T) {
	t.Parallel()
	e := newGraceEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	at, rt := e.loginRT(t, "alice@example.com", "password123")
	const n = 8
	got := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i] = e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`) })
	}
	wg.Wait()
	successors := map[string]bool{}
	for _, r := range got {
		successors[checkRTAuth(t, r).Meta.RefreshToken] = true
	}
	if len(successors) != 1 || successors[rt] {
		t.Errorf("%d concurrent exchanges gave successors %v, want one new token", n, successors)
	}
	if !e.alive(t, at) {
		t.Error("the session died from a race of honest retries")
	}
}
