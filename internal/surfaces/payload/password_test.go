package payload_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestForgotAndResetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "ada@example.com")
	old, _ := e.login(t, u.Email)
	success := `{"message":"Success"}` + "\n"
	for _, body := range []string{`{"email":"ada@example.com"}`, `{"email":"nobody@example.com"}`, `{"email":"not an email"}`} {
		if r := e.post(t, "/api/users/forgot-password", body, ""); r.status != 200 || r.body != success {
			t.Errorf("forgot-password %s: %d %s", body, r.status, r.body)
		}
	}
	wantError(t, e.post(t, "/api/users/forgot-password", `{}`, ""), 400, "Missing email.")
	link, token := e.mailTo(t, "ada@example.com")
	if !strings.HasPrefix(link, serverURL+"/admin/reset/") {
		t.Errorf("reset link = %s", link)
	}
	if msgs := e.DeliverAll(t); len(msgs) != 0 {
		t.Errorf("unknown addresses got mail: %v", msgs)
	}

	wantError(t, e.post(t, "/api/users/reset-password", `{"token":"x"}`, ""), 400, "Missing required data.")
	wantError(t, e.post(t, "/api/users/reset-password", `{"password":"x"}`, ""), 400, "Missing required data.")
	wantError(t, e.post(t, "/api/users/reset-password", `{"token":"bogus","password":"new password 1"}`, ""), 403,
		"Token is either invalid or has expired.")
	r := e.post(t, "/api/users/reset-password", `{"token":"`+token+`","password":"short"}`, "")
	if r.status != 400 || !strings.Contains(r.body, `"path":"password"`) || !strings.Contains(r.body, `"name":"ValidationError"`) {
		t.Errorf("short password: %d %s", r.status, r.body)
	}
	r = e.post(t, "/api/users/reset-password", `{"token":"`+token+`","password":"new password 1"}`, "")
	wantStatus(t, r, http.StatusOK)
	m := object(t, r)
	tok, _ := m["token"].(string)
	if m["message"] != "Password reset successfully." || tok == "" || r.cookies["payload-token"].Value != tok {
		t.Fatalf("reset = %s", r.body)
	}
	if user := m["user"].(map[string]any); user["id"] != u.ID || user["sessions"] == nil {
		t.Errorf("reset user = %v", user)
	}
	// the old session ended; the new token works; the link is used up
	if me := object(t, e.get(t, "/api/users/me", jwt(old))); me["user"] != nil {
		t.Errorf("old session survived the reset")
	}
	if me := object(t, e.get(t, "/api/users/me", jwt(tok))); me["user"] == nil {
		t.Errorf("reset token does not authenticate")
	}
	wantError(t, e.post(t, "/api/users/reset-password", `{"token":"`+token+`","password":"new password 2"}`, ""), 403,
		"Token is either invalid or has expired.")
	wantStatus(t, e.post(t, "/api/users/login", credentials("ada@example.com", "new password 1"), ""), 200)
}

// TestVerify: with verify on, registration mails a link, an unverified
// login is refused after the password, and the link verifies.
func TestVerify(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.Verify = true })
	r := e.post(t, "/api/users", `{"email":"eve@example.com","password":"correct horse"}`, "")
	wantStatus(t, r, http.StatusCreated)
	if doc := object(t, r)["doc"].(map[string]any); doc["_verified"] != false {
		t.Errorf("doc = %v", doc)
	}
	wantError(t, e.post(t, "/api/users/login", credentials("eve@example.com", "wrong password"), ""), 401,
		"The email or password provided is incorrect.")
	wantError(t, e.post(t, "/api/users/login", credentials("eve@example.com", password), ""), 403,
		"Please verify your email before logging in.")
	link, token := e.mailTo(t, "eve@example.com")
	if !strings.HasPrefix(link, serverURL+"/admin/users/verify/") {
		t.Errorf("verify link = %s", link)
	}
	wantError(t, e.post(t, "/api/users/verify/bogus", "", ""), 403, "Verification token is invalid.")
	r = e.post(t, "/api/users/verify/"+token, "", "")
	if r.status != 200 || r.body != `{"message":"Account verified successfully."}`+"\n" {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	_, m := e.login(t, "eve@example.com")
	if m["user"].(map[string]any)["_verified"] != true {
		t.Errorf("login user = %v", m["user"])
	}
}
