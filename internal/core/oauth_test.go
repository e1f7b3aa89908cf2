package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// fakeProvider hands out the user registered for each code; any other
// code fails the token exchange.
type fakeProvider struct{ users map[string]core.OAuthUser }

func (f *fakeProvider) Name() string        { return "fake" }
func (f *fakeProvider) DisplayName() string { return "Fake" }
func (f *fakeProvider) PKCE() bool          { return true }
func (f *fakeProvider) AuthURL(state, ch string) string {
	return "https://idp.test/auth?state=" + state + "&redirect_uri="
}
func (f *fakeProvider) Exchange(_ context.Context, code, _, _ string) (core.OAuthUser, error) {
	if code == "user-fetch-fails" {
		return core.OAuthUser{}, fmt.Errorf("boom: %w", core.ErrOAuthUser)
	}
	u, ok := f.users[code]
	if !ok {
		return core.OAuthUser{}, fmt.Errorf("bad code: %w", core.ErrOAuthToken)
	}
	return u, nil
}

func oauthEnv(t *testing.T) (*env, *fakeProvider) {
	e := newEnv(t)
	p := &fakeProvider{users: map[string]core.OAuthUser{}}
	e.users.OAuth2.Enabled = true
	e.users.OAuth2.Providers = []core.OAuthProvider{p}
	return e, p
}

func (e *env) oauth(t *testing.T, caller *core.Principal, code string) (core.AuthResult, core.OAuth2Meta, error) {
	t.Helper()
	return e.svc.LoginWithOAuth2(context.Background(), e.users, caller, core.OAuth2Login{Provider: "fake", Code: code, CodeVerifier: "v", RedirectURL: "https://app.test/cb"})
}

func TestOAuth2NewAndReturningUser(t *testing.T) {
	e, p := oauthEnv(t)
	p.users["c1"] = core.OAuthUser{ID: "g-1", Email: "ann@example.com", EmailVerified: true, Name: "Ann", AvatarURL: "https://img.test/a.png"}
	res, meta, err := e.oauth(t, nil, "c1")
	if err != nil {
		t.Fatal(err)
	}
	u := res.User
	if !meta.IsNew || u.Email != "ann@example.com" || !u.Verified || u.Name != "Ann" || u.Avatar != "https://img.test/a.png" || u.PasswordHash != "" {
		t.Fatalf("new user = %+v, isNew %v", u, meta.IsNew)
	}
	// No password: a password login fails like any other.
	wantKind(t, tryLogin(e, "ann@example.com", ""), core.KindInvalid, "")
	wantKind(t, tryLogin(e, "ann@example.com", "anything at all"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	// Returning: same record, not new, even if the provider email changed.
	p.users["c2"] = core.OAuthUser{ID: "g-1", Email: "ann@new.example", EmailVerified: true}
	res2, meta2, err := e.oauth(t, nil, "c2")
	if err != nil || meta2.IsNew || res2.User.ID != u.ID {
		t.Fatalf("returning user = %s new %v err %v", res2.User.ID, meta2.IsNew, err)
	}
}

func TestOAuth2Errors(t *testing.T) {
	e, _ := oauthEnv(t)
	_, _, err := e.oauth(t, nil, "wrong-code")
	wantKind(t, err, core.KindInvalid, core.CodeOAuthToken)
	_, _, err = e.oauth(t, nil, "user-fetch-fails")
	wantKind(t, err, core.KindInvalid, core.CodeOAuthUser)
	_, _, err = e.svc.LoginWithOAuth2(context.Background(), e.users, nil, core.OAuth2Login{Provider: "nope", Code: "x"})
	wantField(t, err, "provider", core.FieldInvalidProvider)
	e.users.OAuth2.Enabled = false
	_, _, err = e.oauth(t, nil, "c1")
	wantKind(t, err, core.KindForbidden, core.CodeOAuthDisabled)
}

func TestOAuth2LinksSignedInUserAndVerifiedEmail(t *testing.T) {
	e, p := oauthEnv(t)
	ctx := context.Background()
	bob := e.signUp(t, "bob@example.com", "correct horse")
	_, pb := e.login(t, e.users, "bob@example.com", "correct horse")
	// A signed-in user links a provider account with another email.
	p.users["link"] = core.OAuthUser{ID: "g-bob", Email: "bob@elsewhere.example", EmailVerified: true}
	res, meta, err := e.oauth(t, pb, "link")
	if err != nil || res.User.ID != bob.ID || meta.IsNew {
		t.Fatalf("link = %s new %v %v", res.User.ID, meta.IsNew, err)
	}
	ids, err := e.svc.ListIdentities(ctx, pb, e.users, bob.ID)
	if err != nil || len(ids) != 1 || ids[0].ProviderID != "g-bob" {
		t.Fatalf("identities = %v, %v", ids, err)
	}
	// Existing verified record found by a provider-verified email keeps its password.
	carol := e.signUp(t, "carol@example.com", "correct horse")
	e.db.UpdateUser(ctx, func() core.User { u, _ := e.db.UserByID(ctx, e.users.ID, carol.ID); u.Verified = true; return u }())
	p.users["carol"] = core.OAuthUser{ID: "g-carol", Email: "carol@example.com", EmailVerified: true}
	res, _, err = e.oauth(t, nil, "carol")
	if err != nil || res.User.ID != carol.ID {
		t.Fatalf("by email = %v %v", res.User.ID, err)
	}
	e.login(t, e.users, "carol@example.com", "correct horse")
	// An UNverified provider email never links: a new record without that email.
	p.users["mallory"] = core.OAuthUser{ID: "g-mallory", Email: "carol@example.com", EmailVerified: false}
	res, meta, err = e.oauth(t, nil, "mallory")
	if err != nil || res.User.ID == carol.ID || !meta.IsNew || res.User.Email != "" {
		t.Fatalf("unverified email took over or clashed: user %s email %q new %v err %v", res.User.ID, res.User.Email, meta.IsNew, err)
	}
}

func TestOAuth2PreRegisteredUnverifiedAccount(t *testing.T) {
	e, p := oauthEnv(t)
	ctx := context.Background()
	// An attacker registers the victim's address and never verifies it.
	squat := e.signUp(t, "victim@example.com", "attacker password")
	attacker, _ := e.login(t, e.users, "victim@example.com", "attacker password")
	p.users["victim"] = core.OAuthUser{ID: "g-victim", Email: "victim@example.com", EmailVerified: true}
	res, meta, err := e.oauth(t, nil, "victim")
	if err != nil || res.User.ID != squat.ID || meta.IsNew || !res.User.Verified {
		t.Fatalf("claim = %+v new %v %v", res.User, meta.IsNew, err)
	}
	// The attacker's password and session are gone.
	wantKind(t, tryLogin(e, "victim@example.com", "attacker password"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	if _, err := e.svc.Authenticate(ctx, attacker.Token); err == nil {
		t.Error("the squatter's session survived")
	}
}

func TestUnlinkLastLoginMethod(t *testing.T) {
	e, p := oauthEnv(t)
	ctx := context.Background()
	p.users["c1"] = core.OAuthUser{ID: "g-1", Email: "ann@example.com", EmailVerified: true}
	res, _, err := e.oauth(t, nil, "c1")
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := e.svc.Authenticate(ctx, res.Token)
	ids, _ := e.svc.ListIdentities(ctx, pa, e.users, pa.User.ID)
	err = e.svc.UnlinkIdentity(ctx, pa, e.users, pa.User.ID, ids[0].ID)
	wantKind(t, err, core.KindInvalid, core.CodeLastLoginMethod)
	// Once emailed codes can log the user in, the link may go.
	e.users.OTP.Enabled = true
	if err := e.svc.UnlinkIdentity(ctx, pa, e.users, pa.User.ID, ids[0].ID); err != nil {
		t.Fatal(err)
	}
	wantKind(t, e.svc.UnlinkIdentity(ctx, pa, e.users, pa.User.ID, ids[0].ID), core.KindNotFound, "")
}

func TestOAuth2WithMFA(t *testing.T) {
	e, p := oauthEnv(t)
	e.users.MFA.Enabled, e.users.OTP.Enabled = true, true
	p.users["c1"] = core.OAuthUser{ID: "g-1", Email: "ann@example.com", EmailVerified: true}
	_, _, err := e.oauth(t, nil, "c1")
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	ctx := context.Background()
	id, _ := e.svc.RequestOTP(ctx, e.users, "ann@example.com")
	res, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: e.mailedOTP(t, "ann@example.com"), MFAID: mfaID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Session.AAL != 2 {
		t.Errorf("aal %d", res.Session.AAL)
	}
}

// A provider's profile is not ours to refuse, but what we store from it
// must be storable everywhere: control characters and invalid UTF-8 are
// dropped from the mapped name, and an id that cannot be a lookup key
// fails the login like any unusable provider answer.
func TestOAuth2HostileProfile(t *testing.T) {
	e, p := oauthEnv(t)
	p.users["nul"] = core.OAuthUser{ID: "g-nul", Email: "nul@example.com", EmailVerified: true, Name: "An\x00n\xff\x1b[31m"}
	res, _, err := e.oauth(t, nil, "nul")
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Name != "Ann[31m" {
		t.Errorf("stored name %q, want control characters and bad bytes dropped", res.User.Name)
	}
	for code, id := range map[string]string{"id-nul": "g\x00x", "id-utf8": "g\xffx", "id-long": strings.Repeat("g", 256)} {
		p.users[code] = core.OAuthUser{ID: id, Email: code + "@example.com", EmailVerified: true}
		_, _, err := e.oauth(t, nil, code)
		wantKind(t, err, core.KindInvalid, core.CodeOAuthUser)
	}
}
