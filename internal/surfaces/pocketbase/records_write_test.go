package pocketbase_test

import (
	"encoding/json"
	"testing"
	"time"
)

const refreshPath = "/api/collections/users/auth-refresh"

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	e.clock.Advance(time.Second)
	r := e.patch(t, usersRecords+"/"+id, alice, `{"name":"Alice A","emailVisibility":true,"email":"alice@example.com","verified":false}`)
	wantStatus(t, r, 200)
	rec := checkRecord(t, []byte(r.body), userKeys)
	if *rec.Name != "Alice A" || !rec.EmailVisibility || rec.Updated == rec.Created || *rec.Email != "alice@example.com" {
		t.Errorf("updated record = %s", r.body)
	}
	// A profile change keeps the session.
	wantStatus(t, e.post(t, refreshPath, alice, ""), 200)

	r = e.patch(t, usersRecords+"/"+id, alice, `{"nope":1}`)
	wantError(t, r, 400, msgUpdate, `{"nope":{"code":"validation_unknown_field","message":"Unknown field."}}`)
}

// TestUpdateRoundTrip: SDK users often send back the whole record they
// fetched, id included, with one field changed.
func TestUpdateRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	r := e.get(t, usersRecords+"/"+id, alice)
	wantStatus(t, r, 200)
	var m map[string]any
	decode(t, r.body, &m)
	m["name"] = "Round Trip"
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r = e.patch(t, usersRecords+"/"+id, alice, string(body))
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), userKeys); *rec.Name != "Round Trip" {
		t.Errorf("round trip = %s", r.body)
	}
	// Another record's id is not silently ignored.
	r = e.patch(t, usersRecords+"/"+id, alice, `{"id":"zzzzzzzzzzzzzzz","name":"x"}`)
	wantStatus(t, r, 400)
}

func TestUpdateOwnerLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	mismatch := `{"code":"validation_values_mismatch","message":"Values don't match."}`
	r := e.patch(t, usersRecords+"/"+id, alice, `{"email":"new@example.com"}`)
	wantError(t, r, 400, msgUpdate, `{"email":`+mismatch+`}`)
	r = e.patch(t, usersRecords+"/"+id, alice, `{"verified":true}`)
	wantError(t, r, 400, msgUpdate, `{"verified":`+mismatch+`}`)
}

func TestUpdatePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	path := usersRecords + "/" + id
	tests := []struct {
		name, body string
		codes      map[string]string
	}{
		{"confirm and old missing", `{"password":"newpassword1"}`,
			map[string]string{"passwordConfirm": "validation_required", "oldPassword": "validation_required"}},
		{"old missing", `{"password":"newpassword1","passwordConfirm":"newpassword1"}`,
			map[string]string{"oldPassword": "validation_required"}},
		{"old wrong", `{"password":"newpassword1","passwordConfirm":"newpassword1","oldPassword":"wrongpassword"}`,
			map[string]string{"oldPassword": "validation_invalid_old_password"}},
		{"confirm mismatch", `{"password":"newpassword1","passwordConfirm":"newpassword2","oldPassword":"password123"}`,
			map[string]string{"passwordConfirm": "validation_values_mismatch"}},
		{"new too short", `{"password":"short","passwordConfirm":"short","oldPassword":"password123"}`,
			map[string]string{"password": "validation_min_text_constraint"}},
	}
	for _, tt := range tests {
		wantFields(t, e.patch(t, path, alice, tt.body), 400, msgUpdate, tt.codes)
	}
	r := e.patch(t, path, alice, `{"password":"newpassword1","passwordConfirm":"newpassword1","oldPassword":"wrongpassword"}`)
	wantError(t, r, 400, msgUpdate, `{"oldPassword":{"code":"validation_invalid_old_password","message":"Missing or invalid old password."}}`)

	// Half a password change is an error, not a silent no-op.
	for _, body := range []string{`{"passwordConfirm":"newpassword1"}`, `{"oldPassword":"password123"}`} {
		r := e.patch(t, path, alice, body)
		if r.status != 400 || fieldCode(t, r, "password") != "validation_required" {
			t.Errorf("PATCH %s: got %d %s, want 400 with data.password required", body, r.status, r.body)
		}
	}

	r = e.patch(t, path, alice, `{"password":"newpassword1","passwordConfirm":"newpassword1","oldPassword":"password123"}`)
	wantStatus(t, r, 200)
	checkRecord(t, []byte(r.body), userKeys)
	wantError(t, e.post(t, refreshPath, alice, ""), 401, "The request requires valid record authorization token.", `{}`)
	wantError(t, e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123"}`), 400, "Failed to authenticate.", `{}`)
	e.login(t, "users", "alice@example.com", "newpassword1")
}

func TestUpdateAsSuperuser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, id := e.user(t, "alice@example.com")
	e.signUp(t, "bob@example.com", "password123")
	super, _ := e.superuser(t)
	r := e.patch(t, usersRecords+"/"+id, super, `{"email":"bob@example.com"}`)
	wantError(t, r, 400, msgUpdate, `{"email":{"code":"validation_not_unique","message":"Value must be unique."}}`)
	r = e.patch(t, usersRecords+"/"+id, super, `{"email":"new@example.com","verified":true,"password":"newpassword1","passwordConfirm":"newpassword1"}`)
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), userKeys); !rec.Verified || *rec.Email != "new@example.com" {
		t.Errorf("record = %s", r.body)
	}
	e.login(t, "users", "new@example.com", "newpassword1")
}

func TestUpdateOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, aliceID := e.user(t, "alice@example.com")
	bob, _ := e.user(t, "bob@example.com")
	notFound := errBody(404, "The requested resource wasn't found.", `{}`)
	for _, token := range []string{bob, ""} {
		if r := e.patch(t, usersRecords+"/"+aliceID, token, `{"name":"x"}`); r.body != notFound {
			t.Errorf("PATCH other: got %d %s", r.status, r.body)
		}
		if r := e.del(t, usersRecords+"/"+aliceID, token); r.body != notFound {
			t.Errorf("DELETE other: got %d %s", r.status, r.body)
		}
	}
}

func TestDeleteSelf(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	r := e.del(t, usersRecords+"/"+id, alice)
	wantStatus(t, r, 204)
	wantStatus(t, e.post(t, refreshPath, alice, ""), 401)
	wantStatus(t, e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123"}`), 400)
	// The address is free again.
	e.signUp(t, "alice@example.com", "password123")
}

func TestDeleteSuperusers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, userID := e.user(t, "alice@example.com")
	super, superID := e.superuser(t)
	wantStatus(t, e.del(t, usersRecords+"/"+userID, super), 204)
	wantStatus(t, e.get(t, usersRecords+"/"+userID, super), 404)

	r := e.del(t, supersRecords+"/"+superID, super)
	if r.status != 400 {
		t.Fatalf("deleting the last superuser: got %d %s, want 400", r.status, r.body)
	}
	r = e.post(t, supersRecords, super, `{"email":"admin2@example.com","password":"password123","passwordConfirm":"password123"}`)
	wantStatus(t, r, 200)
	var rec record
	decode(t, r.body, &rec)
	wantStatus(t, e.del(t, supersRecords+"/"+rec.ID, super), 204)
	wantStatus(t, e.del(t, supersRecords+"/"+superID, super), 400)
}
