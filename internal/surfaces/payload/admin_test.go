package payload_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestFirstRegister: only the first of racing first-registers succeeds;
// it is verified and logged in; init follows.
func TestFirstRegister(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.Verify = true })
	if r := e.get(t, "/api/users/init", ""); r.body != `{"initialized":false}`+"\n" {
		t.Fatalf("init = %s", r.body)
	}
	r := e.post(t, "/api/users/first-register", `{"email":"first@example.com"}`, "")
	if r.status != 400 || !strings.Contains(r.body, `"path":"password"`) {
		t.Errorf("missing password: %d %s", r.status, r.body)
	}
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	bodies := make([]string, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.post(t, "/api/users/first-register", `{"email":"first`+string(rune('a'+i))+`@example.com","password":"correct horse","nickname":"F"}`, "")
			statuses[i], bodies[i] = r.status, r.body
		}()
	}
	wg.Wait()
	won := 0
	for i, s := range statuses {
		switch s {
		case 200:
			won++
			if !strings.Contains(bodies[i], `"message":"Successfully registered first user."`) ||
				!strings.Contains(bodies[i], `"_verified":true`) || !strings.Contains(bodies[i], `"nickname":"F"`) {
				t.Errorf("winner = %s", bodies[i])
			}
		case 403:
			if bodies[i] != `{"errors":[{"message":"You are not allowed to perform this action."}]}`+"\n" {
				t.Errorf("loser = %s", bodies[i])
			}
		default:
			t.Errorf("first-register = %d %s", s, bodies[i])
		}
	}
	if won != 1 {
		t.Fatalf("%d first-registers won, want exactly 1", won)
	}
	if r := e.get(t, "/api/users/init", ""); r.body != `{"initialized":true}`+"\n" {
		t.Errorf("init = %s", r.body)
	}
}

func TestAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok, _ := e.login(t, e.user(t, "ada@example.com").Email)
	for _, tc := range []struct{ auth, want string }{
		{"", `{"collections":{"users":{"create":true}},"globals":{}}`},
		{"JWT bogus", `{"collections":{"users":{"create":true}},"globals":{}}`},
		{jwt(tok), `{"canAccessAdmin":true,"collections":{"users":{"create":true,"read":true,"update":true,"delete":true,"unlock":true,"fields":true}},"globals":{}}`},
		{"Bearer " + e.superuser(t), `{"canAccessAdmin":true,"collections":{"users":{"create":true,"read":true,"update":true,"delete":true,"unlock":true,"fields":true}},"globals":{}}`},
	} {
		if r := e.get(t, "/api/access", tc.auth); r.status != 200 || r.body != tc.want+"\n" {
			t.Errorf("access with %q = %d %s, want %s", tc.auth, r.status, r.body, tc.want)
		}
	}
	// With unlock for superusers only, a user may not unlock.
	e2 := newEnv(t, func(o *payloadOptions) { o.UnlockAccess = "superuser" })
	tok2, _ := e2.login(t, e2.user(t, "ada@example.com").Email)
	if r := e2.get(t, "/api/access", jwt(tok2)); strings.Contains(r.body, "unlock") {
		t.Errorf("access = %s, want no unlock", r.body)
	}
}

// TestRoutes: unknown paths and methods are Payload's 404.
func TestRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, p := range []string{"/", "/api", "/api/bogus", "/api/users/bogus/x", "/api/collections/users/records"} {
		wantError(t, e.get(t, p, ""), http.StatusNotFound, "The requested resource was not found.")
	}
}
