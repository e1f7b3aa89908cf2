package directus_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// publicURL is the surface's public base in tests: links and SSO
// callbacks are built on it, whatever port the test server has.
const publicURL = "http://gatehouse.test/directus"

// password is what the helpers' users log in with.
const password = "correct horse"

// env is the Directus surface served by the shared harness (surfacetest:
// a real core over SQLite, the surface behind ClientIP on a loopback
// listener, as cmd composes it), with the users collection and the
// Options it was built with at hand.
type env struct {
	*surfacetest.Server
	svc   *core.Service
	users *core.Collection
	opt   directus.Options
}

// config tunes an env before it is built: the surface's deps, its
// Options, the core's settings and the OAuth2 providers of users.
type config struct {
	surfacetest.Deps
	opt       directus.Options
	settings  func(*core.Settings)
	providers []core.OAuthProvider
}

// newEnv builds an env with small stalls, a 10 s refresh reuse grace and
// whatever mod changes.
func newEnv(t testing.TB, mod func(*config)) *env {
	t.Helper()
	cfg := config{opt: directus.DefaultOptions()}
	cfg.opt.PublicURL = publicURL
	cfg.opt.LoginStall, cfg.opt.RegisterStall = setting.Duration(5*time.Millisecond), setting.Duration(5*time.Millisecond)
	if mod != nil {
		mod(&cfg)
	}
	coreOpt := coretest.Options{
		Settings: func(s *core.Settings) {
			s.RefreshReuseGrace = 10 * time.Second
			if cfg.settings != nil {
				cfg.settings(s)
			}
		},
		Collections: func(users, _ *core.Collection) {
			if len(cfg.providers) > 0 {
				users.OAuth2.Enabled = true
				users.OAuth2.Providers = cfg.providers
			}
		},
	}
	s := surfacetest.Start(t, surfacetest.Options{Core: coreOpt, Deps: cfg.Deps}, build(cfg.opt))
	users, _ := s.Service.Collection("users")
	return &env{Server: s, svc: s.Service, users: users, opt: cfg.opt}
}

// build is the harness's builder of the Directus surface with opt.
func build(opt directus.Options) surfacetest.Builder {
	return func(d surfaces.Deps) (http.Handler, error) { return directus.NewHandler(d, opt) }
}

// request is one HTTP call. A non-empty body is sent as
// application/json unless ctype says otherwise.
type request struct {
	method  string
	path    string
	body    string
	ctype   string
	token   string // sent as Authorization: Bearer
	cookies map[string]string
	header  map[string]string
}

// response is what came back, already checked by checkResponse.
type response struct {
	status  int
	header  http.Header
	body    string
	cookies map[string]*http.Cookie
	elapsed time.Duration
}

func (e *env) do(t testing.TB, r request) response {
	t.Helper()
	req := surfacetest.Request{Method: r.method, Path: r.path, Body: r.body, ContentType: r.ctype, Header: r.header, Cookies: r.cookies}
	if r.token != "" {
		req.Authorization = "Bearer " + r.token
	}
	res := e.Do(t, req)
	out := response{status: res.Status, header: res.Header, body: res.Body, cookies: res.Cookies, elapsed: res.Elapsed}
	checkResponse(t, r.method+" "+r.path, out)
	return out
}

func (e *env) post(t testing.TB, path, body string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPost, path: path, body: body})
}

func (e *env) get(t testing.TB, path, token string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodGet, path: path, token: token})
}

// statusOf is the status each Directus error code answers with.
var statusOf = map[string]int{
	"INVALID_CREDENTIALS": 401, "INVALID_OTP": 401, "TOKEN_EXPIRED": 401, "USER_SUSPENDED": 401,
	"INVALID_TOKEN": 403, "FORBIDDEN": 403, "INVALID_PROVIDER": 403, "INVALID_PAYLOAD": 400,
	"ROUTE_NOT_FOUND": 404, "CONTENT_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415,
	"REQUESTS_EXCEEDED": 429, "SERVICE_UNAVAILABLE": 503, "INTERNAL_SERVER_ERROR": 500,
	"GRAPHQL_VALIDATION": 400, "METHOD_NOT_ALLOWED": 405,
}

// envelope is Directus's error body.
type envelope struct {
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// checkResponse asserts what holds for every answer: nosniff, no
// password hash anywhere, JSON bodies that are one compact line, empty
// 204s and redirects, and errors in Directus's envelope whose codes
// match the status.
func checkResponse(t testing.TB, what string, r response) {
	t.Helper()
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q", what, got)
	}
	if strings.Contains(r.body, "$argon2") {
		t.Errorf("%s: body leaks a password hash: %s", what, r.body)
	}
	if r.status == http.StatusNoContent || (r.status >= 300 && r.status < 400) {
		if r.body != "" {
			t.Errorf("%s: %d with body %q", what, r.status, r.body)
		}
		return
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("%s: Content-Type = %q, want application/json", what, got)
	}
	if !strings.HasSuffix(r.body, "\n") || strings.Count(r.body, "\n") != 1 || !json.Valid([]byte(r.body)) {
		t.Errorf("%s: body is not one compact JSON line: %q", what, r.body)
	}
	if r.status < 400 {
		return
	}
	var env envelope
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Errors) == 0 {
		t.Errorf("%s: error body not in Directus's envelope: %q", what, r.body)
		return
	}
	for _, item := range env.Errors {
		code, _ := item.Extensions["code"].(string)
		if statusOf[code] != r.status || item.Message == "" {
			t.Errorf("%s: status %d with error %q %q", what, r.status, code, item.Message)
		}
	}
}

// wantError asserts an error answer with one error of this code (and
// message, when given).
func wantError(t testing.TB, r response, code, message string) {
	t.Helper()
	if r.status != statusOf[code] {
		t.Fatalf("status = %d, want %d (%s); body %s", r.status, statusOf[code], code, r.body)
	}
	var env envelope
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("body = %s, want one error", r.body)
	}
	if got := env.Errors[0].Extensions["code"]; got != code {
		t.Fatalf("code = %v, want %s; body %s", got, code, r.body)
	}
	if message != "" && env.Errors[0].Message != message {
		t.Fatalf("message = %q, want %q", env.Errors[0].Message, message)
	}
}

// wantStatus fails the test unless r has the given status.
func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// data decodes a success answer's data into v, checking the envelope has
// exactly the key "data".
func data(t testing.TB, r response, v any) {
	t.Helper()
	var outer map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &outer); err != nil || len(outer) != 1 || outer["data"] == nil {
		t.Fatalf("body = %s, want {\"data\":...}", r.body)
	}
	if err := json.Unmarshal(outer["data"], v); err != nil {
		t.Fatalf("data %s: %v", outer["data"], err)
	}
}

// tokens is a login or refresh answer's data.
type tokens struct {
	Expires      *int64 `json:"expires"`
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token"`
}

// jsonString encodes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// credentials is a login body.
func credentials(email, pw, mode string) string {
	s := `{"email":` + jsonString(email) + `,"password":` + jsonString(pw)
	if mode != "" {
		s += `,"mode":` + jsonString(mode)
	}
	return s + "}"
}

// user creates a verified user with the helpers' password.
func (e *env) user(t testing.TB, email string) core.User {
	t.Helper()
	ctx := context.Background()
	pw := password
	u, err := e.svc.CreateUser(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	u.Verified = true
	if err := e.DB.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// login logs in in a mode ("" sends none) and returns the answer.
func (e *env) login(t testing.TB, email, mode string) (tokens, response) {
	t.Helper()
	r := e.post(t, "/auth/login", credentials(email, password, mode))
	wantStatus(t, r, http.StatusOK)
	var tk tokens
	data(t, r, &tk)
	return tk, r
}

// tokenInLink matches the token query parameter of a mailed link.
var tokenInLink = regexp.MustCompile(`(https?://\S+[?&]token=([A-Za-z0-9_\-.]+))`)

// mailTo delivers every queued mail and returns the link and token of
// the newest one sent to addr; it fails the test if there is none.
func (e *env) mailTo(t testing.TB, addr string) (link, token string) {
	t.Helper()
	msgs := e.DeliverAll(t)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			m := tokenInLink.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("mail to %s has no token link: %q", addr, msgs[i].Text)
			}
			return m[1], m[2]
		}
	}
	t.Fatalf("no mail to %s among %d messages", addr, len(msgs))
	return "", ""
}

// me fetches /users/me with a bearer token and returns the item.
func (e *env) me(t testing.TB, token string) map[string]any {
	t.Helper()
	r := e.get(t, "/users/me", token)
	wantStatus(t, r, http.StatusOK)
	var item map[string]any
	data(t, r, &item)
	return item
}

// corePasswordLogin is a plain core password login.
func corePasswordLogin(email, pw string) core.PasswordLogin {
	return core.PasswordLogin{Identity: email, Password: pw}
}
