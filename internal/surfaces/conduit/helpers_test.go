package conduit_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/conduit"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// publicURL is the surface's public base in tests: mailed hook links
// start with it, whatever port the test server has.
const publicURL = "http://gatehouse.test/conduit"

// password is what the helpers' users log in with.
const password = "securePassword123"

// env is the Conduit surface served by the shared harness (surfacetest:
// a real core over SQLite, the surface behind ClientIP on a loopback
// listener, as cmd composes it), with the users collection and the
// Options it was built with at hand.
type env struct {
	*surfacetest.Server
	svc   *core.Service
	users *core.Collection
	opt   conduit.Options
}

// config tunes an env before it is built.
type config struct {
	surfacetest.Deps
	opt      conduit.Options
	settings func(*core.Settings)
	users    func(*core.Collection)
}

// newEnv builds an env with a short login stall and whatever mod
// changes.
func newEnv(t testing.TB, mod func(*config)) *env {
	t.Helper()
	cfg := config{opt: conduit.DefaultOptions()}
	cfg.opt.PublicURL = publicURL
	cfg.opt.LoginStall = setting.Duration(2 * time.Millisecond)
	if mod != nil {
		mod(&cfg)
	}
	coreOpt := coretest.Options{
		Settings: func(s *core.Settings) {
			if cfg.settings != nil {
				cfg.settings(s)
			}
		},
		Collections: func(users, _ *core.Collection) {
			if cfg.users != nil {
				cfg.users(users)
			}
		},
	}
	s := surfacetest.Start(t, surfacetest.Options{Core: coreOpt, Deps: cfg.Deps}, build(cfg.opt))
	users, _ := s.Service.Collection("users")
	return &env{Server: s, svc: s.Service, users: users, opt: cfg.opt}
}

// build is the harness's builder of the surface with opt.
func build(opt conduit.Options) surfacetest.Builder {
	return func(d surfaces.Deps) (http.Handler, error) { return conduit.NewHandler(d, opt) }
}

// request is one HTTP call. A non-empty body is sent as
// application/json unless ctype says otherwise.
type request struct {
	method  string
	path    string
	body    string
	ctype   string
	token   string // sent as Authorization: Bearer
	auth    string // sent as the Authorization header as is
	cookies map[string]string
	header  map[string]string
}

// response is what came back, already checked by checkResponse.
type response struct {
	status  int
	header  http.Header
	body    string
	cookies map[string]*http.Cookie
}

func (e *env) do(t testing.TB, r request) response {
	t.Helper()
	req := surfacetest.Request{Method: r.method, Path: r.path, Body: r.body, ContentType: r.ctype, Header: r.header, Cookies: r.cookies}
	req.Authorization = r.auth
	if r.token != "" {
		req.Authorization = "Bearer " + r.token
	}
	res := e.Do(t, req)
	out := response{status: res.Status, header: res.Header, body: res.Body, cookies: res.Cookies}
	checkResponse(t, r.method+" "+r.path, out)
	return out
}

func (e *env) post(t testing.TB, path, body, token string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPost, path: path, body: body, token: token})
}

// names are the error names each status answers with.
var names = map[int][]string{
	400: {"INVALID_ARGUMENTS", "USER_INPUT_ERROR"}, 401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN"},
	404: {"NOT_FOUND"}, 409: {"CONFLICT"}, 413: {"PAYLOAD_TOO_LARGE"}, 415: {"UNSUPPORTED_MEDIA_TYPE"},
	429: {"TOO_MANY_REQUESTS"}, 500: {"INTERNAL_SERVER_ERROR"}, 501: {"NOT_IMPLEMENTED"}, 503: {"SERVICE_UNAVAILABLE"},
}

// errorBody is Conduit's error shape.
type errorBody struct {
	Name        string `json:"name"`
	Status      int    `json:"status"`
	Message     string `json:"message"`
	ConduitCode string `json:"conduitCode"`
}

// checkResponse asserts what holds for every answer: nosniff, no-store,
// no password hash anywhere, JSON bodies, and errors in Conduit's shape
// whose name and status match the HTTP status.
func checkResponse(t testing.TB, what string, r response) {
	t.Helper()
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q", what, got)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control = %q, want no-store", what, got)
	}
	if strings.Contains(r.body, "$argon2") || strings.Contains(r.body, "$2a$") || strings.Contains(r.body, "$2b$") {
		t.Errorf("%s: body leaks a password hash: %s", what, r.body)
	}
	if r.status >= 300 && r.status < 400 {
		return
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("%s: Content-Type = %q, want application/json", what, got)
	}
	if !json.Valid([]byte(r.body)) {
		t.Errorf("%s: body is not JSON: %q", what, r.body)
	}
	if r.status < 400 {
		return
	}
	var e errorBody
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Message == "" || e.Status != r.status {
		t.Errorf("%s: error body not in Conduit's shape: %d %q", what, r.status, r.body)
		return
	}
	if !contains(names[r.status], e.Name) {
		t.Errorf("%s: status %d named %q", what, r.status, e.Name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wantError asserts an error answer with this status, name and message
// (each when given).
func wantError(t testing.TB, r response, status int, name, message string) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.status != status {
		t.Fatalf("answer %d %s, want %d", r.status, r.body, status)
	}
	if name != "" && e.Name != name {
		t.Fatalf("name = %q, want %q; body %s", e.Name, name, r.body)
	}
	if message != "" && e.Message != message {
		t.Fatalf("message = %q, want %q", e.Message, message)
	}
	return e
}

// wantStatus fails the test unless r has the given status.
func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// decode decodes a success answer into v.
func decode(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

// tokens is a login-style answer.
type tokens struct {
	UserID       string `json:"userId"`
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
}

// jsonString encodes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// credentials is a login or registration body.
func credentials(email, pw string) string {
	return `{"email":` + jsonString(email) + `,"password":` + jsonString(pw) + `}`
}

// register signs email up through the surface and returns its id.
func (e *env) register(t testing.TB, email string) string {
	t.Helper()
	r := e.post(t, "/authentication/local/new", credentials(email, password), "")
	wantStatus(t, r, 200)
	var out struct {
		User struct {
			ID string `json:"_id"`
		} `json:"user"`
	}
	decode(t, r, &out)
	if out.User.ID == "" {
		t.Fatalf("register: no _id in %s", r.body)
	}
	return out.User.ID
}

// login logs email in and returns the answer's tokens.
func (e *env) login(t testing.TB, email string) tokens {
	t.Helper()
	r := e.post(t, "/authentication/local", credentials(email, password), "")
	wantStatus(t, r, 200)
	var tk tokens
	decode(t, r, &tk)
	if tk.AccessToken == "" || tk.RefreshToken == "" || tk.UserID == "" {
		t.Fatalf("login: %s", r.body)
	}
	return tk
}

// renew renews with refresh (as Bearer) and returns the answer.
func (e *env) renew(t testing.TB, refresh string) response {
	t.Helper()
	return e.post(t, "/authentication/renew", "", refresh)
}
