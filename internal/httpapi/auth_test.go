package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// fakeAuth accepts the token "good" and refuses every other with err.
type fakeAuth struct {
	p     *core.Principal
	err   error
	calls int
	gotC  *core.Collection
}

func (f *fakeAuth) AuthenticateIn(_ context.Context, c *core.Collection, token string) (*core.Principal, error) {
	f.calls++
	f.gotC = c
	if token == "good" {
		return f.p, nil
	}
	return nil, f.err
}

var (
	refused   = &core.Error{Kind: core.KindUnauthenticated, Code: core.CodeAuthRequired, Cause: core.ErrTokenInvalid}
	storeDown = &core.Error{Kind: core.KindUnavailable, Code: "unavailable"}
)

// authOutcome is what LoadAuth did with one request.
type authOutcome struct {
	served    bool
	caller    Caller
	client    core.Client
	errored   error
	errSource TokenSource
}

func runLoadAuth(t *testing.T, o AuthOptions, r *http.Request) authOutcome {
	t.Helper()
	var out authOutcome
	o.OnError = func(w http.ResponseWriter, r *http.Request, err error, src TokenSource) {
		out.errored, out.errSource = err, src
		out.client = core.ClientFrom(r.Context())
		w.WriteHeader(http.StatusTeapot)
	}
	h := LoadAuth(o)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out.served = true
		out.caller = CallerFrom(r.Context())
		out.client = core.ClientFrom(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), r)
	return out
}

func TestLoadAuth(t *testing.T) {
	t.Parallel()
	users := &core.Collection{ID: "users"}
	p := &core.Principal{User: core.User{ID: "u1"}, Collection: users}
	cookieRule := TokenRule{Schemes: []string{"Bearer"}, Query: "access_token", Cookie: "sid", RefuseQueryAndHeader: true}
	tests := []struct {
		name      string
		guest     bool
		authErr   error
		auth      *string
		query     string
		cookie    string
		served    bool
		principal *core.Principal
		source    TokenSource
		err       error
		errSource TokenSource
		calls     int
	}{
		{name: "no token", served: true},
		{name: "header token", auth: str("Bearer good"), served: true, principal: p, source: SourceHeader, calls: 1},
		{name: "query token", query: "access_token=good", served: true, principal: p, source: SourceQuery, calls: 1},
		{name: "cookie token", cookie: "sid=good", served: true, principal: p, source: SourceCookie, calls: 1},
		{name: "refused", auth: str("Bearer bad"), authErr: refused, err: refused, errSource: SourceHeader, calls: 1},
		{name: "refused cookie", cookie: "sid=bad", authErr: refused, err: refused, errSource: SourceCookie, calls: 1},
		{name: "refused as guest", guest: true, auth: str("Bearer bad"), authErr: refused, served: true, calls: 1},
		{name: "store down, even for guests", guest: true, auth: str("Bearer bad"), authErr: storeDown, err: storeDown, errSource: SourceHeader, calls: 1},
		{name: "ambiguous, not checked", auth: str("Bearer good"), query: "access_token=good", err: ErrAmbiguousToken},
		{name: "ambiguous, even for guests", guest: true, auth: str("Bearer good"), query: "access_token=good", err: ErrAmbiguousToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fa := &fakeAuth{p: p, err: tt.authErr}
			r := tokenRequest(tt.auth, tt.query, tt.cookie)
			r.Header.Set("User-Agent", "ua/1")
			out := runLoadAuth(t, AuthOptions{Tokens: cookieRule, Service: fa, Collection: users, GuestOnRefusal: tt.guest}, r)
			if out.served != tt.served || out.caller.Principal != tt.principal || out.caller.Source != tt.source {
				t.Errorf("served %v as %+v, want served %v as %v from %v", out.served, out.caller, tt.served, tt.principal, tt.source)
			}
			if !errors.Is(out.errored, tt.err) || (out.errored == nil) != (tt.err == nil) || out.errSource != tt.errSource {
				t.Errorf("OnError(%v, %v), want (%v, %v)", out.errored, out.errSource, tt.err, tt.errSource)
			}
			if fa.calls != tt.calls || (fa.calls > 0 && fa.gotC != users) {
				t.Errorf("AuthenticateIn called %d times with %v, want %d with the bound collection", fa.calls, fa.gotC, tt.calls)
			}
			// Both the route and the error renderer see the client.
			if out.client.UserAgent != "ua/1" {
				t.Errorf("client = %+v, want the request's user agent", out.client)
			}
		})
	}
}

// TestLoadAuthClientIP checks the client's IP comes from ClientIP.
func TestLoadAuthClientIP(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "192.0.2.7:1234"
	var got core.Client
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = core.ClientFrom(r.Context()) }),
		ClientIP(nil), LoadAuth(AuthOptions{Service: &fakeAuth{}, OnError: func(http.ResponseWriter, *http.Request, error, TokenSource) {}}))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got.IP != "192.0.2.7" {
		t.Errorf("client IP = %q", got.IP)
	}
}

// TestCallerContext checks the caller's context is a proper child: other
// values, cancellation and the caller itself all come through.
func TestCallerContext(t *testing.T) {
	t.Parallel()
	if c := CallerFrom(context.Background()); c.Principal != nil || c.Source != SourceNone {
		t.Errorf("CallerFrom(empty) = %+v", c)
	}
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	p := &core.Principal{}
	var child context.Context
	var stop context.CancelFunc
	h := LoadAuth(AuthOptions{Tokens: conduitRule, Service: &fakeAuth{p: p}, OnError: func(http.ResponseWriter, *http.Request, error, TokenSource) {}})
	h(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		child, stop = context.WithCancel(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), tokenRequest(str("Bearer good"), "", "").WithContext(parent))
	if CallerFrom(child).Principal != p || child.Value(key{}) != "v" {
		t.Fatalf("child context lost a value: caller %+v, key %v", CallerFrom(child), child.Value(key{}))
	}
	defer stop()
	cancel() // the parent: the child must follow
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("child Err = %v", child.Err())
	}
}

// TestLoadAuthNeedsServiceAndOnError checks a misconfigured middleware
// fails when it is built, not on the first request.
func TestLoadAuthNeedsServiceAndOnError(t *testing.T) {
	t.Parallel()
	for _, o := range []AuthOptions{{Service: &fakeAuth{}}, {OnError: func(http.ResponseWriter, *http.Request, error, TokenSource) {}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("LoadAuth(%+v) did not panic", o)
				}
			}()
			LoadAuth(o)
		}()
	}
}

// TestLoadAuthAllocs pins the middleware's cost: without a token only
// the client's context (two: the context and the boxed client) and the
// request copy; with a good header token one more, the caller's context.
func TestLoadAuthAllocs(t *testing.T) {
	p := &core.Principal{}
	for _, tc := range []struct {
		name string
		rule TokenRule
		r    *http.Request
		max  float64
	}{
		{"pocketbase no token", pocketbaseRule, tokenRequest(nil, "", ""), 3},
		{"directus no token", directusRule, tokenRequest(nil, "", ""), 3},
		{"pocketbase header", pocketbaseRule, tokenRequest(str("Bearer good"), "", ""), 4},
		{"directus header", directusRule, tokenRequest(str("Bearer good"), "", ""), 4},
	} {
		h := LoadAuth(AuthOptions{Tokens: tc.rule, Service: &fakeAuth{p: p}, OnError: func(http.ResponseWriter, *http.Request, error, TokenSource) {
			t.Fatal("refused")
		}})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		w := httptest.NewRecorder()
		n := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, tc.r) })
		if n > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, n, tc.max)
		}
		t.Logf("%s: %v allocations", tc.name, n)
	}
}
