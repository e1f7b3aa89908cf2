package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// setCookieHeader returns the Set-Cookie lines fn writes.
func setCookieHeader(fn func(w http.ResponseWriter)) []string {
	rec := httptest.NewRecorder()
	fn(rec)
	return rec.Header().Values("Set-Cookie")
}

func TestSetCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		value  string
		maxAge time.Duration
		opts   CookieOptions
		want   string
	}{
		{name: "defaults", value: "v1", maxAge: time.Hour,
			want: "gh_session=v1; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"},
		{name: "secure with domain and path", value: "v2", maxAge: 2 * time.Minute,
			opts: CookieOptions{Secure: true, Domain: "example.com", Path: "/api"},
			want: "gh_session=v2; Path=/api; Domain=example.com; Max-Age=120; HttpOnly; Secure; SameSite=Lax"},
		{name: "strict", value: "v3", maxAge: time.Second, opts: CookieOptions{SameSite: http.SameSiteStrictMode},
			want: "gh_session=v3; Path=/; Max-Age=1; HttpOnly; SameSite=Strict"},
		{name: "none", value: "v4", maxAge: time.Second, opts: CookieOptions{Secure: true, SameSite: http.SameSiteNoneMode},
			want: "gh_session=v4; Path=/; Max-Age=1; HttpOnly; Secure; SameSite=None"},
		{name: "default mode means lax", value: "v5", maxAge: time.Second, opts: CookieOptions{SameSite: http.SameSiteDefaultMode},
			want: "gh_session=v5; Path=/; Max-Age=1; HttpOnly; SameSite=Lax"},
		{name: "sub-second rounds up", value: "v6", maxAge: 1500 * time.Millisecond,
			want: "gh_session=v6; Path=/; Max-Age=2; HttpOnly; SameSite=Lax"},
		{name: "session cookie", value: "v7",
			want: "gh_session=v7; Path=/; HttpOnly; SameSite=Lax"},
		{name: "negative deletes", value: "v8", maxAge: -time.Second,
			want: "gh_session=v8; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := setCookieHeader(func(w http.ResponseWriter) { SetCookie(w, "gh_session", tt.value, tt.maxAge, tt.opts) })
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("Set-Cookie mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetCookieInvalidNameWritesNothing(t *testing.T) {
	t.Parallel()
	if got := setCookieHeader(func(w http.ResponseWriter) { SetCookie(w, "bad name;", "v", time.Hour, CookieOptions{}) }); len(got) != 0 {
		t.Errorf("Set-Cookie = %q, want none", got)
	}
}

func TestClearCookie(t *testing.T) {
	t.Parallel()
	got := setCookieHeader(func(w http.ResponseWriter) {
		ClearCookie(w, "gh_session", CookieOptions{Secure: true, Domain: "example.com", Path: "/api"})
	})
	want := []string{"gh_session=; Path=/api; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Set-Cookie mismatch (-want +got):\n%s", diff)
	}
}

// TestSetCookieExpires: with Expires on, a cookie with a lifetime also
// carries an Expires that many seconds ahead; a deletion keeps the epoch.
func TestSetCookieExpires(t *testing.T) {
	t.Parallel()
	before := time.Now().Add(time.Hour).Truncate(time.Second)
	got := setCookieHeader(func(w http.ResponseWriter) {
		SetCookie(w, "payload-token", "v", time.Hour, CookieOptions{Expires: true})
	})
	after := time.Now().Add(time.Hour + time.Second)
	c, err := http.ParseSetCookie(got[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxAge != 3600 || c.Expires.Before(before) || c.Expires.After(after) {
		t.Errorf("Set-Cookie %q: want Max-Age=3600 and Expires about an hour ahead", got[0])
	}
	del := setCookieHeader(func(w http.ResponseWriter) { ClearCookie(w, "payload-token", CookieOptions{Expires: true}) })
	if want := "payload-token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"; del[0] != want {
		t.Errorf("clear = %q, want %q", del[0], want)
	}
}
