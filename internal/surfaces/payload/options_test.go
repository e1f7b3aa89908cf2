package payload_test

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
)

func TestNewHandlerOptions(t *testing.T) {
	t.Parallel()
	ce := coretest.New(t)
	for _, tc := range []struct {
		name string
		mod  func(*payload.Options)
		want string // part of the error; "" for success
	}{
		{"defaults", func(o *payload.Options) {}, ""},
		{"two slugs", func(o *payload.Options) { o.Slugs = map[string]string{"users": "users", "admins": "_superusers"} }, ""},
		{"unknown collection", func(o *payload.Options) { o.Slugs = map[string]string{"users": "nope"} }, `slugs.users: no auth collection "nope"`},
		{"collection twice", func(o *payload.Options) { o.Slugs = map[string]string{"a": "users", "b": "users"} }, "already bound"},
		{"collection twice by id", func(o *payload.Options) { o.Slugs = map[string]string{"a": "users", "b": "_pb_users_auth_"} }, "bound to another slug"},
		{"reserved slug", func(o *payload.Options) { o.Slugs = map[string]string{"access": "users"} }, "Payload's own route"},
		{"slug with a slash", func(o *payload.Options) { o.Slugs = map[string]string{"a/b": "users"} }, "letters, digits"},
		{"wildcard slug", func(o *payload.Options) { o.Slugs = map[string]string{"{x}": "users"} }, "letters, digits"},
		{"no server url", func(o *payload.Options) { o.ServerURL = "" }, "ServerURL"},
		{"api prefix", func(o *payload.Options) { o.APIPrefix = "api/" }, "APIPrefix"},
		{"unlock access", func(o *payload.Options) { o.UnlockAccess = "anyone" }, "UnlockAccess"},
		{"csrf with a path", func(o *payload.Options) { o.CSRF = []string{"https://app.example/x"} }, "CSRF"},
		{"negative attempts", func(o *payload.Options) { o.MaxLoginAttempts = -1 }, "MaxLoginAttempts"},
		{"cookie prefix", func(o *payload.Options) { o.CookiePrefix = "a b" }, "CookiePrefix"},
	} {
		opt := payload.DefaultOptions()
		opt.ServerURL = serverURL
		tc.mod(&opt)
		_, err := payload.NewHandler(surfaces.Deps{Service: ce.Service}, opt)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestRoots: the paths the surface claims, per slug under the prefix,
// and GraphQL.
func TestRoots(t *testing.T) {
	t.Parallel()
	o := payload.DefaultOptions()
	o.Slugs = map[string]string{"users": "users", "admins": "_superusers"}
	o.APIPrefix = "/cms"
	if got := strings.Join(o.Roots(), " "); got != "/cms/admins /cms/users /cms/access /cms/graphql" {
		t.Errorf("Roots = %s", got)
	}
}

// TestTwoSlugs: each slug serves its own collection; a token of one is
// no user of the other.
func TestTwoSlugs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.Slugs = map[string]string{"users": "users", "admins": "_superusers"} })
	e.superuser(t)
	r := e.post(t, "/api/admins/login", credentials("root@example.com", "rootpassword"), "")
	wantStatus(t, r, 200)
	m := object(t, r)
	tok := m["token"].(string)
	if claimsOf(t, tok)["collection"] != "admins" || m["user"].(map[string]any)["collection"] != "admins" {
		t.Errorf("admins login = %s", r.body)
	}
	if me := object(t, e.get(t, "/api/users/me", jwt(tok))); me["user"] != nil {
		t.Errorf("an admins token is a user of users: %v", me)
	}
	wantError(t, e.post(t, "/api/users/logout", "", jwt(tok)), 403, "Incorrect collection")
	wantError(t, e.post(t, "/api/admins/first-register", `{"email":"x@example.com","password":"correct horse"}`, ""), 403,
		"You are not allowed to perform this action.")
}
