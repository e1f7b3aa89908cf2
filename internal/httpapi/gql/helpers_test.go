package gql_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// testSchema is a small schema with a costly mutation, a nested type for
// depth, and resolvers that fail and panic.
const testSchema = `
schema { query: Query mutation: Mutation }
type Query {
  hello(name: String): String
  echo(n: Int!): Int
  node: Node
  fail: String
  boom: String
}
type Node { id: String! child: Node }
type Mutation {
  login(password: String!): String
  plain: String
}
`

// root resolves testSchema and counts the logins that ran.
type root struct{ logins atomic.Int64 }

func (r *root) Hello(args struct{ Name *string }) *string {
	s := "hello"
	if args.Name != nil {
		s += " " + *args.Name
	}
	return &s
}
func (r *root) Echo(args struct{ N int32 }) *int32 { return &args.N }
func (r *root) Node() *node                        { return &node{} }
func (r *root) Fail() (*string, error)             { return nil, errors.New("it failed") }
func (r *root) Boom() *string                      { panic("kaboom") }
func (r *root) Plain() *string                     { return ptr("plain") }

// Login counts the call and sets a cookie through the exchange.
func (r *root) Login(ctx context.Context, args struct{ Password string }) *string {
	r.logins.Add(1)
	gql.ExchangeFrom(ctx).Respond(func(w http.ResponseWriter) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s"})
	})
	return ptr("ok")
}

func ptr(s string) *string { return &s }

type node struct{}

func (node) ID() string   { return "n" }
func (node) Child() *node { return &node{} }

// mapper words errors the way a surface would: request errors as 400
// (405 for a method) with a code, document errors as 400 with the rule,
// resolver errors as their message (a panic as "internal").
type mapper struct{}

func (mapper) Request(w http.ResponseWriter, r *http.Request, err error) {
	status, code := http.StatusBadRequest, "BAD_REQUEST"
	var re *gql.RequestError
	var de *httpapi.DecodeError
	switch {
	case errors.As(err, &re):
		code = string(re.Kind)
		if re.Kind == gql.KindMethod || re.Kind == gql.KindMutationOverGET {
			status = http.StatusMethodNotAllowed
		}
	case errors.As(err, &de):
		code = string(de.Reason)
		switch de.Reason {
		case httpapi.ReasonTooLarge:
			status = http.StatusRequestEntityTooLarge
		case httpapi.ReasonUnsupportedType:
			status = http.StatusUnsupportedMediaType
		}
	}
	_ = httpapi.WriteJSON(w, status, map[string]any{"errors": []any{map[string]any{"message": err.Error(), "extensions": map[string]any{"code": code}}}})
}

func (mapper) Document(_ *http.Request, errs []*gql.Error) httpapi.Answer {
	for _, e := range errs {
		e.Extensions = map[string]any{"rule": e.Rule}
	}
	return httpapi.Answer{Status: http.StatusBadRequest, Body: map[string]any{"errors": errs}}
}

func (mapper) Resolver(_ *http.Request, e *gql.Error) []*gql.Error {
	msg := e.Cause.Error()
	if strings.Contains(msg, "panicked") {
		msg = "internal"
	}
	return []*gql.Error{{Message: msg, Path: e.Path}}
}

// server serves testSchema with limits l.
type server struct {
	*httptest.Server
	root *root
}

func newServer(t testing.TB, l gql.Limits) *server {
	t.Helper()
	r := &root{}
	h, err := gql.New(gql.Config{Schema: testSchema, Resolver: r, Costly: []string{"mutation.login"},
		Limits: l, Errors: mapper{}, MaxBodyBytes: 1 << 20, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &server{Server: ts, root: r}
}

// reply is an answer: its status, raw body and headers.
type reply struct {
	status int
	body   string
	header http.Header
}

// post sends body as application/json (or ctype).
func (s *server) post(t *testing.T, body, ctype string) reply {
	t.Helper()
	if ctype == "" {
		ctype = "application/json"
	}
	res, err := http.Post(s.URL, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

// query posts one operation.
func (s *server) query(t *testing.T, query string, vars map[string]any) reply {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.post(t, string(b), "")
}

func (s *server) get(t *testing.T, rawQuery string) reply {
	t.Helper()
	res, err := http.Get(s.URL + "?" + rawQuery)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func read(t *testing.T, res *http.Response) reply {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode >= 500 {
		t.Fatalf("status %d: %s", res.StatusCode, b)
	}
	return reply{status: res.StatusCode, body: string(b), header: res.Header}
}

// gqlBody is a decoded single answer.
type gqlBody struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func decode(t *testing.T, r reply) gqlBody {
	t.Helper()
	var b gqlBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return b
}

// wantRefused checks a 4xx whose first error has extensions[key] == want.
func wantRefused(t *testing.T, r reply, status int, key, want string) gqlBody {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	b := decode(t, r)
	if len(b.Errors) == 0 || b.Errors[0].Extensions[key] != want {
		t.Fatalf("want %s %q: %s", key, want, r.body)
	}
	return b
}
