package surfacetest_test

import (
	"encoding/base32"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// seen is what the echo surface received in one request.
type seen struct {
	Method, Path, Query, ContentType, Authorization, Header, ClientIP string
	Cookies                                                           map[string]string
	Body                                                              string
	HasBody                                                           bool
}

// echo is a stand-in surface: it records every Deps it is built from and
// answers /echo with what it received, /cookie with two cookies,
// /redirect with a redirect and /slow after a pause.
type echo struct {
	mu    sync.Mutex
	built []surfaces.Deps
}

func (e *echo) build(d surfaces.Deps) (http.Handler, error) {
	e.mu.Lock()
	e.built = append(e.built, d)
	e.mu.Unlock()
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"),
			Authorization: r.Header.Get("Authorization"), Header: r.Header.Get("X-Test"),
			ClientIP: httpapi.ClientIPFrom(r.Context()), Cookies: map[string]string{}, Body: string(b), HasBody: r.ContentLength != 0}
		for _, c := range r.Cookies() {
			s.Cookies[c.Name] = c.Value
		}
		w.Header().Set("X-Echo", "yes")
		json.NewEncoder(w).Encode(s)
	})
	mux.HandleFunc("/cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2", MaxAge: 60})
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
	})
	return mux, nil
}

func (e *echo) deps() []surfaces.Deps {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]surfaces.Deps(nil), e.built...)
}

func decodeSeen(t *testing.T, r surfacetest.Response) seen {
	t.Helper()
	var s seen
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, body %q", r.Status, r.Body)
	}
	if err := json.Unmarshal([]byte(r.Body), &s); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	return s
}

// Start builds the core as told and hands the surface that core's
// Service with the test's deps; the surface sits behind ClientIP.
func TestStartBuildsFromDeps(t *testing.T) {
	t.Parallel()
	var e echo
	done := make(chan struct{})
	var heard bool
	s := surfacetest.Start(t, surfacetest.Options{
		Core: coretest.Options{Collections: func(users, _ *core.Collection) { users.OTP.Enabled = true }},
		Deps: surfacetest.Deps{BodyLimit: 1234, Done: done, OnRoute: func(*http.Request, string) { heard = true }},
	}, e.build)
	built := e.deps()
	if len(built) != 1 {
		t.Fatalf("built %d times, want 1", len(built))
	}
	d := built[0]
	if d.Service != s.Service || d.Service == nil {
		t.Error("the surface was not built on the server's core")
	}
	if d.BodyLimit != 1234 || d.Done != (<-chan struct{})(done) || d.Logger != nil {
		t.Errorf("deps = %+v, want BodyLimit 1234, the test's Done and no logger", d)
	}
	if d.OnRoute(nil, ""); !heard {
		t.Error("OnRoute is not the test's")
	}
	if users, ok := s.Service.Collection("users"); !ok || !users.OTP.Enabled {
		t.Error("the core was not built with the test's collections")
	}
	if got := decodeSeen(t, s.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/echo"})).ClientIP; got != "127.0.0.1" {
		t.Errorf("client IP = %q, want 127.0.0.1 (ClientIP in front of the surface)", got)
	}
}

// Node is a second listener for the same surface over the same core,
// built again with the same deps.
func TestNode(t *testing.T) {
	t.Parallel()
	var e echo
	a := surfacetest.Start(t, surfacetest.Options{Deps: surfacetest.Deps{BodyLimit: 99}}, e.build)
	b := a.Node(t)
	if b.Env != a.Env || b.URL == a.URL {
		t.Errorf("node B shares env %v, URL %v; want the env only", b.Env == a.Env, b.URL == a.URL)
	}
	built := e.deps()
	if len(built) != 2 || built[1].Service != a.Service || built[1].BodyLimit != 99 {
		t.Errorf("built %+v, want twice over one service with the same deps", built)
	}
	decodeSeen(t, b.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/echo"}))
}

// Do sends what the request says: JSON by default for a body, no body
// at all for an empty one, Authorization as given, headers last.
func TestDoSends(t *testing.T) {
	t.Parallel()
	var e echo
	s := surfacetest.Start(t, surfacetest.Options{}, e.build)
	for _, tc := range []struct {
		name string
		req  surfacetest.Request
		want seen
	}{
		{"empty", surfacetest.Request{Method: http.MethodGet, Path: "/echo?x=1"},
			seen{Method: "GET", Path: "/echo", Query: "x=1"}},
		{"json by default", surfacetest.Request{Method: http.MethodPost, Path: "/echo", Body: `{"a":1}`},
			seen{Method: "POST", Path: "/echo", ContentType: "application/json", Body: `{"a":1}`, HasBody: true}},
		{"own type", surfacetest.Request{Method: http.MethodPut, Path: "/echo", Body: "a=1", ContentType: "application/x-www-form-urlencoded"},
			seen{Method: "PUT", Path: "/echo", ContentType: "application/x-www-form-urlencoded", Body: "a=1", HasBody: true}},
		{"raw token", surfacetest.Request{Method: http.MethodGet, Path: "/echo", Authorization: "abc.def.ghi"},
			seen{Method: "GET", Path: "/echo", Authorization: "abc.def.ghi"}},
		{"bearer", surfacetest.Request{Method: http.MethodGet, Path: "/echo", Authorization: "Bearer x"},
			seen{Method: "GET", Path: "/echo", Authorization: "Bearer x"}},
		{"header overrides", surfacetest.Request{Method: http.MethodPost, Path: "/echo", Body: "x", Authorization: "Bearer x",
			Header: map[string]string{"Authorization": "JWT y", "Content-Type": "text/plain", "X-Test": "t"}},
			seen{Method: "POST", Path: "/echo", Authorization: "JWT y", ContentType: "text/plain", Header: "t", Body: "x", HasBody: true}},
		{"cookies", surfacetest.Request{Method: http.MethodGet, Path: "/echo", Cookies: map[string]string{"s": "1", "t": "2"}},
			seen{Method: "GET", Path: "/echo", Cookies: map[string]string{"s": "1", "t": "2"}}},
	} {
		got := decodeSeen(t, s.Do(t, tc.req))
		got.ClientIP = ""
		if tc.want.Cookies == nil {
			tc.want.Cookies = map[string]string{}
		}
		if g, w := mustJSON(t, got), mustJSON(t, tc.want); g != w {
			t.Errorf("%s: surface saw %s, want %s", tc.name, g, w)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Do returns the answer as it came: headers, cookies by name, redirects
// not followed, and how long it took.
func TestDoAnswers(t *testing.T) {
	t.Parallel()
	var e echo
	s := surfacetest.Start(t, surfacetest.Options{}, e.build)
	r := s.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/echo"})
	if r.Header.Get("X-Echo") != "yes" || !strings.HasSuffix(r.Body, "}\n") {
		t.Errorf("answer = %v %q", r.Header, r.Body)
	}
	r = s.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/cookie"})
	if len(r.Cookies) != 2 || r.Cookies["a"] == nil || r.Cookies["a"].Value != "1" || !r.Cookies["a"].HttpOnly || r.Cookies["b"].MaxAge != 60 {
		t.Errorf("cookies = %v", r.Header.Values("Set-Cookie"))
	}
	r = s.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/redirect"})
	if r.Status != http.StatusFound || r.Header.Get("Location") != "/echo" {
		t.Errorf("redirect answered %d to %q, want the 302 itself", r.Status, r.Header.Get("Location"))
	}
	if r = s.Do(t, surfacetest.Request{Method: http.MethodGet, Path: "/slow"}); r.Elapsed < 30*time.Millisecond {
		t.Errorf("elapsed = %v, want at least the surface's 30ms", r.Elapsed)
	}
}

// TOTP matches RFC 6238's SHA-1 test vectors (Appendix B, last 6
// digits), so it cannot be wrong in the same way the server might be.
func TestTOTPVectors(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := surfacetest.TOTP(t, secret, time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
		// Authenticator apps take the secret in lower case and padded too.
		if got := surfacetest.TOTP(t, strings.ToLower(secret)+"==", time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d, lower case and padded: %s, want %s", unix, got, want)
		}
	}
}
