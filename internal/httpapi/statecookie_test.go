package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStateCookieAttributes checks a state cookie is always HttpOnly and
// SameSite=Lax, whatever SameSite the deployment's cookies use, and
// keeps their Secure, Domain and Path.
func TestStateCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts CookieOptions
		ttl  time.Duration
		want string
	}{
		{CookieOptions{}, 5 * time.Minute, "oauth2.github=st; Path=/; Max-Age=300; HttpOnly; SameSite=Lax"},
		{CookieOptions{SameSite: http.SameSiteStrictMode}, time.Minute, "oauth2.github=st; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"},
		{CookieOptions{Secure: true, Domain: "example.com", Path: "/auth", SameSite: http.SameSiteNoneMode}, time.Minute,
			"oauth2.github=st; Path=/auth; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=Lax"},
		{CookieOptions{}, 10 * time.Millisecond, "oauth2.github=st; Path=/; Max-Age=1; HttpOnly; SameSite=Lax"},
	} {
		sc := StateCookie{Prefix: "oauth2.", Options: tc.opts}
		got := setCookieHeader(func(w http.ResponseWriter) { sc.Set(w, "github", "st", tc.ttl) })
		if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
			t.Errorf("Set with %+v mismatch (-want +got):\n%s", tc.opts, diff)
		}
	}
	if got := (StateCookie{Prefix: "oauth2."}).Name("google"); got != "oauth2.google" {
		t.Errorf("Name = %q", got)
	}
}

// TestStateCookieTake checks Take returns the provider's state and
// deletes it (with the attributes it was set with), and leaves other
// providers' states alone.
func TestStateCookieTake(t *testing.T) {
	t.Parallel()
	sc := StateCookie{Prefix: "oauth2.", Options: CookieOptions{Secure: true, SameSite: http.SameSiteStrictMode}}
	for _, tc := range []struct {
		cookie, want string
		cleared      []string
	}{
		{"oauth2.github=st1; oauth2.google=st2", "st1",
			[]string{"oauth2.github=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax"}},
		{"oauth2.google=st2", "", nil},
		{"oauth2.github=", "", nil},
		{"", "", nil},
	} {
		r := httptest.NewRequest(http.MethodGet, "/callback", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", tc.cookie)
		}
		var got string
		cleared := setCookieHeader(func(w http.ResponseWriter) { got = sc.Take(w, r, "github") })
		if got != tc.want {
			t.Errorf("Take with %q = %q, want %q", tc.cookie, got, tc.want)
		}
		if diff := cmp.Diff(tc.cleared, cleared); diff != "" {
			t.Errorf("Take with %q: Set-Cookie mismatch (-want +got):\n%s", tc.cookie, diff)
		}
	}
}
