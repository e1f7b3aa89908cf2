package directus_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// namesPath reads the two name fields alone.
const namesPath = "/users/me?fields=first_name,last_name"

// A registration's first_name and last_name come back exactly as given,
// not as its joined name split at the first space; PocketBase clients
// still read the joined name.
func TestRegisteredNamesKeptAsGiven(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	r := e.post(t, "/users/register", `{"email":"ada@example.com","password":"correct horse","first_name":"Ada Lovelace","last_name":"King"}`)
	wantStatus(t, r, http.StatusNoContent)
	tk, _ := e.login(t, "ada@example.com", "json")
	if r := e.get(t, namesPath, tk.AccessToken); r.body != `{"data":{"first_name":"Ada Lovelace","last_name":"King"}}`+"\n" {
		t.Errorf("GET /users/me = %s", r.body)
	}
	u, err := e.DB.UserByEmail(ctx, e.users.ID, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"first_name": "Ada Lovelace", "last_name": "King"}
	if diff := cmp.Diff(want, u.Profile); diff != "" || u.Name != "Ada Lovelace King" {
		t.Errorf("stored name %q, profile (-want +got):\n%s", u.Name, diff)
	}

	// Changing one name keeps the other as given.
	r = e.do(t, request{method: http.MethodPatch, path: namesPath, token: tk.AccessToken, body: `{"last_name":"Byron"}`})
	if r.body != `{"data":{"first_name":"Ada Lovelace","last_name":"Byron"}}`+"\n" {
		t.Errorf("PATCH answer = %s", r.body)
	}
	if u, _ := e.DB.UserByID(ctx, e.users.ID, u.ID); u.Name != "Ada Lovelace Byron" {
		t.Errorf("name after PATCH = %q", u.Name)
	}
}

// A name changed through another surface (PocketBase's name field) is
// not hidden by the pair the profile kept: the pair no longer joins to
// the name, so the name is split as before.
func TestStaleProfileNamesGiveWay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	wantStatus(t, e.post(t, "/users/register", `{"email":"ada@example.com","password":"correct horse","first_name":"Ada Lovelace","last_name":"King"}`), http.StatusNoContent)
	u, err := e.DB.UserByEmail(ctx, e.users.ID, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	u.Name = "Grace Brewster Hopper"
	if err := e.DB.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tk, _ := e.login(t, "ada@example.com", "json")
	if r := e.get(t, namesPath, tk.AccessToken); r.body != `{"data":{"first_name":"Grace","last_name":"Brewster Hopper"}}`+"\n" {
		t.Errorf("GET /users/me = %s", r.body)
	}
	// Anything but strings and nulls in the pair reads as no pair.
	u.Name, u.Profile = "Ada King", map[string]any{"first_name": "Ada", "last_name": []any{"King"}}
	if err := e.DB.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tk, _ = e.login(t, "ada@example.com", "json")
	if r := e.get(t, namesPath, tk.AccessToken); r.body != `{"data":{"first_name":"Ada","last_name":"King"}}`+"\n" {
		t.Errorf("GET /users/me = %s", r.body)
	}
}

// PATCH /users/me sets the name pair and keeps what else the profile
// holds (another surface's data).
func TestUpdateMeKeepsOtherProfileData(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	ada := e.user(t, "ada@example.com")
	ada.Profile = map[string]any{"userData": map[string]any{"plan": "pro"}}
	if err := e.DB.UpdateUser(ctx, ada); err != nil {
		t.Fatal(err)
	}
	tk, _ := e.login(t, "ada@example.com", "json")
	r := e.do(t, request{method: http.MethodPatch, path: namesPath, token: tk.AccessToken, body: `{"first_name":"Ada Lovelace","last_name":null}`})
	if r.body != `{"data":{"first_name":"Ada Lovelace","last_name":null}}`+"\n" {
		t.Errorf("PATCH answer = %s", r.body)
	}
	u, _ := e.DB.UserByID(ctx, e.users.ID, ada.ID)
	want := map[string]any{"userData": map[string]any{"plan": "pro"}, "first_name": "Ada Lovelace", "last_name": nil}
	if diff := cmp.Diff(want, u.Profile); diff != "" || u.Name != "Ada Lovelace" {
		t.Errorf("name %q, profile (-want +got):\n%s", u.Name, diff)
	}
	// A refused name is reported once, as first_name.
	r = e.do(t, request{method: http.MethodPatch, path: namesPath, token: tk.AccessToken, body: `{"first_name":"a\u0000b"}`})
	wantError(t, r, "INVALID_PAYLOAD", `Invalid payload. "first_name" must not contain control characters.`)
}

// A suspended user cannot log in (answered as a wrong password) and its
// tokens stop working.
func TestSuspendedUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	ada := e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	ada.Status = core.UserSuspended
	if err := e.DB.UpdateUser(ctx, ada); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.get(t, "/users/me", tk.AccessToken), "INVALID_CREDENTIALS", "")
	right := e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse"}`)
	wrong := e.post(t, "/auth/login", `{"email":"ada@example.com","password":"wrong horse"}`)
	wantError(t, right, "INVALID_CREDENTIALS", "")
	if right.status != wrong.status || right.body != wrong.body {
		t.Errorf("right password %d %s, wrong %d %s: want the same answer", right.status, right.body, wrong.status, wrong.body)
	}
}
