package payload_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// TestSecondFactorUser: a user with an authenticator app (set up through
// another surface) cannot log in here, since Payload has no second step;
// a password reset sets the password but opens no session.
func TestSecondFactorUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	e.user(t, "ada@example.com")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "ada@example.com", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	en, err := e.svc.EnrollTOTP(ctx, p, e.users, password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ConfirmTOTP(ctx, p, e.users, en.Secret, surfacetest.TOTP(t, en.Secret, e.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", password), ""), 403,
		"This account signs in with an authenticator app, which this API cannot take; sign in through another API.")

	wantStatus(t, e.post(t, "/api/users/forgot-password", `{"email":"ada@example.com"}`, ""), 200)
	_, token := e.mailTo(t, "ada@example.com")
	r := e.post(t, "/api/users/reset-password", `{"token":"`+token+`","password":"new password 1"}`, "")
	wantStatus(t, r, 200)
	if m := object(t, r); m["token"] != nil || r.cookies["payload-token"] != nil || m["message"] != "Password reset successfully." {
		t.Errorf("reset of a two-factor user = %s (cookie %v)", r.body, r.cookies["payload-token"])
	}
}

// TestRateLimited: a rate-limited login is 429 with Retry-After, in
// Payload's envelope.
func TestRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnvCore(t, surfacetest.Deps{}, coretest.Options{Settings: func(s *core.Settings) {
		s.RateLimits = core.RateLimits{core.ActionLogin: {PerIP: core.Limit{Max: 2, Window: time.Hour}}}
	}}, nil)
	e.user(t, "ada@example.com")
	var last response
	for range 3 {
		last = e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), "")
	}
	wantError(t, last, 429, "Too many requests, please try again later.")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

// TestSuperuserCollectionSlug: first-register never creates a
// superuser, and verify on the superuser slug is refused as invalid.
func TestSuperuserCollectionSlug(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.Slugs = map[string]string{"admins": "_superusers"} })
	if r := e.get(t, "/api/admins/init", ""); r.body != `{"initialized":false}`+"\n" {
		t.Errorf("init = %s", r.body)
	}
	wantError(t, e.post(t, "/api/admins/first-register", `{"email":"x@example.com","password":"correct horse"}`, ""), 403,
		"You are not allowed to perform this action.")
	wantError(t, e.post(t, "/api/admins/verify/anything", "", ""), 403, "Verification token is invalid.")
	r := e.post(t, "/api/admins", `{"email":"x@example.com","password":"correct horse"}`, "")
	if r.status != 403 || !strings.Contains(r.body, "not allowed") {
		t.Errorf("guest create of a superuser = %d %s", r.status, r.body)
	}
}
