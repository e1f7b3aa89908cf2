package pocketbase_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOnRoute: the metrics hook hears the matched pattern, never the raw
// path (which would carry ids and explode label cardinality).
func TestOnRoute(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		got []string
	)
	e := newEnvWith(t, func(c *config) {
		c.OnRoute = func(r *http.Request, pattern string) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, r.Method+" "+r.URL.Path+" => "+pattern)
		}
	})
	id := e.signUp(t, "alice@example.com", "password123")
	token, _ := e.login(t, "users", "alice@example.com", "password123")
	e.get(t, "/api/health", "")
	e.get(t, usersRecords+"/"+id, token)
	e.get(t, sessionsPath, token)
	e.del(t, sessionsPath+"/abcdefghijklmno", token)
	e.post(t, rtExchange, "", `{"refreshToken":"x"}`)
	e.get(t, auditPath, token)
	e.post(t, "/api/collections/nope/auth-with-password", "", `{}`)
	e.get(t, "/no/such/path", "")

	c := "/api/collections/{collection}"
	want := []string{
		"POST /api/collections/users/records => POST " + c + "/records",
		"POST /api/collections/users/auth-with-password => POST " + c + "/auth-with-password",
		"GET /api/health => GET /api/health",
		"GET /api/collections/users/records/" + id + " => GET " + c + "/records/{id}",
		"GET /api/collections/users/sessions => GET " + c + "/sessions",
		"DELETE /api/collections/users/sessions/abcdefghijklmno => DELETE " + c + "/sessions/{sid}",
		"POST /api/collections/users/auth-with-refresh-token => POST " + c + "/auth-with-refresh-token",
		"GET /api/audit => GET /api/audit",
		"POST /api/collections/nope/auth-with-password => POST " + c + "/auth-with-password",
		"GET /no/such/path => /",
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OnRoute calls (-want +got):\n%s", diff)
	}
}
