package core_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// pendingProfile is a profile with Conduit's second-factor flow: pending
// tokens that say `authorized: false`, digit recovery codes.
func pendingProfile() core.Profile {
	return core.Profile{MintClaims: true, SecondFactor: core.SecondFactorProfile{
		PendingToken: true, FreshReplacesProof: true, RecoveryCodes: core.RecoveryCodesDigits,
	}}
}

// tokenClaims decodes a JWT's payload, unverified, as a client would.
func tokenClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// pendingUser signs alice up under profile e, enables her authenticator
// app, and returns its secret and her recovery codes.
func pendingUser(t *testing.T, e *env) (string, []string) {
	t.Helper()
	e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	return enableTOTP(t, e, p)
}

// pendingLogin logs alice in with her password and checks the answer is
// a pending token.
func (e *env) pendingLogin(t *testing.T) core.AuthResult {
	t.Helper()
	res, err := e.svc.LoginWithPassword(context.Background(), e.users,
		core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if !res.Pending || res.RefreshToken != "" || res.Session.ID != "" || res.Token == "" {
		t.Fatalf("login = %+v, want a pending token only", res)
	}
	return res
}

func TestPendingTokenLogin(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	secret, _ := pendingUser(t, e)
	res := e.pendingLogin(t)

	cl := tokenClaims(t, res.Token)
	if cl["type"] != core.PendingTokenType || cl["authorized"] != false || cl["sudo"] != false || cl["id"] != res.User.ID {
		t.Errorf("pending claims = %v", cl)
	}
	if ttl := res.AccessTTL; ttl <= 0 || ttl > e.users.MFA.Duration {
		t.Errorf("pending TTL = %s, want within the challenge's %s", ttl, e.users.MFA.Duration)
	}
	// Authentication refuses it, saying why.
	_, err := e.svc.Authenticate(ctx, res.Token)
	if ce := wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired); !errors.Is(ce, core.ErrSecondFactorPending) {
		t.Errorf("cause = %v, want ErrSecondFactorPending", ce.Cause)
	}
	p, pl, err := e.svc.AuthenticateEither(ctx, e.users, res.Token)
	if err != nil || p != nil || pl == nil || pl.User.ID != res.User.ID || !pl.RefreshToken {
		t.Fatalf("AuthenticateEither = %v %+v %v", p, pl, err)
	}

	// A wrong code, then the right one.
	_, err = e.svc.CompletePendingTOTP(ctx, pl, "000000")
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	_, err = e.svc.CompletePendingTOTP(ctx, pl, "")
	wantField(t, err, "code", core.FieldRequired)
	e.clock.Advance(30 * time.Second)
	code := rfc6238(t, secret, e.clock.Now())
	full, err := e.svc.CompletePendingTOTP(ctx, pl, code)
	if err != nil {
		t.Fatal(err)
	}
	if full.Pending || full.RefreshToken == "" || full.Session.AAL != 2 || strings.Join(full.Session.AMR, ",") != "pwd,totp,mfa" {
		t.Errorf("completed = %+v", full)
	}
	if fp, err := e.svc.Authenticate(ctx, full.Token); err != nil || !fp.Fresh {
		t.Errorf("the completed login's token: %+v, %v; want a fresh one", fp, err)
	}
	if cl := tokenClaims(t, full.Token); cl["authorized"] != true || cl["sudo"] != true {
		t.Errorf("completed claims = %v", cl)
	}
	// The pending token completed its login: it is good for nothing now.
	_, err = e.svc.AuthenticatePending(ctx, e.users, res.Token)
	if ce := wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired); !errors.Is(ce, core.ErrSessionEnded) {
		t.Errorf("used pending token's cause = %v", ce.Cause)
	}
	// The same code does not complete another login (its step is spent).
	again := e.pendingLogin(t)
	pl2, err := e.svc.AuthenticatePending(ctx, e.users, again.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CompletePendingTOTP(ctx, pl2, code)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	// A full access token is not a pending one.
	_, err = e.svc.AuthenticatePending(ctx, e.users, full.Token)
	wantKind(t, err, core.KindInvalid, core.CodeMFAInvalid)
	if p, pl, err := e.svc.AuthenticateEither(ctx, e.users, full.Token); err != nil || p == nil || pl != nil {
		t.Errorf("AuthenticateEither(full) = %v %v %v", p, pl, err)
	}
}

func TestPendingTokenRefusals(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	pendingUser(t, e)
	res := e.pendingLogin(t)
	// The signature's first character changes its first byte; its last
	// ones may only carry bits a decoder ignores (or an Ed25519 S's
	// always-zero top bits), so changing them need not tamper at all.
	sig := strings.LastIndex(res.Token, ".") + 1
	swap := byte('A')
	if res.Token[sig] == 'A' {
		swap = 'B'
	}
	tampered := res.Token[:sig] + string(swap) + res.Token[sig+1:]
	for name, tok := range map[string]string{
		"empty": "", "garbage": "not.a.jwt", "tampered": tampered,
		"huge": strings.Repeat("a", 9000),
	} {
		if _, err := e.svc.AuthenticatePending(ctx, e.users, tok); err == nil {
			t.Errorf("%s pending token accepted", name)
		} else {
			wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired)
		}
	}
	// Another collection's surface does not take it.
	if _, err := e.svc.AuthenticatePending(ctx, e.supers, res.Token); !errors.Is(err, core.ErrWrongCollection) {
		t.Errorf("other collection: %v", err)
	}
	// It runs out with its challenge.
	e.clock.Advance(e.users.MFA.Duration + time.Second)
	if _, err := e.svc.AuthenticatePending(ctx, e.users, res.Token); !errors.Is(err, core.ErrTokenExpired) {
		t.Errorf("expired: %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); !errors.Is(err, core.ErrTokenInvalid) {
		t.Errorf("expired pending token at Authenticate: %v, want invalid", err)
	}
}

// TestPendingOnlyForAuthenticatorUsers: without an app, the profile's
// login is a normal one; without the profile, the app's user gets the
// usual MFA challenge.
func TestPendingOnlyForAuthenticatorUsers(t *testing.T) {
	base := newEnv(t)
	e := base.withProfile(t, pendingProfile())
	ctx := context.Background()
	e.signUp(t, "bob@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "bob@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil || res.Pending || res.RefreshToken == "" {
		t.Fatalf("login without an app = %+v, %v", res, err)
	}
	pendingUser(t, e)
	_, err = base.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired)
}

func TestPendingRecovery(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	_, codes := pendingUser(t, e)
	digits := regexp.MustCompile(`^[0-9]{4} [0-9]{4}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !digits.MatchString(c) || seen[c] {
			t.Fatalf("recovery codes %q: want 10 distinct \"1234 5678\"", codes)
		}
		seen[c] = true
	}
	pl, err := e.svc.AuthenticatePending(ctx, e.users, e.pendingLogin(t).Token)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"1234", "abcd efgh", "1234 56789", "12345678x"} {
		_, _, err = e.svc.CompletePendingRecovery(ctx, pl, bad)
		wantField(t, err, "code", core.FieldInvalidFormat)
	}
	_, _, err = e.svc.CompletePendingRecovery(ctx, pl, "0000 0000")
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	res, left, err := e.svc.CompletePendingRecovery(ctx, pl, strings.ReplaceAll(codes[3], " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	if left != 9 || res.Pending || res.RefreshToken == "" || strings.Join(res.Session.AMR, ",") != "pwd,recovery_code,mfa" {
		t.Errorf("recovered = %+v, %d left", res, left)
	}
	// A code works once.
	pl, err = e.svc.AuthenticatePending(ctx, e.users, e.pendingLogin(t).Token)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.CompletePendingRecovery(ctx, pl, codes[3])
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
}

// TestPendingAttemptsLimited: codes against a pending login count toward
// the user's second-factor limit, and two concurrent completions of one
// pending token open one session.
func TestPendingAttemptsLimited(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	secret, codes := pendingUser(t, e)
	pl, err := e.svc.AuthenticatePending(ctx, e.users, e.pendingLogin(t).Token)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	code := rfc6238(t, secret, e.clock.Now())
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = e.svc.CompletePendingTOTP(ctx, pl, code)
			} else {
				_, _, err = e.svc.CompletePendingRecovery(ctx, pl, codes[i])
			}
			if err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d concurrent completions of one pending login succeeded, want 1", ok.Load())
	}
	e.clock.Advance(10 * time.Minute) // a new attempt window
	pl, err = e.svc.AuthenticatePending(ctx, e.users, e.pendingLogin(t).Token)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for i := range 12 {
		_, last = e.svc.CompletePendingTOTP(ctx, pl, fmt.Sprintf("%06d", i))
	}
	wantKind(t, last, core.KindRateLimited, core.CodeTOTPTooManyAttempt)
	_, _, last = e.svc.CompletePendingRecovery(ctx, pl, codes[9])
	wantKind(t, last, core.KindRateLimited, core.CodeTOTPTooManyAttempt)
}

func TestSecondFactorProfileValidation(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.WithProfile(core.Profile{SecondFactor: core.SecondFactorProfile{RecoveryCodes: 7}}); err == nil {
		t.Error("unknown recovery code format accepted")
	}
}

// TestRecoveryFormatsCrossSurfaces: codes hash alike whatever format made
// them, so a digit code (typed with or without its space) works where
// the default flow asks for a recovery code, and the default profile
// still makes "xxxxx-xxxxx" codes.
func TestRecoveryFormatsCrossSurfaces(t *testing.T) {
	base := newEnv(t)
	e := base.withProfile(t, pendingProfile())
	ctx := context.Background()
	_, codes := pendingUser(t, e)
	_, err := base.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	res, err := base.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: strings.ReplaceAll(codes[0], " ", "")})
	if err != nil || res.Session.AAL != 2 {
		t.Fatalf("default flow with a digit code = %+v, %v", res, err)
	}
	p, err := base.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := base.svc.DisableTOTP(ctx, p, e.users, codes[1]); err != nil {
		t.Fatalf("disable with a digit code: %v", err)
	}
	_, words := enableTOTP(t, base, p)
	for _, c := range words {
		if !regexp.MustCompile(`^[a-z0-9]{5}-[a-z0-9]{5}$`).MatchString(c) {
			t.Fatalf("default recovery code %q", c)
		}
	}
}
