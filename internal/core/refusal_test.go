package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestRefusedMFASpendsNoOTP: an emailed code sent with an mfaId that is
// refused (unknown, another user's, another collection's, expired, or
// from a first factor of the same method) is neither spent nor counted
// as a try: after more refusals than the code has tries, the user's
// correct retry with the right mfaId still logs in.
func TestRefusedMFASpendsNoOTP(t *testing.T) {
	e := otpEnv(t, true)
	ctx := context.Background()
	e.superuser(t) // root, before OTP makes superusers' logins two-step
	e.supers.OTP.Enabled = true
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	passwordMFA := func(email string) string {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: email, Password: "correct horse"})
		return wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	}
	bobMFA := passwordMFA("bob@example.com")
	expiring := passwordMFA("alice@example.com")

	// A challenge whose first factor was an emailed code.
	first, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: first, Code: e.mailedOTP(t, "alice@example.com")})
	otpFirstMFA := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID

	// A superusers' challenge: of another collection.
	_, err = e.svc.LoginWithPassword(ctx, e.supers, core.PasswordLogin{Identity: "root@example.com", Password: "rootpassword"})
	superMFA := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID

	e.clock.Advance(e.users.MFA.Duration - time.Second)
	aliceMFA := passwordMFA("alice@example.com") // fresh: outlives the step below
	e.clock.Advance(2 * time.Second)             // the earlier challenges are now past their time
	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code := e.mailedOTP(t, "alice@example.com")
	refusals := []struct {
		name, mfaID, code string
	}{
		{"unknown", "unknownmfaid123", core.CodeMFAInvalid},
		{"expired", expiring, core.CodeMFAInvalid},
		{"another collection's", superMFA, core.CodeMFAInvalid},
		{"another user's, expired", bobMFA, core.CodeMFAInvalid},
		{"same method, expired", otpFirstMFA, core.CodeMFAInvalid},
	}
	for range 3 { // 15 refusals: three times the code's 5 tries
		for _, r := range refusals {
			_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: r.mfaID})
			if ce := wantKind(t, err, core.KindInvalid, r.code); t.Failed() {
				t.Fatalf("%s: %v", r.name, ce)
			}
		}
	}
	res, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: aliceMFA})
	if err != nil {
		t.Fatalf("the correct retry after refused mfaIds: %v", err)
	}
	if res.Session.AAL != 2 {
		t.Errorf("session AAL = %d, want 2", res.Session.AAL)
	}
}

// TestRefusedMFAUserAndMethod: the refusals that need the user (another
// user's live challenge, a second emailed code after an emailed first
// factor) spend nothing either.
func TestRefusedMFAUserAndMethod(t *testing.T) {
	e := otpEnv(t, true)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "bob@example.com", Password: "correct horse"})
	bobMFA := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	first, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: first, Code: e.mailedOTP(t, "alice@example.com")})
	otpFirstMFA := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID

	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code := e.mailedOTP(t, "alice@example.com")
	for range 6 {
		_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: bobMFA})
		wantKind(t, err, core.KindInvalid, core.CodeMFAUserMismatch)
		_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: otpFirstMFA})
		wantKind(t, err, core.KindInvalid, core.CodeMFASameMethod)
	}
	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	aliceMFA := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	if _, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: aliceMFA}); err != nil {
		t.Fatalf("the correct retry: %v", err)
	}
}

// TestRefusedMFASpendsNoRecoveryCode: a recovery code (or an
// authenticator code) sent with a refused mfaId is not spent and no try
// is counted: after more refusals than the per-user tries, the same
// recovery code completes a live challenge.
func TestRefusedMFASpendsNoRecoveryCode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	_, codes := enableTOTP(t, e, p)
	_, bp := e.login(t, e.users, "bob@example.com", "correct horse")
	enableTOTP(t, e, bp)
	mfa := func(email string) string {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: email, Password: "correct horse"})
		return wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	}
	expired := mfa("alice@example.com")
	e.clock.Advance(e.users.MFA.Duration + time.Second)
	bobMFA := mfa("bob@example.com")
	before, err := e.db.UnusedRecoveryCodes(ctx, p.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 12 { // more than the 10 tries per user and window
		for _, id := range []string{"unknownmfaid123", expired} {
			_, err := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: id, Code: codes[0]})
			wantKind(t, err, core.KindInvalid, core.CodeMFAInvalid)
		}
	}
	// Bob's live challenge names bob: Alice's code is tried as his, and
	// is wrong for him; it is not Alice's code that is spent.
	_, err = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: bobMFA, Code: codes[0]})
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	after, _ := e.db.UnusedRecoveryCodes(ctx, p.User.ID)
	if after != before {
		t.Fatalf("unused recovery codes %d -> %d after refused requests", before, after)
	}
	if _, err := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfa("alice@example.com"), Code: codes[0]}); err != nil {
		t.Fatalf("recovery code after refused requests: %v", err)
	}
}

// countingProvider counts its exchanges, so a test can tell a provider
// code was never spent.
type countingProvider struct {
	fakeProvider
	exchanges int
}

func (c *countingProvider) Exchange(ctx context.Context, code, v, r string) (core.OAuthUser, error) {
	c.exchanges++
	return c.fakeProvider.Exchange(ctx, code, v, r)
}

// TestRefusedMFASpendsNoProviderCode: where MFA applies to every user of
// the collection, an OAuth2 login naming a dead challenge is refused
// before the provider's code is exchanged.
func TestRefusedMFASpendsNoProviderCode(t *testing.T) {
	e := newEnv(t)
	p := &countingProvider{fakeProvider: fakeProvider{users: map[string]core.OAuthUser{
		"c1": {ID: "g-1", Email: "ann@example.com", EmailVerified: true},
	}}}
	e.users.OAuth2.Enabled = true
	e.users.OAuth2.Providers = []core.OAuthProvider{p}
	e.users.MFA.Enabled = true
	for _, id := range []string{"unknownmfaid123", fmt.Sprintf("%015d", 7)} {
		_, _, err := e.svc.LoginWithOAuth2(context.Background(), e.users, nil, core.OAuth2Login{
			Provider: "fake", Code: "c1", CodeVerifier: "v", RedirectURL: "https://app.test/cb", MFAID: id,
		})
		wantKind(t, err, core.KindInvalid, core.CodeMFAInvalid)
	}
	if p.exchanges != 0 {
		t.Errorf("the provider's code was exchanged %d times for refused logins", p.exchanges)
	}
}
