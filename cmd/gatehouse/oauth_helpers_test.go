package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// mockOP is an in-process OpenID Connect provider (mockoidc, which checks
// PKCE) with one switch of our own: failUserinfo makes its userinfo
// endpoint answer 500, to exercise "Failed to fetch OAuth2 user.".
type mockOP struct {
	*mockoidc.MockOIDC
	failUserinfo atomic.Bool
}

// startOP runs a provider on a random local port until the test ends. It
// must run before the server that uses it, which fetches its discovery
// document at startup.
func startOP(t testing.TB) *mockOP {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	op := &mockOP{MockOIDC: m}
	err = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == mockoidc.UserinfoEndpoint && op.failUserinfo.Load() {
				http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return op
}

// opUser is a provider account the next authorization hands out.
type opUser struct {
	Subject       string `json:"subject"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"emailVerified"`
}

// queue makes u the account of the next authorization request.
func (op *mockOP) queue(u opUser) {
	op.QueueUser(&mockoidc.MockUser{Subject: u.Subject, Email: u.Email, EmailVerified: u.EmailVerified})
}

// serveQueue hosts POST / {subject, email, emailVerified} → 204, which
// queues that account at op: the SDK tests call it before they follow an
// authURL, so each of their logins gets an account of its own.
func serveQueue(t testing.TB, op *mockOP) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u opUser
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&u) != nil || u.Subject == "" {
			http.Error(w, "want POST {subject, email, emailVerified}", http.StatusBadRequest)
			return
		}
		op.queue(u)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// oauthYAML configures one OpenID Connect provider "oidc" at op for
// users. secret is what the file says (op.ClientSecret, a wrong one, or
// $VAR); usersExtra is more YAML under collections.users (indented four
// spaces), such as otp: or mfa:.
func oauthYAML(op *mockOP, secret, usersExtra string) string {
	return fmt.Sprintf(`
collections:
  users:
%s    oauth2:
      enabled: true
      providers:
        - name: oidc
          kind: oidc
          issuer: %s
          client_id: %s
          client_secret: %q
`, usersExtra, op.Issuer(), op.ClientID, secret)
}

// oauthEnv is one OAuth2 scenario: a provider and a server using it.
// Every body read through it is kept, and at the end of the test none of
// them, nor the server's log, may hold a client secret.
type oauthEnv struct {
	ts     *testServer
	op     *mockOP
	mu     sync.Mutex
	bodies []string
}

// oauthScenario starts a provider and a server configured by
// oauthYAML(op, op.ClientSecret, usersExtra).
func oauthScenario(t *testing.T, usersExtra string) *oauthEnv {
	t.Helper()
	return oauthScenarioWith(t, usersExtra, serverOpts{})
}

// oauthScenarioWith is oauthScenario with server options (environment).
func oauthScenarioWith(t *testing.T, usersExtra string, opts serverOpts) *oauthEnv {
	t.Helper()
	e := &oauthEnv{}
	e.noSecrets(t, func() []string { return []string{e.op.ClientSecret} })
	e.op = startOP(t)
	e.ts = startServerWith(t, oauthYAML(e.op, e.op.ClientSecret, usersExtra), opts)
	return e
}

// noSecrets registers, before the server starts (so it runs after the
// server has stopped and written its last log line), the check that no
// body and no log line holds any of secrets().
func (e *oauthEnv) noSecrets(t *testing.T, secrets func() []string) {
	t.Helper()
	t.Cleanup(func() {
		if e.ts == nil {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, s := range secrets() {
			if s == "" {
				t.Fatal("empty client secret: the leak check would prove nothing")
			}
			for _, b := range e.bodies {
				if strings.Contains(b, s) {
					t.Errorf("a response holds the client secret: %.300s", b)
				}
			}
			if strings.Contains(e.ts.stderr.String(), s) {
				t.Errorf("the server log holds the client secret:\n%s", e.ts.stderr.String())
			}
		}
	})
}

// do is ts.do that keeps the body for the secret check and checks it for
// 5xx answers and other leaks.
func (e *oauthEnv) do(t testing.TB, method, path string, body any, headers ...string) response {
	t.Helper()
	r := e.ts.do(t, method, path, body, headers...)
	e.mu.Lock()
	e.bodies = append(e.bodies, r.Raw)
	e.mu.Unlock()
	checkNoLeak(t, method+" "+path, r)
	return r
}

// providerInfo is one provider of auth-methods.
type providerInfo struct {
	Name                string `json:"name"`
	DisplayName         string `json:"displayName"`
	State               string `json:"state"`
	AuthURL             string `json:"authURL"`
	AuthURLLegacy       string `json:"authUrl"`
	CodeVerifier        string `json:"codeVerifier"`
	CodeChallenge       string `json:"codeChallenge"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

// authMethods reads auth-methods: whether OAuth2 is on, and its providers.
func (e *oauthEnv) authMethods(t testing.TB) (bool, []providerInfo) {
	t.Helper()
	r := e.do(t, "GET", "/api/collections/users/auth-methods", nil).want(t, 200)
	var out struct {
		OAuth2 struct {
			Enabled   bool           `json:"enabled"`
			Providers []providerInfo `json:"providers"`
		} `json:"oauth2"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &out); err != nil {
		t.Fatalf("auth-methods: %v: %.300s", err, r.Raw)
	}
	return out.OAuth2.Enabled, out.OAuth2.Providers
}

// provider returns the single provider auth-methods lists.
func (e *oauthEnv) provider(t testing.TB) providerInfo {
	t.Helper()
	on, list := e.authMethods(t)
	if !on || len(list) != 1 {
		t.Fatalf("auth-methods: oauth2 enabled=%v with %d providers, want on with 1", on, len(list))
	}
	return list[0]
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize plays the browser at the provider: it completes authURL with
// redirect (and, when state is set, puts it in place of the provider's
// state, as the SDK's popup flow does), signs in as u, and returns where
// the provider sends the browser back to, checking it carries the state.
func (e *oauthEnv) authorize(t testing.TB, authURL, redirect, state string, u opUser) *url.URL {
	t.Helper()
	full, err := url.Parse(authURL + url.QueryEscape(redirect))
	if err != nil {
		t.Fatal(err)
	}
	q := full.Query()
	if state != "" {
		q.Set("state", state)
		full.RawQuery = q.Encode()
	}
	e.op.queue(u)
	res, err := noRedirects.Get(full.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("provider answered %d (Location %q), want 302", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.HasPrefix(loc.String(), redirect+"?") || loc.Query().Get("state") != q.Get("state") || loc.Query().Get("code") == "" {
		t.Fatalf("provider redirected to %s, want %s?code=...&state=%s", loc, redirect, q.Get("state"))
	}
	return loc
}

// appRedirect is where an app that runs the sign-in itself receives the
// code; the provider's redirect there is never followed.
const appRedirect = "https://app.example.com/auth/callback"

// code signs u in at the provider and returns the authorization code.
func (e *oauthEnv) code(t testing.TB, p providerInfo, u opUser) string {
	t.Helper()
	return e.authorize(t, p.AuthURL, appRedirect, "", u).Query().Get("code")
}

// exchange sends auth-with-oauth2 with the given code and verifier.
func (e *oauthEnv) exchange(t testing.TB, code, verifier string, headers ...string) response {
	t.Helper()
	return e.do(t, "POST", "/api/collections/users/auth-with-oauth2", map[string]any{
		"provider": "oidc", "code": code, "codeVerifier": verifier, "redirectURL": appRedirect,
	}, headers...)
}

// login runs the whole sign-in as u: auth-methods, the provider, then
// auth-with-oauth2 (with headers, such as a signed-in user's token).
func (e *oauthEnv) login(t testing.TB, u opUser, headers ...string) response {
	t.Helper()
	p := e.provider(t)
	return e.exchange(t, e.code(t, p, u), p.CodeVerifier, headers...)
}

// oauthResult is a successful auth-with-oauth2 answer.
type oauthResult struct {
	Meta   map[string]any `json:"meta"`
	Record map[string]any `json:"record"`
	Token  string         `json:"token"`
}

// oauth fails unless r is a 200 OAuth2 answer, meta first, and decodes it.
func (r response) oauth(t testing.TB) oauthResult {
	t.Helper()
	r.want(t, 200)
	if !strings.HasPrefix(r.Raw, `{"meta":{`) {
		t.Errorf("OAuth2 answer does not start with meta: %.200s", r.Raw)
	}
	var out oauthResult
	if err := json.Unmarshal([]byte(r.Raw), &out); err != nil || out.Token == "" || out.Record["id"] == nil {
		t.Fatalf("OAuth2 answer lacks token or record (%v): %.300s", err, r.Raw)
	}
	return out
}

// challengeOf is base64url(sha256(verifier)), PKCE's S256.
func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sseEvent is one server-sent event.
type sseEvent struct{ id, event, data string }

// realtimeConn is an open GET /api/realtime stream.
type realtimeConn struct {
	clientID string
	events   <-chan sseEvent
}

// openRealtime opens the SSE stream, sending headers (name, value
// pairs), and reads PB_CONNECT, whose id and data name the client id. The
// stream closes at the end of the test.
func (e *oauthEnv) openRealtime(t testing.TB, headers ...string) *realtimeConn {
	t.Helper()
	return openRealtimeOn(t, e.ts, headers...)
}

// openRealtimeOn is openRealtime on the server ts.
func openRealtimeOn(t testing.TB, ts *testServer, headers ...string) *realtimeConn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /api/realtime = %d %q, want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent)
	go readSSE(ctx, res, ch)
	c := &realtimeConn{events: ch}
	ev := c.next(t)
	var data struct {
		ClientID string `json:"clientId"`
	}
	if ev.event != "PB_CONNECT" || json.Unmarshal([]byte(ev.data), &data) != nil || data.ClientID == "" || data.ClientID != ev.id {
		t.Fatalf("first event = %+v, want PB_CONNECT with the client id as id and in data", ev)
	}
	c.clientID = data.ClientID
	return c
}

// readSSE parses the stream into events until it ends or ctx is done.
func readSSE(ctx context.Context, res *http.Response, ch chan<- sseEvent) {
	defer close(ch)
	sc := bufio.NewScanner(res.Body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.event != "" {
				select {
				case ch <- ev:
				case <-ctx.Done():
					return
				}
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id:"):
			ev.id = strings.TrimPrefix(line, "id:")
		case strings.HasPrefix(line, "event:"):
			ev.event = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:"):
			ev.data = strings.TrimPrefix(line, "data:")
		}
	}
}

// next waits up to 5 s for the stream's next event.
func (c *realtimeConn) next(t testing.TB) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			t.Fatal("the realtime stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no realtime event within 5 s")
	}
	return sseEvent{}
}
