package gatehouse_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/gatehouse/gatehouse"
)

// A Go program opens a Gatehouse in its own process, signs a user up and
// in without HTTP, and checks the token as its own handlers would.
func Example() {
	dir, err := os.MkdirTemp("", "gatehouse-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	g, err := gatehouse.Open(ctx, gatehouse.Config{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()

	if err := g.Register(ctx, gatehouse.RegisterInput{Email: "ada@example.com", Password: "correct horse battery"}); err != nil {
		log.Fatal(err)
	}
	auth, err := g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		log.Fatal(err)
	}
	me, err := g.Me(ctx, auth.Token)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in:", me.User.Email, "in", me.User.Collection)

	_, err = g.Login(ctx, gatehouse.LoginInput{Email: "ada@example.com", Password: "wrong"})
	fmt.Println("wrong password:", err)

	if err := g.Logout(ctx, auth.Token, false); err != nil {
		log.Fatal(err)
	}
	me, _ = g.Me(ctx, auth.Token)
	fmt.Println("after logout, a user:", me.User != nil)
	// Output:
	// logged in: ada@example.com in users
	// wrong password: The email or password provided is incorrect.
	// after logout, a user: false
}

// The program serves every surface's HTTP API on its own mux, beside its
// own routes.
func ExampleGatehouse_Handler() {
	dir, err := os.MkdirTemp("", "gatehouse-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	g, err := gatehouse.Open(context.Background(), gatehouse.Config{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") })
	mux.Handle("/", g.Handler()) // PocketBase's /api/, /directus, /payload, /.well-known/jwks.json, ...
	_ = &http.Server{Addr: "127.0.0.1:8090", Handler: mux}
	// srv.ListenAndServe() in a real program.
	fmt.Println("mounted")
	// Output: mounted
}
