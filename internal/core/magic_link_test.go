package core_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
)

// magicURL is a surface's link; coretest's MailTo finds the token after
// a "/confirm-…/" segment.
const magicURL = "http://app.test/_/#/auth/confirm-magic-link/{TOKEN}"

func magicReq(email string) core.MailRequest {
	return core.MailRequest{Email: email, ActionURL: magicURL}
}

func TestMagicLinkLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	old, _ := e.login(t, e.users, "alice@example.com", "correct horse")

	// An unknown address is answered the same, and mailed nothing.
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("nobody@example.com")); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Fatalf("pending mail after an unknown address = %d, want 0", n)
	}
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	msg, tok := e.mailTo(t, "alice@example.com")
	if !strings.Contains(msg.Text, "http://app.test/_/#/auth/confirm-magic-link/"+tok) || !strings.Contains(msg.Subject, "Acme") {
		t.Fatalf("mail = %q / %q", msg.Subject, msg.Text)
	}

	res, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, true)
	if err != nil {
		t.Fatalf("LoginWithMagicLink = %v", err)
	}
	if res.User.ID != u.ID || res.RefreshToken == "" || !slicesEqual(res.Session.AMR, []string{"otp"}) {
		t.Fatalf("result = user %q, refresh %q, amr %v", res.User.ID, res.RefreshToken, res.Session.AMR)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("Authenticate(magic-link token) = %v", err)
	}
	// The link proved the address: the account is verified now, and as
	// it was unverified, sessions opened before the proof are gone.
	got, _ := e.db.UserByID(ctx, e.users.ID, u.ID)
	if !got.Verified {
		t.Error("user not verified by the magic link")
	}
	if _, err := e.svc.Authenticate(ctx, old.Token); err == nil {
		t.Error("a session opened before the address was proved survived the claim")
	}
	// Single use.
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, tok, false)
	wantField(t, err, "token", core.FieldInvalidToken)

	// A verified user's link logs in without ending other sessions, once.
	e.clock.Advance(time.Hour)
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok = e.mailTo(t, "alice@example.com")
	if _, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, false); err != nil {
		t.Fatalf("second link = %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Errorf("a verified user's link ended another session: %v", err)
	}
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, tok, false)
	wantField(t, err, "token", core.FieldInvalidToken)
}

// markVerified sets a user verified in the store, as a confirmed link
// would.
func (e *env) markVerified(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.UserByID(ctx, e.users.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	u.Verified = true
	if err := e.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}

func TestMagicLinkRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	su := e.superuser(t)

	// A surface that gives no link is a programming error, not the client's.
	err := e.svc.RequestMagicLink(ctx, e.users, core.MailRequest{Email: "alice@example.com"})
	wantKind(t, err, core.KindInternal, core.CodeInternal)
	err = e.svc.RequestMagicLink(ctx, e.users, magicReq("not an email"))
	wantField(t, err, "email", core.FieldIsEmail)

	for _, bad := range []string{"x", "a.b.c", strings.Repeat("A", 5000)} {
		_, err := e.svc.LoginWithMagicLink(ctx, e.users, bad, true)
		wantField(t, err, "token", core.FieldInvalidToken)
	}
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, "", true)
	wantField(t, err, "token", core.FieldRequired)

	// Another purpose's token does not log in.
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, reset := e.mailTo(t, "alice@example.com")
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, reset, true)
	wantField(t, err, "token", core.FieldInvalidToken)

	// Expired: the profile's TTL (15 minutes by default).
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	e.clock.Advance(core.DefaultMagicLinkTTL + time.Second)
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, tok, true)
	wantField(t, err, "token", core.FieldInvalidToken)

	// Another collection's token.
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok = e.mailTo(t, "alice@example.com")
	_, err = e.svc.LoginWithMagicLink(ctx, e.supers, tok, true)
	wantField(t, err, "token", core.FieldInvalidToken)

	// A suspended user is answered as a bad link, and mailed no new one.
	e.suspend(t, su, u.ID)
	_, err = e.svc.LoginWithMagicLink(ctx, e.users, tok, true)
	wantField(t, err, "token", core.FieldInvalidToken)
	e.clock.Advance(time.Hour)
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Errorf("pending mail for a suspended user = %d, want 0", n)
	}
}

// TestMagicLinkSingleUseRace: of many requests racing with one link,
// exactly one logs in.
func TestMagicLinkSingleUseRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	e.markVerified(t, u.ID) // no claim burns the link: single use alone must hold
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, true); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else {
				wantField(t, err, "token", core.FieldInvalidToken)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d logins with one link, want 1", wins)
	}
}

// TestMagicLinkTTLAndThrottle: the profile's TTL bounds the link, and
// the profile's resend throttle spaces the mails.
func TestMagicLinkTTLAndThrottle(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{ResendThrottle: 10 * time.Second, MagicLinkTTL: time.Minute})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")

	for range 3 {
		if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := e.db.PendingMail(ctx); n != 1 {
		t.Fatalf("pending mail after a burst = %d, want 1", n)
	}
	e.clock.Advance(11 * time.Second)
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 2 {
		t.Fatalf("pending mail past the throttle = %d, want 2", n)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	e.clock.Advance(59 * time.Second)
	if _, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, false); err != nil {
		t.Fatalf("link within its minute = %v", err)
	}
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok = e.mailTo(t, "alice@example.com")
	e.clock.Advance(61 * time.Second)
	_, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, false)
	wantField(t, err, "token", core.FieldInvalidToken)

	for _, p := range []core.Profile{{ResendThrottle: 25 * time.Hour}, {ResendThrottle: -1}, {MagicLinkTTL: time.Second}, {MagicLinkTTL: 8 * 24 * time.Hour}} {
		if _, err := e.svc.WithProfile(p); err == nil {
			t.Errorf("profile %+v was accepted", p)
		}
	}
}

// TestMagicLinkNeedsSecondFactor: a collection that needs two factors
// gets an MFA challenge, not a session, from the link alone.
func TestMagicLinkNeedsSecondFactor(t *testing.T) {
	ce := coretest.NewWithOptions(t, coretest.Options{Collections: func(users, _ *core.Collection) {
		users.MFA.Enabled = true
	}})
	users, _ := ce.Service.Collection("users")
	e := &env{Env: ce, svc: ce.Service, db: ce.DB, users: users, supers: superusers(t, ce.Service), clock: ce.Clock}
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	res, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, true)
	ce2 := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired)
	if ce2.MFAID == "" || res.Token != "" {
		t.Fatalf("mfa challenge = %q, token %q", ce2.MFAID, res.Token)
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMagicLinkPendingSecondFactor: under a pending-token profile, the
// link of a user with an authenticator app answers a pending token (the
// link is spent, no session opens), which the app's code completes.
func TestMagicLinkPendingSecondFactor(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	secret, _ := pendingUser(t, e)
	if err := e.svc.RequestMagicLink(ctx, e.users, magicReq("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	res, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, true)
	if err != nil || !res.Pending || res.RefreshToken != "" || res.Session.ID != "" || res.Token == "" {
		t.Fatalf("magic link of an app user = %+v, %v; want a pending token", res, err)
	}
	if _, err := e.svc.LoginWithMagicLink(ctx, e.users, tok, true); err == nil {
		t.Fatal("the link worked twice")
	}
	pl, err := e.svc.AuthenticatePending(ctx, e.users, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second) // enabling spent the current step
	full, err := e.svc.CompletePendingTOTP(ctx, pl, rfc6238(t, secret, e.clock.Now()))
	if err != nil || full.RefreshToken == "" || !slicesEqual(full.Session.AMR, []string{"otp", "totp", "mfa"}) {
		t.Fatalf("completed = %+v, %v", full, err)
	}
}
