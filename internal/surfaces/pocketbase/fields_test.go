package pocketbase_test

import (
	"net/url"
	"testing"
)

func TestFieldsOnAuthResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.signUp(t, "alice@example.com", "password123")
	creds := `{"identity":"alice@example.com","password":"password123"}`

	r := e.post(t, loginPath+"?fields=token,record.id", "", creds)
	wantStatus(t, r, 200)
	var ab authBody
	decode(t, r.body, &ab)
	if want := `{"record":{"id":"` + id + `"},"token":"` + ab.Token + `"}` + "\n"; ab.Token == "" || r.body != want {
		t.Errorf("fields=token,record.id: got %s want %s", r.body, want)
	}

	r = e.post(t, loginPath+"?"+url.Values{"fields": {"record.verified, record.email"}}.Encode(), "", creds)
	if want := `{"record":{"email":"alice@example.com","verified":false}}` + "\n"; r.body != want {
		t.Errorf("record subfields: got %s want %s", r.body, want)
	}
	r = e.post(t, loginPath+"?fields=record.*", "", creds)
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"record"}) {
		t.Errorf("fields=record.*: keys %v", got)
	}
	decode(t, r.body, &ab)
	checkRecord(t, ab.Record, userKeys)
}

func TestFieldsOnRecords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	path := usersRecords + "/" + id
	tests := []struct{ query, want string }{
		{"fields=id,email", `{"email":"alice@example.com","id":"` + id + `"}`},
		{"fields=email,id", `{"email":"alice@example.com","id":"` + id + `"}`},
		{"fields=id:excerpt(3)", `{"id":"` + id + `"}`},
		{"fields=nope", `{}`},
		{"fields=id,,", `{"id":"` + id + `"}`},
		{"fields=id.deeper", `{"id":"` + id + `"}`},
	}
	for _, tt := range tests {
		if r := e.get(t, path+"?"+tt.query, alice); r.status != 200 || r.body != tt.want+"\n" {
			t.Errorf("%s: got %d %s want %s", tt.query, r.status, r.body, tt.want)
		}
	}
	r := e.get(t, path+"?fields=*", alice)
	checkRecord(t, []byte(r.body), userKeys)
	// Expanding is accepted and, with no relations, changes nothing.
	full := e.get(t, path, alice)
	if r := e.get(t, path+"?expand=nope,other.deep", alice); r.status != 200 || r.body != full.body {
		t.Errorf("expand: got %d %s want %s", r.status, r.body, full.body)
	}

	r = e.get(t, usersRecords+"?fields=id", alice)
	if want := `{"items":[{"id":"` + id + `"}],"page":1,"perPage":30,"totalItems":1,"totalPages":1}` + "\n"; r.body != want {
		t.Errorf("list fields=id: got %s want %s", r.body, want)
	}
	// Picking never bypasses email visibility.
	r = e.post(t, usersRecords+"?fields=id,email", "", `{"email":"bob@example.com","password":"password123","passwordConfirm":"password123"}`)
	wantStatus(t, r, 200)
	var rec record
	decode(t, r.body, &rec)
	if rec.Email != nil || rec.ID == "" {
		t.Errorf("guest sign-up picked %s", r.body)
	}
	// Errors are not picked.
	wantError(t, e.get(t, usersRecords+"/zzzzzzzzzzzzzzz?fields=id", alice), 404, "The requested resource wasn't found.", `{}`)
}

func TestAuthMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const full = `{"password":{"identityFields":["email"],"enabled":true},"oauth2":{"providers":[],"enabled":false},` +
		`"mfa":{"enabled":false,"duration":0},"otp":{"enabled":false,"duration":0},` +
		`"authProviders":null,"usernamePassword":false,"emailPassword":true}` + "\n"
	const sdk = `{"mfa":{"duration":0,"enabled":false},"oauth2":{"enabled":false,"providers":[]},` +
		`"otp":{"duration":0,"enabled":false},"password":{"enabled":true,"identityFields":["email"]}}` + "\n"
	for _, coll := range []string{"users", "_superusers", "_pb_users_auth_"} {
		path := "/api/collections/" + coll + "/auth-methods"
		if r := e.get(t, path, ""); r.status != 200 || r.body != full {
			t.Errorf("%s: got %d %s want %s", path, r.status, r.body, full)
		}
		if r := e.get(t, path+"?fields=mfa,otp,password,oauth2", ""); r.status != 200 || r.body != sdk {
			t.Errorf("%s with SDK fields: got %d %s want %s", path, r.status, r.body, sdk)
		}
	}
}
