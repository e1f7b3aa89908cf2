package pocketbase_test

import (
	"net/http"
	"testing"
)

// Exact bodies shared by several tests.
const (
	msgValidation = "An error occurred while validating the submitted data."
	msgLoad       = "An error occurred while loading the submitted data."
	required      = `{"code":"validation_required","message":"Cannot be blank."}`
)

func TestUnknownCollection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	super, _ := e.superuser(t)
	const (
		authMsg    = "Missing or invalid collection context."
		recordsMsg = "Missing collection context."
		imperMsg   = "Missing or invalid auth collection context."
	)
	tests := []struct {
		method, path, token, msg string
	}{
		{"GET", "/auth-methods", "", authMsg},
		{"POST", "/auth-with-password", "", authMsg},
		{"POST", "/auth-refresh", super, authMsg},
		{"POST", "/request-verification", "", authMsg},
		{"POST", "/confirm-verification", "", authMsg},
		{"POST", "/request-password-reset", "", authMsg},
		{"POST", "/confirm-password-reset", "", authMsg},
		{"POST", "/request-email-change", super, authMsg},
		{"POST", "/confirm-email-change", "", authMsg},
		{"GET", "/records", "", recordsMsg},
		{"POST", "/records", super, recordsMsg},
		{"GET", "/records/abc", super, recordsMsg},
		{"PATCH", "/records/abc", super, recordsMsg},
		{"DELETE", "/records/abc", super, recordsMsg},
		{"POST", "/impersonate/abc", super, imperMsg},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			t.Parallel()
			for _, coll := range []string{"nope", "posts", "_mfas"} {
				r := e.do(t, request{method: tt.method, path: "/api/collections/" + coll + tt.path, token: tt.token, body: `{}`})
				wantError(t, r, 404, tt.msg, `{}`)
			}
		})
	}
}

func TestCollectionByID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	for _, coll := range []string{"users", "_pb_users_auth_"} {
		r := e.post(t, "/api/collections/"+coll+"/auth-with-password", "", `{"identity":"alice@example.com","password":"password123"}`)
		wantStatus(t, r, 200)
	}
	super, _ := e.superuser(t)
	r := e.post(t, "/api/collections/pbc_3142635823/auth-refresh", super, "")
	wantStatus(t, r, 200)
}

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, req := range []request{
		{method: "GET", path: "/api/nope"},
		{method: "POST", path: "/api/nope", body: `{}`},
		{method: "GET", path: "/"},
		{method: "GET", path: "/api/collections/users"},
		{method: "GET", path: "/api/collections/users/auth-with-password"},
		{method: "DELETE", path: "/api/collections/users/records"},
		{method: "GET", path: "/api/collections/users/records/a/b"},
	} {
		r := e.do(t, req)
		if r.status == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: 405 from the mux, want PocketBase's 404", req.method, req.path)
			continue
		}
		wantError(t, r, 404, "File not found.", `{}`)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.get(t, "/api/health", "")
	if want := `{"message":"API is healthy.","code":200,"data":{}}` + "\n"; r.status != 200 || r.body != want {
		t.Errorf("health = %d %q, want 200 %q", r.status, r.body, want)
	}
}

// TestErrorBodies pins one error of each route to its exact bytes.
func TestErrorBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	user, uid := e.user(t, "alice@example.com")
	super, _ := e.superuser(t)
	const u = "/api/collections/users"
	tests := []struct {
		name   string
		req    request
		status int
		msg    string
		data   string
	}{
		{"login blank", request{method: "POST", path: u + "/auth-with-password", body: `{}`}, 400, msgValidation,
			`{"identity":` + required + `,"password":` + required + `}`},
		{"login wrong password", request{method: "POST", path: u + "/auth-with-password",
			body: `{"identity":"alice@example.com","password":"wrongpassword"}`}, 400, "Failed to authenticate.", `{}`},
		{"login unknown identity", request{method: "POST", path: u + "/auth-with-password",
			body: `{"identity":"bob@example.com","password":"password123"}`}, 400, "Failed to authenticate.", `{}`},
		{"login bad identityField", request{method: "POST", path: u + "/auth-with-password",
			body: `{"identity":"alice@example.com","password":"password123","identityField":"username"}`}, 400, msgValidation,
			`{"identityField":{"code":"validation_in_invalid","message":"Must be a valid value."}}`},
		{"refresh guest", request{method: "POST", path: u + "/auth-refresh"}, 401,
			"The request requires valid record authorization token.", `{}`},
		{"request verification bad email", request{method: "POST", path: u + "/request-verification", body: `{"email":"nope"}`},
			400, msgValidation, `{"email":{"code":"validation_is_email","message":"Must be a valid email address."}}`},
		{"confirm verification blank", request{method: "POST", path: u + "/confirm-verification", body: `{}`},
			400, msgValidation, `{"token":` + required + `}`},
		{"request reset blank", request{method: "POST", path: u + "/request-password-reset", body: `{}`},
			400, msgValidation, `{"email":` + required + `}`},
		{"confirm reset bad token", request{method: "POST", path: u + "/confirm-password-reset",
			body: `{"token":"x.y.z","password":"password123","passwordConfirm":"password123"}`}, 400, msgValidation,
			`{"token":{"code":"validation_invalid_token","message":"Invalid or expired token."}}`},
		{"request email change guest", request{method: "POST", path: u + "/request-email-change", body: `{}`}, 401,
			"The request requires valid record authorization token.", `{}`},
		{"request email change blank", request{method: "POST", path: u + "/request-email-change", token: user, body: `{}`},
			400, msgValidation, `{"newEmail":` + required + `}`},
		{"confirm email change blank", request{method: "POST", path: u + "/confirm-email-change", body: `{}`},
			400, msgValidation, `{"password":` + required + `,"token":` + required + `}`},
		{"impersonate guest", request{method: "POST", path: u + "/impersonate/" + uid}, 401,
			"The request requires valid record authorization token.", `{}`},
		{"impersonate user", request{method: "POST", path: u + "/impersonate/" + uid, token: user}, 403,
			"The authorized record is not allowed to perform this action.", `{}`},
		{"impersonate missing", request{method: "POST", path: u + "/impersonate/missingrecord00", token: super}, 404,
			"The requested resource wasn't found.", `{}`},
		{"view missing", request{method: "GET", path: u + "/records/missingrecord00", token: super}, 404,
			"The requested resource wasn't found.", `{}`},
		{"view other as guest", request{method: "GET", path: u + "/records/" + uid}, 404,
			"The requested resource wasn't found.", `{}`},
		{"update missing", request{method: "PATCH", path: u + "/records/missingrecord00", token: super, body: `{}`}, 404,
			"The requested resource wasn't found.", `{}`},
		{"delete as guest", request{method: "DELETE", path: u + "/records/" + uid}, 404,
			"The requested resource wasn't found.", `{}`},
		{"create blank", request{method: "POST", path: u + "/records", body: `{}`}, 400, "Failed to create record.",
			`{"password":` + required + `,"passwordConfirm":` + required + `}`},
		{"list bad filter", request{method: "GET", path: u + "/records?filter=%28%28", token: super}, 400,
			"Invalid filter parameters.", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantError(t, e.do(t, tt.req), tt.status, tt.msg, tt.data)
		})
	}
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/api/collections/users/auth-with-password", "/api/collections/users/records/abc", "/api/nope"} {
		r := e.do(t, request{method: "OPTIONS", path: path, header: map[string]string{
			"Origin":                         "https://app.example",
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": "authorization,content-type",
		}})
		wantStatus(t, r, http.StatusNoContent)
		for k, v := range map[string]string{
			"Access-Control-Allow-Origin":  "*",
			"Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
			"Access-Control-Allow-Headers": "authorization,content-type",
		} {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
}

func TestCORSSimpleRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: "GET", path: "/api/health", header: map[string]string{"Origin": "https://app.example"}})
	wantStatus(t, r, 200)
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
	if got := r.header.Values("Vary"); len(got) == 0 || got[0] != "Origin" {
		t.Errorf("Vary = %v, want Origin", got)
	}
}
