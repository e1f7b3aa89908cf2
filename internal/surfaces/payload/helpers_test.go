package payload_test

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
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// serverURL is Payload's serverURL in tests: mailed links start with it.
const serverURL = "http://cms.test"

// password is what the helpers' users log in with.
const password = "correct horse"

// env is the Payload surface served by the shared harness, with the
// users collection and the Options it was built with at hand.
type env struct {
	*surfacetest.Server
	svc   *core.Service
	users *core.Collection
	opt   payload.Options
}

// newEnv builds an env with a tiny login stall and whatever mod changes.
func newEnv(t testing.TB, mod func(*payload.Options)) *env {
	t.Helper()
	return newEnvOf(t, surfacetest.Deps{}, mod)
}

// newEnvWithDeps is newEnv with the harness's deps (a body limit).
func newEnvWithDeps(t testing.TB, d surfacetest.Deps) *env {
	t.Helper()
	return newEnvOf(t, d, nil)
}

func newEnvOf(t testing.TB, d surfacetest.Deps, mod func(*payload.Options)) *env {
	t.Helper()
	return newEnvCore(t, d, coretest.Options{}, mod)
}

// newEnvCore is newEnv over a core built with co (settings).
func newEnvCore(t testing.TB, d surfacetest.Deps, co coretest.Options, mod func(*payload.Options)) *env {
	t.Helper()
	opt := payload.DefaultOptions()
	opt.ServerURL = serverURL
	opt.LoginStall = setting.Duration(time.Millisecond)
	if mod != nil {
		mod(&opt)
	}
	s := surfacetest.Start(t, surfacetest.Options{Core: co, Deps: d}, build(opt))
	users, _ := s.Service.Collection("users")
	return &env{Server: s, svc: s.Service, users: users, opt: opt}
}

// build is the harness's builder of the surface with opt.
func build(opt payload.Options) surfacetest.Builder {
	return func(d surfaces.Deps) (http.Handler, error) { return payload.NewHandler(d, opt) }
}

// request is one HTTP call; a non-empty body is sent as JSON unless
// ctype says otherwise; auth is the Authorization header as given.
type request struct {
	method, path, body, ctype, auth string
	cookies                         map[string]string
	header                          map[string]string
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
	res := e.Do(t, surfacetest.Request{Method: r.method, Path: r.path, Body: r.body, ContentType: r.ctype,
		Authorization: r.auth, Header: r.header, Cookies: r.cookies})
	out := response{status: res.Status, header: res.Header, body: res.Body, cookies: res.Cookies}
	checkResponse(t, r.method+" "+r.path, out)
	return out
}

func (e *env) post(t testing.TB, path, body, auth string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPost, path: path, body: body, auth: auth})
}

func (e *env) get(t testing.TB, path, auth string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodGet, path: path, auth: auth})
}

// checkResponse asserts what holds for every answer: nosniff, JSON, no
// hidden field anywhere, errors in Payload's envelope, never a 500.
func checkResponse(t testing.TB, what string, r response) {
	t.Helper()
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q", what, got)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("%s: Content-Type = %q", what, got)
	}
	for _, hidden := range []string{"$argon2", `"hash"`, `"salt"`, `"loginAttempts"`, `"lockUntil"`, `"resetPasswordToken"`, `"_verificationToken"`, `"password":`} {
		if strings.Contains(r.body, hidden) {
			t.Errorf("%s: body shows %s: %s", what, hidden, r.body)
		}
	}
	if r.status >= 500 {
		t.Errorf("%s: %d: %s", what, r.status, r.body)
	}
	if r.status < 400 {
		return
	}
	var env struct {
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Errors) != 1 {
		t.Errorf("%s: error body not in Payload's envelope: %q", what, r.body)
		return
	}
	if m, _ := env.Errors[0]["message"].(string); m == "" {
		t.Errorf("%s: error without a message: %q", what, r.body)
	}
}

// wantError asserts an error answer with this status and message.
func wantError(t testing.TB, r response, status int, message string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	want := `{"errors":[{"message":` + jsonString(message) + `}]}` + "\n"
	if r.body != want {
		t.Fatalf("body = %s, want %s", r.body, want)
	}
}

// wantStatus fails the test unless r has the given status.
func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// object decodes a JSON object answer.
func object(t testing.TB, r response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// jsonString encodes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// credentials is a login body.
func credentials(email, pw string) string {
	return `{"email":` + jsonString(email) + `,"password":` + jsonString(pw) + `}`
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

// login logs in through the surface and returns the token and answer.
func (e *env) login(t testing.TB, email string) (string, map[string]any) {
	t.Helper()
	r := e.post(t, "/api/users/login", credentials(email, password), "")
	wantStatus(t, r, http.StatusOK)
	m := object(t, r)
	tok, _ := m["token"].(string)
	if tok == "" {
		t.Fatalf("login answer without a token: %s", r.body)
	}
	return tok, m
}

// superuser creates a superuser and returns its token (logged in through
// core: superusers are no Payload slug here).
func (e *env) superuser(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.UpsertSuperuser(ctx, "root@example.com", "rootpassword"); err != nil {
		t.Fatal(err)
	}
	supers, _ := e.svc.Collection(core.SuperusersName)
	res, err := e.svc.LoginWithPassword(ctx, supers, core.PasswordLogin{Identity: "root@example.com", Password: "rootpassword"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Token
}

// linkToken matches a mailed Payload link's token (…/reset/<t> or
// …/users/verify/<t>).
var linkToken = regexp.MustCompile(`(http://cms\.test/admin/(?:reset|users/verify)/([A-Za-z0-9_\-.]+))`)

// mailTo delivers every queued mail and returns the link and token of
// the newest one sent to addr.
func (e *env) mailTo(t testing.TB, addr string) (link, token string) {
	t.Helper()
	msgs := e.DeliverAll(t)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			m := linkToken.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("mail to %s has no Payload link: %q", addr, msgs[i].Text)
			}
			return m[1], m[2]
		}
	}
	t.Fatalf("no mail to %s among %d messages", addr, len(msgs))
	return "", ""
}

// jwt is an Authorization header value with Payload's JWT scheme.
func jwt(token string) string { return "JWT " + token }
