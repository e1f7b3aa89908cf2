package pocketbase_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Paths and messages of the extension routes.
const (
	sessionsPath  = usersPath + "/sessions"
	rtLoginPath   = loginPath + "?withRefreshToken=true"
	rtExchange    = usersPath + "/auth-with-refresh-token"
	auditPath     = "/api/audit"
	msgBadRefresh = "Invalid or expired refresh token."
	msgFailedAuth = "Failed to authenticate."
	msgNotFound   = "The requested resource wasn't found."
	msgNotAllowed = "The authorized record is not allowed to perform this action."
	tooMany       = `{"data":{},"message":"Too Many Requests.","status":429}` + "\n"
)

// newSecEnv is newEnv with settings of its own (rate limits, lockout,
// refresh grace): mod changes them before the service is built.
func newSecEnv(t testing.TB, mod func(*core.Settings)) *env {
	t.Helper()
	return newEnvWith(t, func(c *config) { c.Core.Settings = mod })
}

// loginBody is the JSON body of a password login.
func loginBody(identity, password string) string {
	return `{"identity":` + jsonString(identity) + `,"password":` + jsonString(password) + `}`
}

// rtAuthBody is an auth response that carries a refresh token.
type rtAuthBody struct {
	Meta struct {
		RefreshToken        string `json:"refreshToken"`
		RefreshTokenExpires string `json:"refreshTokenExpires"`
	} `json:"meta"`
	Record json.RawMessage `json:"record"`
	Token  string          `json:"token"`
}

// checkRTAuth asserts an auth answer with meta first (meta, record, token
// in that order; meta's two keys in theirs) and returns it decoded.
func checkRTAuth(t testing.TB, r response) rtAuthBody {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"meta", "record", "token"}) {
		t.Errorf("auth response keys = %v, want [meta record token]", got)
	}
	var raw struct {
		Meta json.RawMessage `json:"meta"`
	}
	decode(t, r.body, &raw)
	if got := objectKeys(t, raw.Meta); !equalSlices(got, []string{"refreshToken", "refreshTokenExpires"}) {
		t.Errorf("meta keys = %v, want [refreshToken refreshTokenExpires]", got)
	}
	var ab rtAuthBody
	decode(t, r.body, &ab)
	checkRecord(t, ab.Record, userKeys)
	if len(ab.Meta.RefreshToken) < 32 || strings.Count(ab.Meta.RefreshToken, ".") == 2 {
		t.Errorf("refresh token %q is not an opaque random string", ab.Meta.RefreshToken)
	}
	if !datePattern.MatchString(ab.Meta.RefreshTokenExpires) {
		t.Errorf("refreshTokenExpires %q not in PocketBase's format", ab.Meta.RefreshTokenExpires)
	}
	return ab
}

// loginRT logs in with ?withRefreshToken=true and returns the access
// and refresh tokens.
func (e *env) loginRT(t testing.TB, email, password string) (access, refresh string) {
	t.Helper()
	ab := checkRTAuth(t, e.post(t, rtLoginPath, "", loginBody(email, password)))
	return ab.Token, ab.Meta.RefreshToken
}

// loginAs logs in with a User-Agent and returns the access token.
func (e *env) loginAs(t testing.TB, email, password, userAgent string) string {
	t.Helper()
	r := e.do(t, request{method: http.MethodPost, path: loginPath, body: loginBody(email, password),
		header: map[string]string{"User-Agent": userAgent}})
	wantStatus(t, r, http.StatusOK)
	var ab authBody
	decode(t, r.body, &ab)
	return ab.Token
}

// sid returns the session id an access token carries.
func sid(t testing.TB, token string) string {
	t.Helper()
	_, claims := jwtParts(t, token)
	s, _ := claims["sid"].(string)
	if s == "" {
		t.Fatalf("token claims %v carry no sid", claims)
	}
	return s
}

// alive reports whether an access token still authenticates (auth-refresh
// answers 200), and fails on any answer but 200 or the 401 of a dead
// token.
func (e *env) alive(t testing.TB, token string) bool {
	t.Helper()
	r := e.post(t, refreshPath, token, "")
	switch r.status {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		wantError(t, r, 401, msgNeedToken, `{}`)
		return false
	}
	t.Fatalf("auth-refresh: %d %s", r.status, r.body)
	return false
}

// sessionItem is one entry of a sessions list.
type sessionItem struct {
	ID           string   `json:"id"`
	Created      string   `json:"created"`
	LastUsed     string   `json:"lastUsed"`
	Expires      string   `json:"expires"`
	IP           string   `json:"ip"`
	UserAgent    string   `json:"userAgent"`
	Methods      []string `json:"methods"`
	Impersonated bool     `json:"impersonated"`
	Current      bool     `json:"current"`
}

// sessionKeys are a session's keys in wire order.
var sessionKeys = []string{"created", "current", "expires", "id", "impersonated", "ip", "lastUsed", "methods", "userAgent"}

// listKeys are PocketBase's list keys in wire order.
var listKeys = []string{"items", "page", "perPage", "totalItems", "totalPages"}

// pagedList is PocketBase's list shape with raw items.
type pagedList struct {
	Items      []json.RawMessage `json:"items"`
	Page       int               `json:"page"`
	PerPage    int               `json:"perPage"`
	TotalItems int               `json:"totalItems"`
	TotalPages int               `json:"totalPages"`
}

// checkList asserts a 200 list in PocketBase's shape whose items have
// exactly itemKeys, and returns it.
func checkList(t testing.TB, r response, itemKeys []string) pagedList {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, listKeys) {
		t.Errorf("list keys = %v, want %v", got, listKeys)
	}
	var l pagedList
	decode(t, r.body, &l)
	for _, it := range l.Items {
		if got := objectKeys(t, it); !equalSlices(got, itemKeys) {
			t.Errorf("item keys = %v, want %v", got, itemKeys)
		}
	}
	return l
}

// sessions lists sessions at path and checks each item's formats.
func (e *env) sessions(t testing.TB, path, token string) []sessionItem {
	t.Helper()
	l := checkList(t, e.get(t, path, token), sessionKeys)
	if l.TotalItems != len(l.Items) || l.Page != 1 {
		t.Errorf("sessions list paging = page %d, totalItems %d for %d items", l.Page, l.TotalItems, len(l.Items))
	}
	out := make([]sessionItem, len(l.Items))
	for i, raw := range l.Items {
		decode(t, string(raw), &out[i])
		s := out[i]
		if !idPattern.MatchString(s.ID) {
			t.Errorf("session id %q", s.ID)
		}
		for _, d := range []string{s.Created, s.LastUsed, s.Expires} {
			if !datePattern.MatchString(d) {
				t.Errorf("session date %q not in PocketBase's format", d)
			}
		}
	}
	return out
}

// sessionIDs returns the ids of a sessions list.
func sessionIDs(list []sessionItem) map[string]bool {
	ids := map[string]bool{}
	for _, s := range list {
		ids[s.ID] = true
	}
	return ids
}
