package directus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// allUserKeys is the full item, in Directus's column order.
var allUserKeys = []string{
	"id", "first_name", "last_name", "email", "password", "location", "title", "description", "tags",
	"avatar", "language", "tfa_secret", "status", "role", "token", "last_access", "last_page", "provider",
	"external_identifier", "auth_data", "email_notifications", "appearance", "theme_dark", "theme_light",
	"theme_light_overrides", "theme_dark_overrides", "text_direction", "policies",
}

// dataKeys returns the keys of the answer's data object in wire order.
func dataKeys(t testing.TB, r response) []string {
	t.Helper()
	var outer struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &outer); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(outer.Data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("data is not an object: %s", outer.Data)
	}
	var keys []string
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ada := e.user(t, "ada@example.com")
	name := "Ada King Lovelace"
	ada.Name = name
	if err := e.DB.UpdateUser(context.Background(), ada); err != nil {
		t.Fatal(err)
	}
	tk, _ := e.login(t, "ada@example.com", "json")

	r := e.get(t, "/users/me", tk.AccessToken)
	if got := strings.Join(dataKeys(t, r), ","); got != strings.Join(allUserKeys, ",") {
		t.Errorf("keys = %s", got)
	}
	var item map[string]any
	data(t, r, &item)
	want := map[string]any{
		"id": ada.ID, "first_name": "Ada", "last_name": "King Lovelace", "email": "ada@example.com",
		"password": "**********", "status": "active", "role": nil, "tfa_secret": nil, "provider": "default",
		"external_identifier": nil, "token": nil, "avatar": nil, "email_notifications": true, "text_direction": "auto",
	}
	for k, v := range want {
		if item[k] != v {
			t.Errorf("%s = %#v, want %#v", k, item[k], v)
		}
	}
	if p, ok := item["policies"].([]any); !ok || len(p) != 0 {
		t.Errorf("policies = %#v, want []", item["policies"])
	}
	if la, _ := item["last_access"].(string); len(la) != len("2006-01-02T15:04:05.000Z") || !strings.HasSuffix(la, "Z") {
		t.Errorf("last_access = %#v", item["last_access"])
	}

	for _, tc := range []struct{ query, keys string }{
		{"?fields=email,id", "id,email"},
		{"?fields=email&fields=id", "id,email"},
		{"?fields[]=first_name&fields[]=last_name", "first_name,last_name"},
		{"?fields=role.name,id", "id,role"},
		{"?fields=*", strings.Join(allUserKeys, ",")},
		{"?fields=", strings.Join(allUserKeys, ",")},
	} {
		r := e.get(t, "/users/me"+tc.query, tk.AccessToken)
		if got := strings.Join(dataKeys(t, r), ","); got != tc.keys {
			t.Errorf("%s: keys %s, want %s", tc.query, got, tc.keys)
		}
	}
	wantError(t, e.get(t, "/users/me?fields=id,secret", tk.AccessToken), "FORBIDDEN",
		`You don't have permission to access field "secret" in collection "directus_users" or it does not exist.`)
}

// TestMeStatus checks the status a user shows: unverified until the
// email is verified.
func TestMeStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	email, pw := "bob@example.com", password
	if _, err := e.svc.CreateUser(context.Background(), nil, e.users, core.UserInput{Email: &email, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	tk, _ := e.login(t, email, "json")
	item := e.me(t, tk.AccessToken)
	if item["status"] != "unverified" || item["first_name"] != nil || item["last_name"] != nil {
		t.Errorf("status %v, names %v %v; want unverified, null, null", item["status"], item["first_name"], item["last_name"])
	}
}

func TestUpdateMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	patch := func(body string) response {
		return e.do(t, request{method: http.MethodPatch, path: "/users/me?fields=first_name,last_name", token: tk.AccessToken, body: body})
	}

	r := patch(`{"first_name":"Ada","last_name":"Lovelace","email":"ADA@example.com"}`)
	if r.body != `{"data":{"first_name":"Ada","last_name":"Lovelace"}}`+"\n" {
		t.Errorf("patch answer = %s", r.body)
	}
	r = patch(`{"last_name":null}`)
	if r.body != `{"data":{"first_name":"Ada","last_name":null}}`+"\n" {
		t.Errorf("patch answer = %s", r.body)
	}
	if got := e.me(t, tk.AccessToken)["first_name"]; got != "Ada" {
		t.Errorf("first_name = %v", got)
	}

	wantError(t, patch(`{"email":"eve@example.com"}`), "FORBIDDEN", "")
	wantError(t, patch(`{"role":"admin"}`), "FORBIDDEN", "")
	wantError(t, patch(`{"first_name":7}`), "INVALID_PAYLOAD", `Invalid payload. "first_name" must be a string.`)
	wantError(t, patch(`{"first_name":"a\u0000b"}`), "INVALID_PAYLOAD", "")
	wantError(t, patch(`{"password":"new password"}`), "INVALID_PAYLOAD", `Invalid payload. "old_password" is required.`)
	wantError(t, patch(`{"password":"new password","old_password":"wrong horse"}`), "INVALID_PAYLOAD", "")
	wantError(t, patch(`{"password":"short","old_password":"correct horse"}`), "INVALID_PAYLOAD", `Invalid payload. "password" must be at least 8 character(s).`)

	wantStatus(t, patch(`{"password":"new password","old_password":"correct horse"}`), http.StatusOK)
	// A password change ends every session, this one included.
	wantError(t, e.get(t, "/users/me", tk.AccessToken), "INVALID_CREDENTIALS", "")
	wantStatus(t, e.post(t, "/auth/login", credentials("ada@example.com", "new password", "")), http.StatusOK)
}
