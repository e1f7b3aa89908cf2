package pocketbase_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/pocketbase"
)

// Root credentials every env can create with superuser.
const (
	rootEmail    = "root@example.com"
	rootPassword = "rootpassword"
)

// env is the PocketBase surface over a real core and SQLite store with
// cheap hashing, served on a loopback listener the way cmd composes it
// (ClientIP outside the surface).
type env struct {
	*coretest.Env
	svc     *core.Service
	db      *sqlite.DB
	handler http.Handler
	srv     *httptest.Server
	clock   *coretest.Clock
}

func newEnv(t testing.TB) *env { return newEnvWith(t, testDeps{}) }

// testDeps are a test's surfaces.Deps and Options in one literal.
type testDeps struct {
	Service   *core.Service
	BodyLimit int64
	OnRoute   func(r *http.Request, pattern string)
	Done      <-chan struct{}
	Realtime  core.RealtimeRelay
}

// handler builds the surface from d, as cmd does.
func (d testDeps) handler(t testing.TB) http.Handler {
	t.Helper()
	h, err := pocketbase.NewHandler(surfaces.Deps{Service: d.Service, BodyLimit: d.BodyLimit, OnRoute: d.OnRoute, Done: d.Done},
		pocketbase.Options{Realtime: d.Realtime})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newEnvWith builds an env whose surface gets d (its Service is filled
// in).
func newEnvWith(t testing.TB, d testDeps) *env {
	t.Helper()
	ce := coretest.New(t)
	d.Service = ce.Service
	root := httpapi.Chain(d.handler(t), httpapi.ClientIP(nil))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return &env{Env: ce, svc: ce.Service, db: ce.DB, handler: root, srv: srv, clock: ce.Clock}
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

// response is what came back, already checked by checkResponse.
type response struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(t testing.TB, r request) response {
	t.Helper()
	req, err := http.NewRequest(r.method, e.srv.URL+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	ct := r.ctype
	if ct == "" && r.body != "" {
		ct = "application/json"
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		req.Header.Set("Authorization", r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: string(body)}
	checkResponse(t, r.method+" "+r.path, out)
	checkNoLeak(t, r.method+" "+r.path, out, secretMarkers)
	return out
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
