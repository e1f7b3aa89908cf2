package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The Directus surface through the whole server: where it is mounted,
// what stays PocketBase's, its error envelope past the shared middleware,
// and startup refusing a mount that overlaps another's routes. The wire
// behaviour of each route is the surface package's tests' and the SDK
// tests' (TestDirectusSDK).

// checkDirectusError fails unless r is Directus's error envelope,
// {"errors":[{"message","extensions":{"code"}}]}, with this status and
// (when code is not "") this code.
func checkDirectusError(t testing.TB, what string, r response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status = %d, want %d; body %.300s", what, r.Status, status, r.Raw)
	}
	errs, _ := r.JSON["errors"].([]any)
	if len(r.JSON) != 1 || len(errs) == 0 {
		t.Errorf("%s: not a Directus error envelope: %.300s", what, r.Raw)
		return
	}
	first, _ := errs[0].(map[string]any)
	msg, _ := first["message"].(string)
	ext, _ := first["extensions"].(map[string]any)
	gotCode, _ := ext["code"].(string)
	if msg == "" || gotCode == "" {
		t.Errorf("%s: error without message or code: %.300s", what, r.Raw)
	}
	if code != "" && gotCode != code {
		t.Errorf("%s: code = %q, want %q; body %.300s", what, gotCode, code, r.Raw)
	}
}

// checkPocketBase404 fails unless r is PocketBase's 404 error body.
func checkPocketBase404(t testing.TB, what string, r response) {
	t.Helper()
	checkAPIError(t, what, r, 404, "")
}

// directusLogin logs in through the surface under base ("/directus" or
// "") in json mode and returns the access token.
func (ts *testServer) directusLogin(t testing.TB, base, email, password string) string {
	t.Helper()
	r := ts.do(t, "POST", base+"/auth/login", map[string]any{"email": email, "password": password}).want(t, 200)
	if exp, _ := r.JSON["data"].(map[string]any)["expires"].(float64); exp != 900_000 {
		t.Errorf("login expires = %v, want 900000 (15m in ms); body %s", exp, r.Raw)
	}
	tok := r.str("data.access_token")
	if tok == "" || r.str("data.refresh_token") == "" {
		t.Fatalf("login through %s: no tokens in %s", base, r.Raw)
	}
	return tok
}

func TestDirectusMountedAtDefault(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	u := ts.newAttackUser(t, "ada@example.com", "ada password 1")

	tok := ts.directusLogin(t, "/directus", u.Email, u.Password)
	me := ts.do(t, "GET", "/directus/users/me", nil, "Authorization", "Bearer "+tok).want(t, 200)
	if me.str("data.email") != u.Email || me.str("data.id") != u.ID {
		t.Errorf("/directus/users/me = %s, want %s (%s)", me.Raw, u.Email, u.ID)
	}
	if me.Header.Get("X-Request-Id") == "" {
		t.Error("the Directus answer has no X-Request-Id: the surface is outside the server's middleware")
	}
	// The same account, through PocketBase: one core behind both.
	ts.loginAs(t, u.Email, u.Password).want(t, 200)

	checkDirectusError(t, "unknown route", ts.send(t, attackReq{Method: "GET", Path: "/directus/nope"}), 404, "ROUTE_NOT_FOUND")
	checkDirectusError(t, "unknown auth route", ts.send(t, attackReq{Method: "POST", Path: "/directus/auth/nope"}), 404, "ROUTE_NOT_FOUND")
	checkDirectusError(t, "the bare mount", ts.send(t, attackReq{Method: "GET", Path: "/directus"}), 404, "ROUTE_NOT_FOUND")
	// Outside the mount, Directus's paths are PocketBase's 404s.
	checkPocketBase404(t, "root /auth/login", ts.send(t, attackReq{Method: "POST", Path: "/auth/login"}))
	checkPocketBase404(t, "root /users/me", ts.send(t, attackReq{Method: "GET", Path: "/users/me"}))
	checkPocketBase404(t, "/directusx", ts.send(t, attackReq{Method: "GET", Path: "/directusx/auth"}))
	// Bodies are capped at Directus's 1 MiB, below http.body_limit's 32 MiB.
	checkDirectusError(t, "a body over 1 MiB", ts.send(t, attackReq{Method: "POST", Path: "/directus/auth/login",
		Body: hugeJSONBody("email", 1<<20+1), Size: 1<<20 + 1, CType: "application/json"}), 413, "")
	ts.do(t, "POST", "/directus/auth/login", map[string]any{"email": u.Email, "password": u.Password, "pad": strings.Repeat("x", 900<<10)}).want(t, 200)
	// Browsers on http.cors_origins (any, by default) may call it.
	pre := ts.send(t, attackReq{Method: "OPTIONS", Path: "/directus/auth/login", Headers: []string{
		"Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}})
	if pre.Status != 204 || pre.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("CORS preflight = %d %v", pre.Status, pre.Header)
	}
	if got := me.Header.Get("Vary"); !strings.Contains(got, "Origin") {
		t.Errorf("Directus answers lack Vary: Origin (got %q)", got)
	}
	ts.checkHealthy(t, "the Directus requests")

	// Metrics label the surface's routes with the mount in front, and the
	// access log records the full path.
	metrics := ts.send(t, attackReq{Method: "GET", Path: "/metrics"})
	for _, want := range []string{`route="POST /directus/auth/login"`, `route="GET /directus/users/me"`} {
		if !strings.Contains(metrics.Raw, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if log := ts.stderr.String(); !strings.Contains(log, "path=/directus/users/me") || !strings.Contains(log, `mount=/directus`) {
		t.Errorf("the log lacks the mount or the access line of /directus/users/me:\n%s", log)
	}
}

func TestDirectusMountedAtRoot(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "surfaces:\n  directus:\n    mount: /\n", serverOpts{})
	u := ts.newAttackUser(t, "grace@example.com", "grace password 1")

	tok := ts.directusLogin(t, "", u.Email, u.Password)
	if me := ts.do(t, "GET", "/users/me", nil, "Authorization", "Bearer "+tok).want(t, 200); me.str("data.email") != u.Email {
		t.Errorf("/users/me = %s", me.Raw)
	}
	providers := ts.do(t, "GET", "/auth", nil).want(t, 200)
	if _, ok := providers.JSON["data"].([]any); !ok {
		t.Errorf("GET /auth = %s, want a data list", providers.Raw)
	}
	checkDirectusError(t, "unknown auth route", ts.send(t, attackReq{Method: "GET", Path: "/auth/nope"}), 404, "ROUTE_NOT_FOUND")
	checkDirectusError(t, "unknown users route", ts.send(t, attackReq{Method: "GET", Path: "/users/me/nope"}), 404, "ROUTE_NOT_FOUND")
	// Every other path keeps PocketBase's 404, and PocketBase's API works.
	checkPocketBase404(t, "/", ts.send(t, attackReq{Method: "GET", Path: "/"}))
	checkPocketBase404(t, "/nowhere", ts.send(t, attackReq{Method: "GET", Path: "/nowhere"}))
	checkPocketBase404(t, "/directus/auth/login", ts.send(t, attackReq{Method: "POST", Path: "/directus/auth/login"}))
	checkPocketBase404(t, "/authx", ts.send(t, attackReq{Method: "GET", Path: "/authx"}))
	ts.loginAs(t, u.Email, u.Password).want(t, 200)
	ts.do(t, "GET", "/.well-known/jwks.json", nil).want(t, 200)

	if metrics := ts.send(t, attackReq{Method: "GET", Path: "/metrics"}); !strings.Contains(metrics.Raw, `route="POST /auth/login"`) {
		t.Error(`/metrics lacks route="POST /auth/login"`)
	}
}

func TestDirectusDisabled(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{Env: map[string]string{"GATEHOUSE_DIRECTUS_ENABLED": "off"}})
	body := `{"email":"a@example.com","password":"x"}`
	checkPocketBase404(t, "disabled surface", ts.send(t, attackReq{Method: "POST", Path: "/directus/auth/login",
		Body: strings.NewReader(body), Size: int64(len(body)), CType: "application/json"}))
	if strings.Contains(ts.stderr.String(), `msg="surface mounted" surface=Directus`) {
		t.Error("a disabled surface was mounted")
	}
}

// serveFails runs `gatehouse serve` with extra YAML and environment and
// returns the error it stops with; it fails the test if the server
// starts instead.
func serveFails(t *testing.T, extraYAML string, env map[string]string) error {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(cfgPath, []byte(testConfig+extraYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"gatehouse", "serve", "--http", "127.0.0.1:0", "--dir", filepath.Join(t.TempDir(), "data"), "--config", cfgPath},
			func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("serve returned nil, want an error\n%s", stderr.String())
		}
		if strings.Contains(stdout.String(), "listening") {
			t.Errorf("serve listened before failing:\n%s", stdout.String())
		}
		return err
	case <-time.After(20 * time.Second):
		cancel()
		<-done
		t.Fatalf("serve started, want it to refuse the configuration\n%s", stdout.String())
		return nil
	}
}

func TestDirectusMountCollisionsStopStartup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml string
		env        map[string]string
		want       []string
	}{
		{"pocketbase api", "surfaces:\n  directus:\n    mount: /api\n", nil,
			[]string{"surfaces.directus.mount", `"/api" overlaps PocketBase's API`}},
		{"under the api", "surfaces:\n  directus:\n    mount: /api/directus\n", nil,
			[]string{"surfaces.directus.mount", "overlaps PocketBase's API"}},
		{"metrics", "surfaces:\n  directus:\n    mount: /metrics\n", nil, []string{"surfaces.directus.mount", "overlaps the metrics endpoint"}},
		{"from the environment", "", map[string]string{"GATEHOUSE_DIRECTUS_MOUNT": "/api"},
			[]string{"surfaces.directus.mount", "overlaps PocketBase's API"}},
		{"trailing slash", "surfaces:\n  directus:\n    mount: /directus/\n", nil, []string{"surfaces.directus.mount: must not end with /"}},
		{"unknown collection", "surfaces:\n  directus:\n    collection: admins\n", nil, []string{"surfaces.directus.collection"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := serveFails(t, tc.yaml, tc.env)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("serve error = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestDirectusHostileBodies sends bad bodies to the surface's body-reading
// routes through the full server: each gets a 4xx in Directus's envelope,
// never a 5xx, and the server stays up.
func TestDirectusHostileBodies(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "http:\n  body_limit: 64KiB\n", serverOpts{})
	u := ts.newAttackUser(t, "hostile@example.com", "hostile password 1")
	tok := ts.directusLogin(t, "/directus", u.Email, u.Password)
	routes := []struct {
		path, field string
		auth        bool
	}{
		{"/directus/auth/login", "email", false},
		{"/directus/auth/refresh", "refresh_token", false},
		{"/directus/auth/logout", "refresh_token", false},
		{"/directus/auth/password/request", "email", false},
		{"/directus/auth/password/reset", "token", false},
		{"/directus/users/register", "email", false},
		{"/directus/users/me/tfa/generate", "password", true},
		{"/directus/users/me/tfa/enable", "secret", true},
	}
	bodies := map[string]func(field string) []byte{
		"open brace":   func(string) []byte { return []byte(`{`) },
		"array":        func(string) []byte { return []byte(`[]`) },
		"null":         func(string) []byte { return []byte(`null`) },
		"trailing":     func(f string) []byte { return []byte(`{"` + f + `":"x"}x`) },
		"number field": func(f string) []byte { return []byte(`{"` + f + `":123}`) },
		"object field": func(f string) []byte { return []byte(`{"` + f + `":{"a":1}}`) },
		"bad utf8":     func(f string) []byte { return []byte(`{"` + f + "\":\"a\xff\xfe@example.com\"}") },
		"bad utf8 raw": func(string) []byte { return []byte("\xff\xfe\xfd\x00\x80") },
		"nested 10000": func(f string) []byte {
			return []byte(`{"` + f + `":` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + `}`)
		},
		"wrong mode type": func(f string) []byte { return []byte(`{"` + f + `":"x","mode":7}`) },
		"unknown mode":    func(f string) []byte { return []byte(`{"` + f + `":"x","mode":"telepathy"}`) },
	}
	// The group returns once its parallel subtests are done.
	t.Run("bodies", func(t *testing.T) {
		for _, rt := range routes {
			for name, body := range bodies {
				t.Run(rt.path+"/"+name, func(t *testing.T) {
					t.Parallel()
					b := body(rt.field)
					req := attackReq{Method: "POST", Path: rt.path, Body: bytes.NewReader(b), Size: int64(len(b)), CType: "application/json"}
					if rt.auth {
						req.Headers = []string{"Authorization", "Bearer " + tok}
					}
					r := ts.send(t, req)
					if r.Status < 400 || r.Status > 499 {
						t.Errorf("status = %d, want a 4xx; body %.300s", r.Status, r.Raw)
					}
					checkDirectusError(t, name, r, r.Status, "")
				})
			}
			t.Run(rt.path+"/over the body limit", func(t *testing.T) {
				t.Parallel()
				const size = 64<<10 + 1
				req := attackReq{Method: "POST", Path: rt.path, Body: hugeJSONBody(rt.field, size), CType: "application/json"}
				if rt.auth {
					req.Headers = []string{"Authorization", "Bearer " + tok}
				}
				checkDirectusError(t, "oversized body", ts.send(t, req), 413, "")
			})
		}
	})
	// Two token sources at once is Directus's INVALID_PAYLOAD.
	checkDirectusError(t, "query and header token", ts.send(t, attackReq{Method: "GET", Path: "/directus/users/me?access_token=" + tok,
		Headers: []string{"Authorization", "Bearer " + tok}}), 400, "INVALID_PAYLOAD")
	// A token that is not one of ours is refused, even on login, as in
	// Directus.
	body := `{"email":"hostile@example.com","password":"hostile password 1"}`
	for _, req := range []attackReq{
		{Method: "GET", Path: "/directus/users/me"},
		{Method: "POST", Path: "/directus/auth/login", Body: strings.NewReader(body), Size: int64(len(body)), CType: "application/json"},
	} {
		path := req.Path
		req.Headers = []string{"Authorization", "Bearer not-a-token"}
		r := ts.send(t, req)
		if r.Status != 401 && r.Status != 403 {
			t.Errorf("%s with a garbage bearer: status %d, want 401 or 403; body %.300s", path, r.Status, r.Raw)
		}
		checkDirectusError(t, path+" with a garbage bearer", r, r.Status, "")
	}
	ts.checkHealthy(t, "hostile Directus bodies")
}

// The file and environment settings reach the running surface.
func TestDirectusSettingsReachTheSurface(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, `
surfaces:
  directus:
    refresh_cookie_name: gh_refresh
    public_url: https://auth.example/dx
`, serverOpts{Env: map[string]string{
		"GATEHOUSE_DIRECTUS_ACCESS_TTL":          "2m",
		"GATEHOUSE_DIRECTUS_REFRESH_TTL":         "1d",
		"GATEHOUSE_DIRECTUS_COOKIE_SAME_SITE":    "strict",
		"GATEHOUSE_DIRECTUS_COOKIE_DOMAIN":       "auth.example",
		"GATEHOUSE_DIRECTUS_PUBLIC_REGISTRATION": "off",
	}})
	u := ts.newAttackUser(t, "settings@example.com", "settings password 1")

	r := ts.do(t, "POST", "/directus/auth/login", map[string]any{"email": u.Email, "password": u.Password, "mode": "cookie"}).want(t, 200)
	if exp, _ := r.JSON["data"].(map[string]any)["expires"].(float64); exp != 120_000 {
		t.Errorf("expires = %v, want 120000 (access_ttl 2m)", exp)
	}
	// An https public URL makes the cookies Secure (cookie_secure: auto).
	c := r.Header.Get("Set-Cookie")
	for _, want := range []string{"gh_refresh=", "Max-Age=86400", "Domain=auth.example", "HttpOnly", "Secure", "SameSite=Strict"} {
		if !strings.Contains(c, want) {
			t.Errorf("Set-Cookie %q lacks %s", c, want)
		}
	}
	reg := `{"email":"new@example.com","password":"new password 1"}`
	checkDirectusError(t, "registration off", ts.send(t, attackReq{Method: "POST", Path: "/directus/users/register",
		Body: strings.NewReader(reg), Size: int64(len(reg)), CType: "application/json"}), 403, "FORBIDDEN")

	// Mailed links start at the public URL.
	ts.do(t, "POST", "/directus/auth/password/request", map[string]any{"email": u.Email}).want(t, 204)
	resetLink := regexp.MustCompile(`https://auth\.example/dx/admin/reset-password\?token=`)
	deadline := time.Now().Add(10 * time.Second)
	for len(ts.mailMatches(t, u.Email, resetLink)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no reset mail to %s with a link under https://auth.example/dx within 10s", u.Email)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
