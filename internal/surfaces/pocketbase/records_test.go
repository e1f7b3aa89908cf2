package pocketbase_test

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	usersRecords  = "/api/collections/users/records"
	supersRecords = "/api/collections/_superusers/records"
	msgCreate     = "Failed to create record."
	msgUpdate     = "Failed to update record."
	msgSupersOnly = "Only superusers can perform this action."
)

func TestSignUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.post(t, usersRecords, "", `{"email":"alice@example.com","password":"password123","passwordConfirm":"password123","name":"Alice"}`)
	if r.status != 200 {
		t.Fatalf("sign-up status = %d, want 200 (not 201): %s", r.status, r.body)
	}
	rec := checkRecord(t, []byte(r.body), userKeysNoEmail)
	if rec.CollectionID != "_pb_users_auth_" || rec.CollectionName != "users" || rec.Verified || rec.EmailVisibility ||
		*rec.Name != "Alice" || *rec.Avatar != "" || rec.Created != rec.Updated {
		t.Errorf("record = %s", r.body)
	}

	r = e.post(t, usersRecords, "", `{"email":"bob@example.com","password":"password123","passwordConfirm":"password123","emailVisibility":true}`)
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), userKeys); *rec.Email != "bob@example.com" || !rec.EmailVisibility {
		t.Errorf("public-email record = %s", r.body)
	}
}

func TestCreateAsSuperuser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	super, _ := e.superuser(t)
	r := e.post(t, usersRecords, super, `{"email":"v@example.com","password":"password123","passwordConfirm":"password123","verified":true}`)
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), userKeys); !rec.Verified || *rec.Email != "v@example.com" {
		t.Errorf("record = %s", r.body)
	}
	r = e.post(t, supersRecords, super, `{"email":"admin2@example.com","password":"password123","passwordConfirm":"password123"}`)
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), superuserKeys); !rec.Verified || rec.CollectionID != "pbc_3142635823" ||
		rec.CollectionName != "_superusers" {
		t.Errorf("superuser record = %s", r.body)
	}
	// _superusers has no name field.
	r = e.post(t, supersRecords, super, `{"email":"admin3@example.com","password":"password123","passwordConfirm":"password123","name":"x"}`)
	wantFields(t, r, 400, msgCreate, map[string]string{"name": "validation_unknown_field"})
}

func TestSignUpValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "taken@example.com", "password123")
	local := strings.Repeat("a", 64)
	email254 := local + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	email255 := local + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".com"
	if len(email254) != 254 || len(email255) != 255 {
		t.Fatalf("lengths %d %d", len(email254), len(email255))
	}
	body := func(email, pw, confirm string) string {
		return `{"email":` + jsonString(email) + `,"password":` + jsonString(pw) + `,"passwordConfirm":` + jsonString(confirm) + `}`
	}
	tests := []struct {
		name, body string
		codes      map[string]string
	}{
		// Form-level checks come first and hide the record-level ones.
		{"confirm missing", `{"email":"bad","password":"password123"}`, map[string]string{"passwordConfirm": "validation_required"}},
		{"confirm mismatch", body("bad", "password123", "password124"), map[string]string{"passwordConfirm": "validation_values_mismatch"}},
		{"password missing", `{"email":"bad","passwordConfirm":"password123"}`,
			map[string]string{"password": "validation_required", "passwordConfirm": "validation_values_mismatch"}},
		{"verified by guest", `{"email":"bad","password":"password123","passwordConfirm":"password123","verified":true}`,
			map[string]string{"verified": "validation_values_mismatch"}},
		{"every form-level error at once", `{"email":"bad","password":"password123","passwordConfirm":"x","verified":true}`,
			map[string]string{"passwordConfirm": "validation_values_mismatch", "verified": "validation_values_mismatch"}},
		// Then the record-level ones.
		{"email missing", `{"password":"password123","passwordConfirm":"password123"}`, map[string]string{"email": "validation_required"}},
		{"email invalid", body("not-an-email", "password123", "password123"), map[string]string{"email": "validation_is_email"}},
		{"email 255 chars", body(email255, "password123", "password123"), map[string]string{"email": "validation_is_email"}},
		{"email taken", body("taken@example.com", "password123", "password123"), map[string]string{"email": "validation_not_unique"}},
		{"password short", body("new@example.com", "short", "short"), map[string]string{"password": "validation_min_text_constraint"}},
		{"password long", body("new@example.com", strings.Repeat("p", 72), strings.Repeat("p", 72)),
			map[string]string{"password": "validation_max_text_constraint"}},
		{"name too long", `{"email":"n@example.com","password":"password123","passwordConfirm":"password123","name":"` + strings.Repeat("n", 256) + `"}`,
			map[string]string{"name": "validation_max_text_constraint"}},
		{"unknown key", `{"email":"new@example.com","password":"password123","passwordConfirm":"password123","nope":1}`,
			map[string]string{"nope": "validation_unknown_field"}},
		{"username on users", `{"email":"new@example.com","password":"password123","passwordConfirm":"password123","username":"x"}`,
			map[string]string{"username": "validation_unknown_field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantFields(t, e.post(t, usersRecords, "", tt.body), 400, msgCreate, tt.codes)
		})
	}
	t.Run("email 254 chars", func(t *testing.T) {
		t.Parallel()
		wantStatus(t, e.post(t, usersRecords, "", body(email254, "password123", "password123")), 200)
	})
}

// TestSignUpValidationBytes pins the spec's example error byte for byte.
func TestSignUpValidationBytes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.post(t, usersRecords, "", `{"email":"not-an-email","password":"short","passwordConfirm":"short"}`)
	wantError(t, r, 400, msgCreate,
		`{"email":{"code":"validation_is_email","message":"Must be a valid email address."},`+
			`"password":{"code":"validation_min_text_constraint","message":"Must be at least 8 character(s)."}}`)
	r = e.post(t, usersRecords, "", `{"email":"bad","password":"password123","passwordConfirm":"password1"}`)
	wantError(t, r, 400, msgCreate, `{"passwordConfirm":{"code":"validation_values_mismatch","message":"Values don't match."}}`)
}

func TestSignUpIgnoredKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.post(t, usersRecords, "", `{"email":"i@example.com","password":"password123","passwordConfirm":"password123",`+
		`"collectionId":"other","collectionName":"other","created":"2000-01-01 00:00:00.000Z","updated":"2000-01-01 00:00:00.000Z","expand":{}}`)
	wantStatus(t, r, 200)
	rec := checkRecord(t, []byte(r.body), userKeysNoEmail)
	if rec.CollectionID != "_pb_users_auth_" || rec.CollectionName != "users" || strings.HasPrefix(rec.Created, "2000") {
		t.Errorf("read-only keys were applied: %s", r.body)
	}
}

func TestViewRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, aliceID := e.user(t, "alice@example.com")
	bob, bobID := e.user(t, "bob@example.com")
	super, superID := e.superuser(t)

	r := e.get(t, usersRecords+"/"+aliceID, alice)
	wantStatus(t, r, 200)
	if rec := checkRecord(t, []byte(r.body), userKeys); rec.ID != aliceID || *rec.Email != "alice@example.com" {
		t.Errorf("owner view = %s", r.body)
	}
	r = e.get(t, usersRecords+"/"+aliceID, super)
	wantStatus(t, r, 200)
	checkRecord(t, []byte(r.body), userKeys)

	notFound := errBody(404, "The requested resource wasn't found.", `{}`)
	for _, tt := range []struct{ name, token, id string }{
		{"other user", bob, aliceID}, {"guest", "", bobID}, {"missing", super, "zzzzzzzzzzzzzzz"},
	} {
		if r := e.get(t, usersRecords+"/"+tt.id, tt.token); r.body != notFound {
			t.Errorf("%s: got %d %s, want 404", tt.name, r.status, r.body)
		}
	}

	r = e.get(t, supersRecords+"/"+superID, super)
	wantStatus(t, r, 200)
	checkRecord(t, []byte(r.body), superuserKeys)
}

// TestSuperusersRecordsForbidden: only superusers touch _superusers
// records; PocketBase checks this before it reads the body.
func TestSuperusersRecordsForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	user, _ := e.user(t, "alice@example.com")
	_, superID := e.superuser(t)
	full := `{"email":"x@example.com","password":"password123","passwordConfirm":"password123"}`
	for _, token := range []string{"", user} {
		for _, req := range []request{
			{method: "GET", path: supersRecords},
			{method: "GET", path: supersRecords + "/" + superID},
			{method: "POST", path: supersRecords, body: full},
			{method: "POST", path: supersRecords, body: `{}`},
			{method: "PATCH", path: supersRecords + "/" + superID, body: `{}`},
			{method: "PATCH", path: supersRecords + "/" + superID, body: `{"password":"password123"}`},
			{method: "DELETE", path: supersRecords + "/" + superID},
		} {
			req.token = token
			r := e.do(t, req)
			if want := errBody(403, msgSupersOnly, `{}`); r.body != want {
				t.Errorf("%s %s %s (auth %v): got %d %s, want 403", req.method, req.path, req.body, token != "", r.status, r.body)
			}
		}
	}
}

// TestNoSecretsAnywhere sweeps every way a record leaves the server as a
// superuser sees it; checkResponse already rejects hashes in bodies.
func TestNoSecretsAnywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, id := e.user(t, "alice@example.com")
	super, _ := e.superuser(t)
	for _, path := range []string{usersRecords, usersRecords + "/" + id, usersRecords + "?fields=*", supersRecords} {
		r := e.get(t, path, super)
		wantStatus(t, r, 200)
		var generic map[string]any
		decode(t, r.body, &generic)
		raw, _ := json.Marshal(generic)
		for _, bad := range []string{`"password"`, `"passwordHash"`, `"tokenKey"`, "$argon2"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("%s leaks %s: %s", path, bad, r.body)
			}
		}
	}
}
