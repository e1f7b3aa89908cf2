package gql_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// exampleRoot is a surface's root resolver: one method per root field.
type exampleRoot struct{}

// Login resolves login. Real resolvers call the same surface function
// as the REST route, and set cookies through the exchange.
func (exampleRoot) Login(ctx context.Context, args struct{ Email, Password string }) (*string, error) {
	if args.Password != "secret" {
		return nil, errors.New("wrong password")
	}
	gql.ExchangeFrom(ctx).Respond(func(w http.ResponseWriter) {
		http.SetCookie(w, &http.Cookie{Name: "token", Value: "t"})
	})
	token := "t"
	return &token, nil
}

// Me resolves me.
func (exampleRoot) Me() *string { return nil }

// exampleMapper words errors in the surface's own shapes.
type exampleMapper struct{}

func (exampleMapper) Request(w http.ResponseWriter, _ *http.Request, err error) {
	_ = httpapi.WriteJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
}

func (exampleMapper) Document(_ *http.Request, errs []*gql.Error) httpapi.Answer {
	return httpapi.Answer{Status: http.StatusBadRequest, Body: map[string]any{"errors": errs}}
}

func (exampleMapper) Resolver(_ *http.Request, e *gql.Error) []*gql.Error {
	return []*gql.Error{{Message: "Invalid login: " + e.Cause.Error(), Path: e.Path}}
}

// A surface plugs in with a schema string, a root resolver, the root
// fields that are costly, and a mapper; the handler goes on its routes.
func Example() {
	h, err := gql.New(gql.Config{
		Schema: `
			type Query { me: String }
			type Mutation { login(email: String!, password: String!): String }`,
		Resolver: &exampleRoot{},
		Costly:   []string{"mutation.login"},
		Limits:   gql.DefaultLimits(),
		Errors:   exampleMapper{},
	})
	if err != nil {
		panic(err)
	}
	post := func(body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Header().Get("Set-Cookie"), " ", rec.Body.String())
	}
	post(`{"query":"mutation { login(email: \"a@b.co\", password: \"secret\") }"}`)
	post(`{"query":"mutation { login(email: \"a@b.co\", password: \"guess\") }"}`)
	post(`{"query":"mutation { a: login(email: \"a\", password: \"1\") b: login(email: \"a\", password: \"2\") c: login(email: \"a\", password: \"3\") d: login(email: \"a\", password: \"4\") }"}`)
	// Output:
	// 200 token=t {"data":{"login":"t"}}
	// 200  {"data":{"login":null},"errors":[{"message":"Invalid login: wrong password","path":["login"]}]}
	// 400  {"errors":[{"message":"The request asks for 4 costly operations (such as logins); at most 3 are allowed."}]}
}
