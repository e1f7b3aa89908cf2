package core_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// rfc6238 computes a TOTP code the way RFC 6238 (and every authenticator
// app) does, independently of the library the server uses.
func rfc6238(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatalf("secret %q is not base32: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

func otpEnv(t *testing.T, mfa bool) *env {
	e := newEnv(t)
	e.users.OTP.Enabled = true
	e.users.MFA.Enabled = mfa
	return e
}

var otpInMail = regexp.MustCompile(`one-time password is: ([0-9]+)`)

// mailedOTP delivers queued mail and returns the code sent to addr.
func (e *env) mailedOTP(t *testing.T, addr string) string {
	t.Helper()
	for _, m := range e.DeliverAll(t) {
		if m.To == addr {
			if got := otpInMail.FindStringSubmatch(m.Text); got != nil {
				return got[1]
			}
		}
	}
	t.Fatalf("no OTP mail to %s", addr)
	return ""
}

func TestOTPLogin(t *testing.T) {
	e := otpEnv(t, false)
	ctx := core.WithClient(context.Background(), core.Client{IP: "192.0.2.1"})
	u := e.signUp(t, "alice@example.com", "correct horse")

	id, err := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	code := e.mailedOTP(t, "alice@example.com")
	if len(code) != 8 || len(id) != 15 {
		t.Fatalf("code %q, id %q: want 8 digits and a 15-char id", code, id)
	}
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: "00000000"})
	wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)
	res, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.ID != u.ID || res.Session.AMR[0] != "otp" || res.Session.AAL != 1 {
		t.Errorf("OTP login = user %s amr %v aal %d", res.User.ID, res.Session.AMR, res.Session.AAL)
	}
	// Single use.
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code})
	wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)
	// The code proved the address, and (no MFA) the old password is gone.
	if !res.User.Verified {
		t.Error("OTP login did not verify the address it was sent to")
	}
	wantKind(t, tryLogin(e, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeInvalidCredentials)
}

func TestOTPUnknownEmailAndExpiry(t *testing.T) {
	e := otpEnv(t, false)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	fake, err := e.svc.RequestOTP(ctx, e.users, "nobody@example.com")
	if err != nil || len(fake) != 15 {
		t.Fatalf("unknown email: id %q, %v; want a 15-char id", fake, err)
	}
	if len(e.DeliverAll(t)) != 0 {
		t.Error("a mail went out for an unknown address")
	}
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: fake, Code: "12345678"})
	wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)

	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code := e.mailedOTP(t, "alice@example.com")
	e.clock.Advance(e.users.OTP.Duration + time.Second)
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code})
	wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)

	e.users.OTP.Enabled = false
	_, err = e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	wantKind(t, err, core.KindForbidden, core.CodeOTPDisabled)
}

func TestOTPAttemptLimit(t *testing.T) {
	e := otpEnv(t, false)
	ctx := core.WithClient(context.Background(), core.Client{IP: "192.0.2.1"})
	e.signUp(t, "alice@example.com", "correct horse")
	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code := e.mailedOTP(t, "alice@example.com")
	for i := range 5 {
		_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: fmt.Sprintf("%08d", i)})
		wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)
	}
	// The sixth try is refused even with the right code.
	_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code})
	wantKind(t, err, core.KindRateLimited, core.CodeOTPTooMany)
}

func TestMFAPasswordThenOTP(t *testing.T) {
	e := otpEnv(t, true)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")

	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	ce := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired)
	if len(ce.MFAID) != 15 {
		t.Fatalf("mfaId = %q", ce.MFAID)
	}
	mfaID := ce.MFAID
	// The same method again is refused.
	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", MFAID: mfaID})
	wantKind(t, err, core.KindInvalid, core.CodeMFASameMethod)
	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code := e.mailedOTP(t, "alice@example.com")
	res, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: mfaID})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.ID != u.ID || res.Session.AAL != 2 || strings.Join(res.Session.AMR, ",") != "pwd,otp,mfa" {
		t.Errorf("MFA session amr %v aal %d", res.Session.AMR, res.Session.AAL)
	}
	// The challenge is used up.
	id2, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code2 := e.mailedOTP(t, "alice@example.com")
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id2, Code: code2, MFAID: mfaID})
	wantKind(t, err, core.KindInvalid, core.CodeMFAInvalid)
	// With MFA the password is not replaced by the OTP step.
	if _, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"}); core.AsError(err).Code != core.CodeMFARequired {
		t.Errorf("password after MFA login: %v", err)
	}
}

func TestMFAErrors(t *testing.T) {
	e := otpEnv(t, true)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	mfa := func(email string) string {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: email, Password: "correct horse"})
		return wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	}
	aliceMFA := mfa("alice@example.com")
	// Bob's OTP with Alice's challenge.
	id, _ := e.svc.RequestOTP(ctx, e.users, "bob@example.com")
	code := e.mailedOTP(t, "bob@example.com")
	_, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: aliceMFA})
	wantKind(t, err, core.KindInvalid, core.CodeMFAUserMismatch)
	// Expired.
	e.clock.Advance(e.users.MFA.Duration + time.Second)
	id, _ = e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	code = e.mailedOTP(t, "alice@example.com")
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: code, MFAID: aliceMFA})
	wantKind(t, err, core.KindInvalid, core.CodeMFAInvalid)
}

// enableTOTP enrols and confirms an authenticator for the principal and
// returns the secret and recovery codes.
func enableTOTP(t *testing.T, e *env, p *core.Principal) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e.verify(t, p)
	en, err := e.svc.EnrollTOTP(ctx, p, e.users, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.URL, "otpauth://totp/") || !strings.Contains(en.URL, "secret="+en.Secret) {
		t.Fatalf("otpauth URL = %q", en.URL)
	}
	codes, err := e.svc.ConfirmTOTP(ctx, p, e.users, "", rfc6238(t, en.Secret, e.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(codes))
	}
	return en.Secret, codes
}

func TestTOTPEnrolAndLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")

	_, err := e.svc.EnrollTOTP(ctx, p, e.users, "wrong password")
	wantField(t, err, "password", core.FieldInvalidPassword)
	_, err = e.svc.EnrollTOTP(ctx, p, e.users, "correct horse")
	wantKind(t, err, core.KindInvalid, core.CodeTOTPNeedsVerified)
	e.verify(t, p)
	en, err := e.svc.EnrollTOTP(ctx, p, e.users, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ConfirmTOTP(ctx, p, e.users, "", "000000")
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	// A pending factor protects nothing yet.
	e.login(t, e.users, "alice@example.com", "correct horse")
	e.clock.Advance(30 * time.Second)
	codes, err := e.svc.ConfirmTOTP(ctx, p, e.users, "", rfc6238(t, en.Secret, e.clock.Now()))
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm = %d codes, %v", len(codes), err)
	}

	// Now a password alone is not enough, even with MFA off for the
	// collection.
	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	e.clock.Advance(30 * time.Second)
	code := rfc6238(t, en.Secret, e.clock.Now())
	res, err := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Session.AMR, ",") != "pwd,totp,mfa" || res.Session.AAL != 2 {
		t.Errorf("amr %v aal %d", res.Session.AMR, res.Session.AAL)
	}
	// The same code cannot be replayed within its window.
	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID = wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	_, err = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: code})
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	// Nor can an older one.
	_, err = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: rfc6238(t, en.Secret, e.clock.Now().Add(-30*time.Second))})
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)

	// A recovery code works once, and is audited.
	res, err = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: strings.ToUpper(codes[0])})
	if err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if !strings.Contains(strings.Join(res.Session.AMR, ","), "recovery_code") {
		t.Errorf("amr %v", res.Session.AMR)
	}
	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID = wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	_, err = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: codes[0]})
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	if auditTypes(t, e)[core.AuditRecoveryUsed] != 1 {
		t.Error("recovery code use not audited")
	}
	st, err := e.svc.TOTPStatusOf(ctx, p, e.users)
	if err != nil || !st.Enabled || st.RecoveryCodesLeft != 9 {
		t.Errorf("status = %+v, %v", st, err)
	}
}

func TestTOTPDisableAndRegenerate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	secret, codes := enableTOTP(t, e, p)

	_, err := e.svc.EnrollTOTP(ctx, p, e.users, "correct horse")
	wantKind(t, err, core.KindInvalid, core.CodeTOTPEnabled)
	// Regenerating needs an authenticator code, not a recovery code.
	_, err = e.svc.RegenerateRecoveryCodes(ctx, p, e.users, codes[1])
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	e.clock.Advance(30 * time.Second)
	fresh, err := e.svc.RegenerateRecoveryCodes(ctx, p, e.users, rfc6238(t, secret, e.clock.Now()))
	if err != nil || len(fresh) != 10 {
		t.Fatalf("regenerate = %v, %v", fresh, err)
	}
	// The old codes are gone; a new one disables the factor.
	wantKind(t, e.svc.DisableTOTP(ctx, p, e.users, codes[2]), core.KindInvalid, core.CodeTOTPInvalid)
	if err := e.svc.DisableTOTP(ctx, p, e.users, fresh[0]); err != nil {
		t.Fatal(err)
	}
	e.login(t, e.users, "alice@example.com", "correct horse") // one factor again
	types := auditTypes(t, e)
	if types[core.AuditTOTPEnabled] != 1 || types[core.AuditTOTPDisabled] != 1 || types[core.AuditRecoveryRenewed] != 1 {
		t.Errorf("audit = %v", types)
	}
}

func TestTOTPBruteForceAndRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	secret, _ := enableTOTP(t, e, p)
	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID

	// Eight simultaneous uses of one fresh code: exactly one succeeds.
	e.clock.Advance(30 * time.Second)
	code := rfc6238(t, secret, e.clock.Now())
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.svc.DisableTOTP(ctx, p, e.users, code); err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d concurrent uses of one TOTP code succeeded, want 1", ok.Load())
	}
	// Re-enable, then guess: the limiter stops it.
	enableTOTP(t, e, p)
	var last error
	for i := range 12 {
		_, last = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: fmt.Sprintf("%06d", i)})
	}
	wantKind(t, last, core.KindRateLimited, "")
}

// TestAuthenticatorCannotBeBypassed: with MFA on and an authenticator
// enrolled, password plus a mailed code is not enough.
func TestAuthenticatorCannotBeBypassed(t *testing.T) {
	e := otpEnv(t, true)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	// Enrol through an MFA-completed session (password + OTP).
	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	id, _ := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	res, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: e.mailedOTP(t, "alice@example.com"), MFAID: mfaID})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.svc.Authenticate(ctx, res.Token)
	secret, _ := enableTOTP(t, e, p)

	_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID = wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	id, _ = e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: e.mailedOTP(t, "alice@example.com"), MFAID: mfaID})
	wantKind(t, err, core.KindInvalid, core.CodeMFAAuthenticatorNeeded)
	// The challenge survives the refusal: the app completes it.
	e.clock.Advance(30 * time.Second)
	if _, err := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: rfc6238(t, secret, e.clock.Now())}); err != nil {
		t.Fatalf("password + authenticator: %v", err)
	}
}

// TestSuperuserOTPForcesMFAAtRuntime: switching OTP on for _superusers
// makes their logins two-factor even without restarting.
func TestSuperuserOTPForcesMFAAtRuntime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.superuser(t)
	e.supers.OTP.Enabled = true
	_, err := e.svc.LoginWithPassword(ctx, e.supers, core.PasswordLogin{Identity: "root@example.com", Password: "rootpassword"})
	wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired)
}

// TestClaimDropsSquatterAuthenticator: a never-verified account cannot
// add an authenticator; and if one is there anyway (verified was cleared
// later), the owner proving the address removes it.
func TestClaimDropsSquatterAuthenticator(t *testing.T) {
	for _, how := range []string{"reset", "otp"} {
		t.Run(how, func(t *testing.T) {
			e := otpEnv(t, false)
			ctx := context.Background()
			victim := e.signUp(t, "victim@example.com", "correct horse")
			_, squatter := e.login(t, e.users, "victim@example.com", "correct horse")
			_, err := e.svc.EnrollTOTP(ctx, squatter, e.users, "correct horse")
			wantKind(t, err, core.KindInvalid, core.CodeTOTPNeedsVerified)
			now := e.clock.Now()
			if err := e.db.PutTOTPFactor(ctx, core.TOTPFactor{UserID: victim.ID, Secret: "JBSWY3DPEHPK3PXP", Confirmed: true, Created: now, Updated: now}); err != nil {
				t.Fatal(err)
			}
			switch how {
			case "reset":
				if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "victim@example.com"}); err != nil {
					t.Fatal(err)
				}
				_, tok := e.mailTo(t, "victim@example.com")
				if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "owner password"}); err != nil {
					t.Fatal(err)
				}
				e.login(t, e.users, "victim@example.com", "owner password") // one factor: the app is gone
			case "otp":
				id, _ := e.svc.RequestOTP(ctx, e.users, "victim@example.com")
				if _, err := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: id, Code: e.mailedOTP(t, "victim@example.com")}); err != nil {
					t.Fatalf("owner's OTP login: %v", err)
				}
			}
			st, err := e.svc.TOTPStatusOf(ctx, &core.Principal{User: squatter.User, Collection: e.users}, e.users)
			if err != nil || st.Enabled || st.Pending {
				t.Errorf("authenticator after the claim = %+v, %v; want gone", st, err)
			}
		})
	}
}

// verify marks the principal's user verified (in the store and in p).
func (e *env) verify(t *testing.T, p *core.Principal) {
	t.Helper()
	u, err := e.db.UserByID(context.Background(), e.users.ID, p.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	u.Verified = true
	if err := e.db.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	p.User.Verified = true
}
