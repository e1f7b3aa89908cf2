package payload_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.post(t, "/api/users", `{"email":"ada@example.com","password":"correct horse","nickname":"Ada","hash":"x","_verified":true,"loginAttempts":0}`, "")
	wantStatus(t, r, http.StatusCreated)
	m := object(t, r)
	doc := m["doc"].(map[string]any)
	id, _ := doc["id"].(string)
	if m["message"] != "User successfully created." || doc["nickname"] != "Ada" || doc["email"] != "ada@example.com" || id == "" {
		t.Fatalf("create = %s", r.body)
	}
	if _, shown := doc["_verified"]; shown {
		t.Errorf("_verified shown without verify: %v", doc)
	}
	r = e.post(t, "/api/users", `{"email":"ada@example.com","password":"correct horse"}`, "")
	if r.status != 400 || !strings.Contains(r.body, "A user with the given email is already registered.") {
		t.Errorf("duplicate = %d %s", r.status, r.body)
	}
	tok, _ := e.login(t, "ada@example.com")
	bob := e.user(t, "bob@example.com")
	bobTok, _ := e.login(t, bob.Email)

	// read: itself (with sessions), not another user, not a guest
	r = e.get(t, "/api/users/"+id, jwt(tok))
	if got := object(t, r); got["id"] != id || got["sessions"] == nil || got["collection"] != nil {
		t.Errorf("read self = %s", r.body)
	}
	wantError(t, e.get(t, "/api/users/"+id, jwt(bobTok)), 404, "The requested resource was not found.")
	wantError(t, e.get(t, "/api/users/"+id, ""), 404, "The requested resource was not found.")
	su := "Bearer " + e.superuser(t)
	if got := object(t, e.get(t, "/api/users/"+id, su)); got["id"] != id || got["sessions"] != nil {
		t.Errorf("superuser read = %v (sessions are the owner's only)", got)
	}

	// update: custom fields merge; system fields are ignored
	r = e.do(t, request{method: "PATCH", path: "/api/users/" + id, body: `{"title":"Countess","createdAt":"1999-01-01T00:00:00.000Z","email":"ada@example.com"}`, auth: jwt(tok)})
	wantStatus(t, r, 200)
	got := object(t, r)
	d := got["doc"].(map[string]any)
	if got["message"] != "Updated successfully." || d["nickname"] != "Ada" || d["title"] != "Countess" || strings.HasPrefix(d["createdAt"].(string), "1999") {
		t.Errorf("update = %s", r.body)
	}
	wantError(t, e.do(t, request{method: "PATCH", path: "/api/users/" + id, body: `{"title":"x"}`, auth: jwt(bobTok)}), 404,
		"The requested resource was not found.")
	r = e.do(t, request{method: "PATCH", path: "/api/users/" + id, body: `{"password":"new password 1","oldPassword":"correct horse"}`, auth: jwt(tok)})
	wantStatus(t, r, 200)
	wantStatus(t, e.post(t, "/api/users/login", credentials("ada@example.com", "new password 1"), ""), 200)

	// delete: not by another user; by a superuser, with the document
	wantError(t, e.do(t, request{method: "DELETE", path: "/api/users/" + id, auth: jwt(bobTok)}), 404, "The requested resource was not found.")
	r = e.do(t, request{method: "DELETE", path: "/api/users/" + id, auth: su})
	if got := object(t, r); r.status != 200 || got["message"] != "Deleted successfully." || got["doc"].(map[string]any)["id"] != id {
		t.Errorf("delete = %d %s", r.status, r.body)
	}
	wantError(t, e.get(t, "/api/users/"+id, su), 404, "The requested resource was not found.")
	// a user may delete itself, which clears its cookie
	r = e.do(t, request{method: "DELETE", path: "/api/users/" + bob.ID, auth: jwt(bobTok)})
	if r.status != 200 || r.cookies["payload-token"] == nil {
		t.Errorf("self delete = %d %s", r.status, r.body)
	}
}
