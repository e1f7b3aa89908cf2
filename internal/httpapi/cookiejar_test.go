package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testJar = CookieJar{
	Names:   []string{"refresh", "session"},
	Options: CookieOptions{Secure: true, Domain: "example.com", SameSite: http.SameSiteStrictMode},
}

func TestCookieJarSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		maxAge time.Duration
		want   string
	}{
		{time.Hour, "session=v; Path=/; Domain=example.com; Max-Age=3600; HttpOnly; Secure; SameSite=Strict"},
		{1500 * time.Millisecond, "session=v; Path=/; Domain=example.com; Max-Age=2; HttpOnly; Secure; SameSite=Strict"},
		// Never a browser-session cookie, never a deletion: a second at least.
		{300 * time.Millisecond, "session=v; Path=/; Domain=example.com; Max-Age=1; HttpOnly; Secure; SameSite=Strict"},
		{0, "session=v; Path=/; Domain=example.com; Max-Age=1; HttpOnly; Secure; SameSite=Strict"},
		{-time.Minute, "session=v; Path=/; Domain=example.com; Max-Age=1; HttpOnly; Secure; SameSite=Strict"},
	} {
		got := setCookieHeader(func(w http.ResponseWriter) { testJar.Set(w, "session", "v", tc.maxAge) })
		if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
			t.Errorf("Set(%v) mismatch (-want +got):\n%s", tc.maxAge, diff)
		}
	}
}

func TestCookieJarClear(t *testing.T) {
	t.Parallel()
	got := setCookieHeader(func(w http.ResponseWriter) { testJar.Clear(w, "session") })
	want := []string{"session=; Path=/; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Strict"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Clear mismatch (-want +got):\n%s", diff)
	}
}

func TestCookieJarValue(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "a=1; session=s1; session=s2; empty=")
	for name, want := range map[string]string{"session": "s1", "empty": "", "missing": ""} {
		if got := testJar.Value(r, name); got != want {
			t.Errorf("Value(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestCookieJarClearCarried(t *testing.T) {
	t.Parallel()
	for cookie, want := range map[string][]string{
		"":                        nil,
		"other=1":                 nil,
		"session=s":               {"session="},
		"session=s; refresh=r":    {"refresh=", "session="}, // the jar's order, not the request's
		"refresh=; unrelated=x":   {"refresh="},             // an empty cookie is still carried
		"refresh=r; refresh=old!": {"refresh="},
	} {
		r := httptest.NewRequest(http.MethodPost, "/logout", nil)
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		var got []string
		for _, line := range setCookieHeader(func(w http.ResponseWriter) { testJar.ClearCarried(w, r) }) {
			c, err := http.ParseSetCookie(line)
			if err != nil || c.MaxAge != -1 || c.Domain != "example.com" {
				t.Errorf("%q: %q is not a deletion with the jar's attributes", cookie, line)
			}
			got = append(got, c.Name+"="+c.Value)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ClearCarried(%q) mismatch (-want +got):\n%s", cookie, diff)
		}
	}
}

// TestCookieJarCSRF checks the jar's CSRF judges requests carrying any of
// its cookies, and only those.
func TestCookieJarCSRF(t *testing.T) {
	t.Parallel()
	h := testJar.CSRF(CSRFOptions{CookieNames: []string{"ignored"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for cookie, want := range map[string]int{
		"":          http.StatusNoContent, // no auth cookie: nothing a browser sends on its own
		"ignored=1": http.StatusNoContent, // the jar's names replace the options'
		"session=s": http.StatusForbidden,
		"refresh=r": http.StatusForbidden,
	} {
		r := httptest.NewRequest(http.MethodPost, "http://auth.example.com/x", nil)
		r.Header.Set("Origin", "https://evil.example")
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("cross-site POST with %q = %d, want %d", cookie, w.Code, want)
		}
	}
}
