package pocketbase_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/pocketbase"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// Root credentials every env can create with superuser.
const (
	rootEmail    = "root@example.com"
	rootPassword = "rootpassword"
)

// env is the PocketBase surface served by the shared harness
// (surfacetest: a real core over SQLite, the surface behind ClientIP on a
// loopback listener, as cmd composes it), with short names for what its
// tests use most.
type env struct {
	*surfacetest.Server
	svc   *core.Service
	db    *sqlite.DB
	clock *coretest.Clock
}

// config is what a test may change before its env is built: the
// harness's options (the core and the surface's deps) and PocketBase's
// own Options.
type config struct {
	surfacetest.Options
	opt pocketbase.Options
}

func newEnv(t testing.TB) *env { return newEnvWith(t, nil) }

// newEnvWith builds an env as mod (which may be nil) configures it.
func newEnvWith(t testing.TB, mod func(*config)) *env {
	t.Helper()
	var c config
	if mod != nil {
		mod(&c)
	}
	return envOf(surfacetest.Start(t, c.Options, func(d surfaces.Deps) (http.Handler, error) {
		return pocketbase.NewHandler(d, c.opt)
	}))
}

// envOf is the env of a server the harness started.
func envOf(s *surfacetest.Server) *env {
	return &env{Server: s, svc: s.Service, db: s.DB, clock: s.Clock}
}

// request is one HTTP call. A non-empty body defaults to Content-Type
// application/json.
type request struct {
	method string
	path   string
	token  string // the Authorization header, sent as is
	ctype  string
	body   string
	header map[string]string
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends r and checks what every answer must be (checkResponse) and
// that it leaks no secret.
func (e *env) do(t testing.TB, r request) response {
	t.Helper()
	out := e.rawDo(t, r)
	checkResponse(t, r.method+" "+r.path, out)
	checkNoLeak(t, r.method+" "+r.path, out, secretMarkers)
	return out
}

// rawDo sends r like env.do but checks nothing.
func (e *env) rawDo(t testing.TB, r request) response {
	t.Helper()
	res := e.Do(t, surfacetest.Request{Method: r.method, Path: r.path, Body: r.body, ContentType: r.ctype,
		Authorization: r.token, Header: r.header})
	return response{status: res.Status, header: res.Header, body: res.Body}
}

func (e *env) get(t testing.TB, path, token string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodGet, path: path, token: token})
}

func (e *env) post(t testing.TB, path, token, body string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPost, path: path, token: token, body: body})
}

func (e *env) patch(t testing.TB, path, token, body string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPatch, path: path, token: token, body: body})
}

func (e *env) del(t testing.TB, path, token string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodDelete, path: path, token: token})
}

// errorShape is PocketBase's error body with its exact key order.
var errorShape = regexp.MustCompile(`^\{"data":\{.*\},"message":"[^"]*\.","status":([0-9]{3})\}\n$`)

// signUp creates a user through the public sign-up route and returns its
// id.
func (e *env) signUp(t testing.TB, email, password string) string {
	t.Helper()
	r := e.post(t, "/api/collections/users/records", "",
		`{"email":`+jsonString(email)+`,"password":`+jsonString(password)+`,"passwordConfirm":`+jsonString(password)+`}`)
	wantStatus(t, r, http.StatusOK)
	var rec record
	decode(t, r.body, &rec)
	return rec.ID
}

// login authenticates with a password and returns the token and the
// record.
func (e *env) login(t testing.TB, collection, email, password string) (string, record) {
	t.Helper()
	r := e.post(t, "/api/collections/"+collection+"/auth-with-password", "",
		`{"identity":`+jsonString(email)+`,"password":`+jsonString(password)+`}`)
	wantStatus(t, r, http.StatusOK)
	var ab authBody
	decode(t, r.body, &ab)
	var rec record
	decode(t, string(ab.Record), &rec)
	return ab.Token, rec
}

// user signs a user up and logs it in.
func (e *env) user(t testing.TB, email string) (token, id string) {
	t.Helper()
	id = e.signUp(t, email, "password123")
	token, _ = e.login(t, "users", email, "password123")
	return token, id
}

// superuser creates the root superuser and logs it in.
func (e *env) superuser(t testing.TB) (token, id string) {
	t.Helper()
	if _, err := e.svc.UpsertSuperuser(context.Background(), rootEmail, rootPassword); err != nil {
		t.Fatal(err)
	}
	token, rec := e.login(t, "_superusers", rootEmail, rootPassword)
	return token, rec.ID
}

// mailTo plays the mail worker: it delivers every queued message and
// returns the token linked in the newest one sent to addr.
func (e *env) mailTo(t testing.TB, addr string) string {
	t.Helper()
	_, tok := e.MailTo(t, addr)
	return tok
}

// pendingMail counts queued, unsent messages.
func (e *env) pendingMail(t testing.TB) int {
	t.Helper()
	n, err := e.db.PendingMail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
