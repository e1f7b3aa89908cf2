package pocketbase_test

import (
	"testing"
)

const (
	usersPath     = "/api/collections/users"
	supersPath    = "/api/collections/_superusers"
	invalidToken  = `{"token":{"code":"validation_invalid_token","message":"Invalid or expired token."}}`
	msgSupersVerf = "All superusers are verified by default."
	msgSupersMail = "All superusers can change their emails directly."
)

func TestVerificationFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")

	wantStatus(t, e.post(t, usersPath+"/request-verification", "", `{"email":"nobody@example.com"}`), 204)
	if n := e.pendingMail(t); n != 0 {
		t.Fatalf("unknown address queued %d mails", n)
	}
	wantStatus(t, e.post(t, usersPath+"/request-verification", "", `{"email":"alice@example.com"}`), 204)
	wantStatus(t, e.post(t, usersPath+"/request-verification", "", `{"email":"alice@example.com"}`), 204)
	if n := e.pendingMail(t); n != 1 {
		t.Fatalf("two requests queued %d mails, want 1", n)
	}
	token := e.mailTo(t, "alice@example.com")

	wantError(t, e.post(t, usersPath+"/confirm-verification", "", `{"token":"x.y.z"}`), 400, msgValidation, invalidToken)
	wantError(t, e.post(t, usersPath+"/confirm-password-reset", "",
		`{"token":`+jsonString(token)+`,"password":"password456","passwordConfirm":"password456"}`), 400, msgValidation, invalidToken)
	wantStatus(t, e.post(t, usersPath+"/confirm-verification", "", `{"token":`+jsonString(token)+`}`), 204)
	wantStatus(t, e.post(t, usersPath+"/confirm-verification", "", `{"token":`+jsonString(token)+`}`), 204)

	r := e.get(t, usersRecords+"/"+id, alice)
	if rec := checkRecord(t, []byte(r.body), userKeys); !rec.Verified {
		t.Errorf("after confirm: %s", r.body)
	}
	// Verified: no new mail.
	wantStatus(t, e.post(t, usersPath+"/request-verification", "", `{"email":"alice@example.com"}`), 204)
	if n := e.pendingMail(t); n != 0 {
		t.Errorf("verified address queued %d mails", n)
	}
}

func TestVerificationSuperusers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.superuser(t)
	wantError(t, e.post(t, supersPath+"/request-verification", "", `{"email":"root@example.com"}`), 400, msgSupersVerf, `{}`)
	wantError(t, e.post(t, supersPath+"/confirm-verification", "", `{"token":"x.y.z"}`), 400, msgSupersVerf, `{}`)
}

func TestPasswordResetFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	wantStatus(t, e.post(t, usersPath+"/request-password-reset", "", `{"email":"nobody@example.com"}`), 204)
	if n := e.pendingMail(t); n != 0 {
		t.Fatalf("unknown address queued %d mails", n)
	}
	wantStatus(t, e.post(t, usersPath+"/request-password-reset", "", `{"email":"alice@example.com"}`), 204)
	token := e.mailTo(t, "alice@example.com")
	tok := `"token":` + jsonString(token)

	r := e.post(t, usersPath+"/confirm-password-reset", "", `{`+tok+`,"password":"password456","passwordConfirm":"password457"}`)
	wantError(t, r, 400, msgValidation, `{"passwordConfirm":{"code":"validation_values_mismatch","message":"Values don't match."}}`)
	wantError(t, e.post(t, supersPath+"/confirm-password-reset", "", `{`+tok+`,"password":"password456","passwordConfirm":"password456"}`),
		400, msgValidation, `{"token":{"code":"validation_token_collection_mismatch","message":"The provided token is for different auth collection."}}`)

	wantStatus(t, e.post(t, usersPath+"/confirm-password-reset", "", `{`+tok+`,"password":"password456","passwordConfirm":"password456"}`), 204)
	wantError(t, e.post(t, usersPath+"/confirm-password-reset", "", `{`+tok+`,"password":"password789","passwordConfirm":"password789"}`),
		400, msgValidation, invalidToken)

	wantError(t, e.post(t, refreshPath, alice, ""), 401, msgNeedToken, `{}`)
	fresh, rec := e.login(t, "users", "alice@example.com", "password456")
	if !rec.Verified {
		t.Errorf("a completed reset proves the address: record %+v", rec)
	}
	wantStatus(t, e.get(t, usersRecords+"/"+id, fresh), 200)
}

// TestPasswordResetValidation pins PocketBase's confirm form: every field
// is checked at once, and the password against length 8..255.
func TestPasswordResetValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "alice@example.com")
	wantStatus(t, e.post(t, usersPath+"/request-password-reset", "", `{"email":"alice@example.com"}`), 204)
	tok := `"token":` + jsonString(e.mailTo(t, "alice@example.com"))

	r := e.post(t, usersPath+"/confirm-password-reset", "", `{}`)
	wantError(t, r, 400, msgValidation, `{"password":`+required+`,"passwordConfirm":`+required+`,"token":`+required+`}`)
	r = e.post(t, usersPath+"/confirm-password-reset", "", `{`+tok+`,"password":"short","passwordConfirm":"short"}`)
	wantError(t, r, 400, msgValidation,
		`{"password":{"code":"validation_length_out_of_range","message":"The length must be between 8 and 255.","params":{"max":255,"min":8}}}`)
	r = e.post(t, usersPath+"/confirm-password-reset", "", `{"token":"x.y.z","password":"password456","passwordConfirm":"nope"}`)
	wantError(t, r, 400, msgValidation, `{"passwordConfirm":{"code":"validation_values_mismatch","message":"Values don't match."},"token":{"code":"validation_invalid_token","message":"Invalid or expired token."}}`)
}

func TestEmailChangeFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	e.signUp(t, "bob@example.com", "password123")

	wantError(t, e.post(t, usersPath+"/request-email-change", "", `{"newEmail":"new@example.com"}`), 401, msgNeedToken, `{}`)
	wantError(t, e.post(t, usersPath+"/request-email-change", alice, `{"newEmail":"alice@example.com"}`), 400, msgValidation,
		`{"newEmail":{"code":"validation_not_in_invalid","message":"Must not be in list."}}`)
	wantError(t, e.post(t, usersPath+"/request-email-change", alice, `{"newEmail":"bob@example.com"}`), 400, msgValidation,
		`{"newEmail":{"code":"validation_invalid_new_email","message":"Invalid new email address."}}`)
	wantError(t, e.post(t, usersPath+"/request-email-change", alice, `{"newEmail":"nope"}`), 400, msgValidation,
		`{"newEmail":{"code":"validation_is_email","message":"Must be a valid email address."}}`)
	if n := e.pendingMail(t); n != 0 {
		t.Fatalf("refused requests queued %d mails", n)
	}

	wantStatus(t, e.post(t, usersPath+"/request-email-change", alice, `{"newEmail":"new@example.com"}`), 204)
	tok := `"token":` + jsonString(e.mailTo(t, "new@example.com"))
	wantError(t, e.post(t, usersPath+"/confirm-email-change", "", `{`+tok+`,"password":"wrongpassword"}`), 400, msgValidation,
		`{"password":{"code":"validation_invalid_password","message":"Missing or invalid auth record password."}}`)
	wantStatus(t, e.post(t, usersPath+"/confirm-email-change", "", `{`+tok+`,"password":"password123"}`), 204)
	wantError(t, e.post(t, usersPath+"/confirm-email-change", "", `{`+tok+`,"password":"password123"}`), 400, msgValidation, invalidToken)

	wantError(t, e.post(t, refreshPath, alice, ""), 401, msgNeedToken, `{}`)
	wantError(t, e.post(t, loginPath, "", `{"identity":"alice@example.com","password":"password123"}`), 400, "Failed to authenticate.", `{}`)
	fresh, rec := e.login(t, "users", "new@example.com", "password123")
	if rec.ID != id || !rec.Verified {
		t.Errorf("after email change: %+v", rec)
	}
	wantStatus(t, e.get(t, usersRecords+"/"+id, fresh), 200)
}

func TestEmailChangeSuperusers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	super, _ := e.superuser(t)
	wantError(t, e.post(t, supersPath+"/request-email-change", super, `{"newEmail":"new@example.com"}`), 400, msgSupersMail, `{}`)
	r := e.post(t, supersPath+"/confirm-email-change", "", `{"token":"x.y.z","password":"rootpassword"}`)
	wantStatus(t, r, 400)
}

func TestImpersonate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, id := e.user(t, "alice@example.com")
	super, superID := e.superuser(t)
	path := usersPath + "/impersonate/" + id

	wantError(t, e.post(t, path, "", ""), 401, msgNeedToken, `{}`)
	wantError(t, e.post(t, path, alice, ""), 403, "The authorized record is not allowed to perform this action.", `{}`)
	wantError(t, e.post(t, usersPath+"/impersonate/zzzzzzzzzzzzzzz", super, ""), 404, "The requested resource wasn't found.", `{}`)
	wantError(t, e.post(t, path, super, `{"duration":-1}`), 400, msgValidation,
		`{"duration":{"code":"validation_min_greater_equal_than_required","message":"Must be no less than 0.","params":{"threshold":0}}}`)
	wantError(t, e.post(t, path, super, `{"duration":"soon"}`), 400, msgLoad, `{}`)
	wantError(t, e.post(t, path, super, `{"duration":1.5}`), 400, msgLoad, `{}`)

	claims, rec := checkAuth(t, e.post(t, path, super, ""), userKeys)
	if claims["refreshable"] != false || lifetime(claims) != 432000 || rec.ID != id || *rec.Email != "alice@example.com" {
		t.Errorf("impersonation: claims %v record %+v", claims, rec)
	}
	r := e.post(t, path, super, `{"duration":60}`)
	claims, _ = checkAuth(t, r, userKeys)
	if lifetime(claims) != 60 {
		t.Errorf("duration 60: lifetime %v", lifetime(claims))
	}
	var ab authBody
	decode(t, r.body, &ab)
	wantStatus(t, e.get(t, usersRecords+"/"+id, ab.Token), 200)
	// A static token refreshes to itself.
	r = e.post(t, refreshPath, ab.Token, "")
	var again authBody
	decode(t, r.body, &again)
	if again.Token != ab.Token {
		t.Errorf("refresh of an impersonation token changed it")
	}
	checkAuth(t, e.post(t, path, super, `{"duration":"120"}`), userKeys)
	checkAuth(t, e.post(t, path, super, `{"duration":1e15}`), userKeys)
	claims, _ = checkAuth(t, e.post(t, supersPath+"/impersonate/"+superID, super, ""), superuserKeys)
	if claims["refreshable"] != false || lifetime(claims) != 86400 {
		t.Errorf("superuser impersonation claims %v", claims)
	}
}
