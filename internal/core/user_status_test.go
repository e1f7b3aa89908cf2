package core_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// countingHasher counts password checks, real and dummy: what a login
// spends on hashing.
type countingHasher struct {
	core.Hasher
	checks atomic.Int64
}

func (h *countingHasher) Verify(ctx context.Context, encoded, password string) (bool, bool, error) {
	h.checks.Add(1)
	return h.Hasher.Verify(ctx, encoded, password)
}

func (h *countingHasher) VerifyDummy(ctx context.Context, password string) error {
	h.checks.Add(1)
	return h.Hasher.VerifyDummy(ctx, password)
}

// countingEnv is an env whose hashing work is counted.
func countingEnv(t *testing.T) (*env, *countingHasher) {
	h := &countingHasher{}
	ce := coretest.NewWithOptions(t, coretest.Options{WrapHasher: func(inner core.Hasher) core.Hasher {
		h.Hasher = inner
		return h
	}})
	users, _ := ce.Service.Collection("users")
	return &env{Env: ce, svc: ce.Service, db: ce.DB, users: users, supers: superusers(t, ce.Service), clock: ce.Clock}, h
}

// suspend suspends a user through the superuser's method.
func (e *env) suspend(t *testing.T, su *core.Principal, id string) {
	t.Helper()
	u, err := e.svc.SetUserStatus(context.Background(), su, e.users, id, core.UserSuspended)
	if err != nil || u.Status != core.UserSuspended {
		t.Fatalf("SetUserStatus(suspended) = %q, %v", u.Status, err)
	}
}

// suspendQuietly marks a user suspended in the store alone, ending
// nothing: what the status check itself must refuse, with no revocation
// to lean on.
func (e *env) suspendQuietly(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.UserByID(ctx, e.users.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	u.Status = core.UserSuspended
	if err := e.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}

// sameAnswer fails unless two refusals are indistinguishable to a
// client: same kind, code, message, fields and retry hint.
func sameAnswer(t *testing.T, what string, got, want error) {
	t.Helper()
	g, w := core.AsError(got), core.AsError(want)
	if got == nil || want == nil {
		t.Fatalf("%s: got %v, want %v (both errors)", what, got, want)
	}
	if diff := cmp.Diff(w, g, cmpopts.IgnoreFields(core.Error{}, "Cause")); diff != "" {
		t.Errorf("%s answers differently (-like a wrong factor +suspended):\n%s", what, diff)
	}
}

// auditDetails returns the details of the user's newest event of typ.
func auditDetails(t *testing.T, e *env, su *core.Principal, userID, typ string) map[string]string {
	t.Helper()
	page, err := e.svc.ListAudit(context.Background(), su, core.AuditQuery{UserID: userID, Types: []string{typ}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) == 0 {
		t.Fatalf("no %s event for %s", typ, userID)
	}
	return page.Events[0].Details
}

// A suspended user's right password is answered exactly as a wrong one
// and as an unknown address, after the same hashing work; a
// reactivated user logs in again.
func TestSuspendedPasswordLogin(t *testing.T) {
	e, h := countingEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	e.suspend(t, su, alice.ID)

	attempt := func(email, pw string) (error, int64) {
		e.clock.Advance(time.Second) // events in order, for auditDetails
		before := h.checks.Load()
		err := tryLogin(e, email, pw)
		return err, h.checks.Load() - before
	}
	wrong, wrongWork := attempt("alice@example.com", "wrong horse")
	unknown, unknownWork := attempt("nobody@example.com", "correct horse")
	right, rightWork := attempt("alice@example.com", "correct horse")
	wantKind(t, right, core.KindUnauthenticated, core.CodeInvalidCredentials)
	sameAnswer(t, "a suspended user's right password", right, wrong)
	sameAnswer(t, "a suspended user's right password", right, unknown)
	if rightWork != 1 || wrongWork != 1 || unknownWork != 1 {
		t.Errorf("password checks: right %d, wrong %d, unknown %d; want 1 each", rightWork, wrongWork, unknownWork)
	}
	if d := auditDetails(t, e, su, alice.ID, core.AuditLoginFailure); d["reason"] != "suspended" || d["method"] != core.MethodPassword {
		t.Errorf("login failure details = %v", d)
	}

	u, err := e.svc.SetUserStatus(ctx, su, e.users, alice.ID, core.UserActive)
	if err != nil || u.Status != core.UserActive {
		t.Fatalf("reactivate = %q, %v", u.Status, err)
	}
	e.login(t, e.users, "alice@example.com", "correct horse")
	auditDetails(t, e, su, alice.ID, core.AuditUserReactivated)
}

// Suspending ends every session at once, audited with their number: the
// access tokens and refresh tokens of those sessions stop working.
func TestSuspensionEndsSessions(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) { s.SessionCacheTTL = time.Minute })
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	e.login(t, e.users, "alice@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil { // now cached
		t.Fatal(err)
	}

	e.suspend(t, su, alice.ID)
	_, err = e.svc.Authenticate(ctx, res.Token)
	if ce := wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired); !errors.Is(ce, core.ErrSessionEnded) {
		t.Errorf("a suspended user's token: %v, want a session ended", ce)
	}
	_, err = e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshInvalid)
	if d := auditDetails(t, e, su, alice.ID, core.AuditUserSuspended); d["sessions"] != "2" {
		t.Errorf("suspension details = %v, want 2 sessions", d)
	}
	list, err := e.svc.ListSessions(ctx, su, e.users, alice.ID)
	if err != nil || len(list) != 0 {
		t.Errorf("sessions after suspension = %d, %v, want none", len(list), err)
	}
	// Reactivation does not bring the sessions back.
	if _, err := e.svc.SetUserStatus(ctx, su, e.users, alice.ID, core.UserActive); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Error("a session ended by a suspension works again after reactivation")
	}
}

// The status itself refuses tokens and refreshes, whatever happened to
// the sessions (a status written by another node, or by an operator in
// the database): a suspended user's token reads as an ended session.
func TestSuspendedStatusRefusesTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice := e.signUp(t, "alice@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	e.suspendQuietly(t, alice.ID)
	_, err = e.svc.Authenticate(ctx, res.Token)
	if ce := wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired); !errors.Is(ce, core.ErrSessionEnded) {
		t.Errorf("a suspended user's token: %v, want a session ended", ce)
	}
	_, err = e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	sameAnswer(t, "a suspended user's refresh", err, func() error {
		_, err := e.svc.RefreshWithToken(ctx, e.users, "not-a-token")
		return err
	}())
	// The refusal spent nothing: the token works once the user is back.
	u, _ := e.db.UserByID(ctx, e.users.ID, alice.ID)
	u.Status = core.UserActive
	if err := e.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken); err != nil {
		t.Errorf("refresh after reactivation = %v", err)
	}
}

// Who may set a status, and to what.
func TestSetUserStatusRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	_, pa := e.login(t, e.users, "alice@example.com", "correct horse")

	_, err := e.svc.SetUserStatus(ctx, nil, e.users, alice.ID, core.UserSuspended)
	wantKind(t, err, core.KindUnauthenticated, "")
	_, err = e.svc.SetUserStatus(ctx, pa, e.users, alice.ID, core.UserSuspended)
	wantKind(t, err, core.KindForbidden, core.CodeSuperuserRequired)
	_, err = e.svc.SetUserStatus(ctx, su, e.supers, su.User.ID, core.UserSuspended)
	wantField(t, err, "status", core.FieldValuesMismatch)
	_, err = e.svc.SetUserStatus(ctx, su, e.users, alice.ID, "banned")
	wantField(t, err, "status", core.FieldInInvalid)
	_, err = e.svc.SetUserStatus(ctx, su, e.users, "nosuchuser0000", core.UserSuspended)
	wantKind(t, err, core.KindNotFound, core.CodeNotFound)
	if _, err := e.recheck(pa); err != nil {
		t.Errorf("refused attempts touched alice: %v", err)
	}

	// Setting the status a user has changes and audits nothing.
	before := auditTypes(t, e)
	u, err := e.svc.SetUserStatus(ctx, su, e.users, alice.ID, core.UserActive)
	if err != nil || u.Status != core.UserActive || !u.Updated.Equal(alice.Updated) {
		t.Errorf("no-op SetUserStatus = %+v, %v", u, err)
	}
	if diff := cmp.Diff(before, auditTypes(t, e)); diff != "" {
		t.Errorf("a no-op status change was audited:\n%s", diff)
	}
	if _, err := e.recheck(pa); err != nil {
		t.Errorf("a no-op status change ended alice's session: %v", err)
	}
	// A superuser may suspend another superuser.
	if _, err := e.svc.UpsertSuperuser(ctx, "second@example.com", "rootpassword"); err != nil {
		t.Fatal(err)
	}
	second, _ := e.db.UserByEmail(ctx, e.supers.ID, "second@example.com")
	if _, err := e.svc.SetUserStatus(ctx, su, e.supers, second.ID, core.UserSuspended); err != nil {
		t.Errorf("suspending another superuser = %v", err)
	}
}

// recheck authenticates a principal's token again.
func (e *env) recheck(p *core.Principal) (*core.Principal, error) {
	return e.svc.Authenticate(context.Background(), p.Token)
}

// UserInput.Status follows the same rules as SetUserStatus, and a
// suspension through UpdateUser ends sessions the same way.
func TestUserInputStatus(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	_, pa := e.login(t, e.users, "alice@example.com", "correct horse")

	suspended, active := core.UserSuspended, core.UserActive
	_, err := e.svc.UpdateUser(ctx, pa, e.users, alice.ID, core.UserInput{Status: &suspended})
	wantField(t, err, "status", core.FieldValuesMismatch)
	if _, err := e.svc.UpdateUser(ctx, pa, e.users, alice.ID, core.UserInput{Status: &active, Name: ptr("Alice")}); err != nil {
		t.Errorf("sending back the status it has = %v", err)
	}
	_, err = e.svc.UpdateUser(ctx, su, e.supers, su.User.ID, core.UserInput{Status: &suspended})
	wantField(t, err, "status", core.FieldValuesMismatch)
	bad := core.UserStatus("banned")
	_, err = e.svc.UpdateUser(ctx, su, e.users, alice.ID, core.UserInput{Status: &bad})
	wantField(t, err, "status", core.FieldInInvalid)

	u, err := e.svc.UpdateUser(ctx, su, e.users, alice.ID, core.UserInput{Status: &suspended})
	if err != nil || u.Status != core.UserSuspended || u.Name != "Alice" {
		t.Fatalf("superuser's update = %+v, %v", u, err)
	}
	if _, err := e.recheck(pa); err == nil {
		t.Error("a suspension through UpdateUser left the session working")
	}
	if d := auditDetails(t, e, su, alice.ID, core.AuditUserSuspended); d["sessions"] != "1" {
		t.Errorf("suspension details = %v", d)
	}

	// Create: a guest may only ask for the default; a superuser may
	// create a suspended user, who cannot log in.
	email, pw := "bob@example.com", "correct horse"
	_, err = e.svc.CreateUser(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw, Status: &suspended})
	wantField(t, err, "status", core.FieldValuesMismatch)
	_, err = e.svc.CreateUser(ctx, su, e.users, core.UserInput{Email: &email, Password: &pw, Status: &bad})
	wantField(t, err, "status", core.FieldInInvalid)
	bob, err := e.svc.CreateUser(ctx, su, e.users, core.UserInput{Email: &email, Password: &pw, Status: &suspended})
	if err != nil || bob.Status != core.UserSuspended {
		t.Fatalf("superuser's create = %+v, %v", bob, err)
	}
	wantKind(t, tryLogin(e, email, pw), core.KindUnauthenticated, core.CodeInvalidCredentials)
	email = "carol@example.com"
	if u, err := e.svc.CreateUser(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw, Status: &active}); err != nil || u.Status != core.UserActive {
		t.Errorf("guest sign-up asking to be active = %+v, %v", u, err)
	}
}

// A suspended account gets no emailed code, and a code it holds from
// before is answered like a wrong one, without claiming the account.
func TestSuspendedOTP(t *testing.T) {
	e := otpEnv(t, false)
	ctx := context.Background()
	alice := e.signUp(t, "alice@example.com", "correct horse")
	otpID, err := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	code := e.mailedOTP(t, "alice@example.com")
	e.suspendQuietly(t, alice.ID)

	_, wrong := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: otpID, Code: "00000000"})
	_, right := e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: otpID, Code: code})
	wantKind(t, right, core.KindInvalid, core.CodeOTPInvalid)
	sameAnswer(t, "a suspended user's right code", right, wrong)
	if u, _ := e.db.UserByID(ctx, e.users.ID, alice.ID); u.Verified || u.PasswordHash != alice.PasswordHash {
		t.Error("a suspended account was claimed by its code")
	}

	id, err := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	if err != nil || id == "" {
		t.Errorf("RequestOTP for a suspended account = %q, %v, want an id like any other", id, err)
	}
	if n := len(e.DeliverAll(t)); n != 0 {
		t.Errorf("%d mails sent to a suspended account", n)
	}
}

// SetUserStatus drops the codes a suspended user holds, so they do not
// outlive a reactivation either.
func TestSuspensionDropsOTPs(t *testing.T) {
	e := otpEnv(t, false)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	otpID, err := e.svc.RequestOTP(ctx, e.users, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	code := e.mailedOTP(t, "alice@example.com")
	e.suspend(t, su, alice.ID)
	if _, err := e.svc.SetUserStatus(ctx, su, e.users, alice.ID, core.UserActive); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.LoginWithOTP(ctx, e.users, core.OTPLogin{OTPID: otpID, Code: code})
	wantKind(t, err, core.KindInvalid, core.CodeOTPInvalid)
}

// OAuth2 refuses a suspended account as a failed sign-in, and a
// suspended account found by its email is neither linked nor claimed.
func TestSuspendedOAuth2(t *testing.T) {
	e, prov := oauthEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	prov.users["c1"] = core.OAuthUser{ID: "g-1", Email: "ann@example.com", EmailVerified: true, Name: "Ann"}
	res, _, err := e.oauth(t, nil, "c1")
	if err != nil {
		t.Fatal(err)
	}
	e.suspend(t, su, res.User.ID)
	_, _, err = e.oauth(t, nil, "c1")
	wantKind(t, err, core.KindInvalid, core.CodeOAuthFailed)
	if d := auditDetails(t, e, su, res.User.ID, core.AuditLoginFailure); d["reason"] != "suspended" || d["method"] != core.MethodOAuth2 {
		t.Errorf("login failure details = %v", d)
	}

	bob := e.signUp(t, "bob@example.com", "correct horse") // never verified
	e.suspend(t, su, bob.ID)
	prov.users["c2"] = core.OAuthUser{ID: "g-2", Email: "bob@example.com", EmailVerified: true}
	_, _, err = e.oauth(t, nil, "c2")
	wantKind(t, err, core.KindInvalid, core.CodeOAuthFailed)
	links, err := e.svc.ListIdentities(ctx, su, e.users, bob.ID)
	if err != nil || len(links) != 0 {
		t.Errorf("identities of a suspended account = %v, %v, want none", links, err)
	}
	if u, _ := e.db.UserByID(ctx, e.users.ID, bob.ID); u.Verified || u.PasswordHash != bob.PasswordHash {
		t.Error("a suspended account was claimed by OAuth2")
	}
	if n, _ := e.db.CountUsers(ctx, e.users.ID); n != 2 {
		t.Errorf("%d users, want 2: a suspended account's address made a new one", n)
	}
}

// A second factor completing a login begun before the suspension is
// answered as a wrong code.
func TestSuspendedTOTPSecondStep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	secret, recovery := enableTOTP(t, e, p)

	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	mfaID := wantKind(t, err, core.KindUnauthenticated, core.CodeMFARequired).MFAID
	e.suspend(t, su, alice.ID)
	e.clock.Advance(30 * time.Second)

	_, wrong := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: "000000"})
	_, right := e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: rfc6238(t, secret, e.clock.Now())})
	wantKind(t, right, core.KindInvalid, core.CodeTOTPInvalid)
	sameAnswer(t, "a suspended user's right authenticator code", right, wrong)
	_, right = e.svc.LoginWithTOTP(ctx, e.users, core.TOTPLogin{MFAID: mfaID, Code: recovery[0]})
	sameAnswer(t, "a suspended user's recovery code", right, wrong)

	// Once suspended, the password no longer even reaches the second step.
	err = tryLogin(e, "alice@example.com", "correct horse")
	wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
}

// The operator's way in lifts a superuser's suspension.
func TestUpsertSuperuserReactivates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	if _, err := e.svc.UpsertSuperuser(ctx, "second@example.com", "rootpassword"); err != nil {
		t.Fatal(err)
	}
	second, _ := e.db.UserByEmail(ctx, e.supers.ID, "second@example.com")
	if _, err := e.svc.SetUserStatus(ctx, su, e.supers, second.ID, core.UserSuspended); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.LoginWithPassword(ctx, e.supers, core.PasswordLogin{Identity: "second@example.com", Password: "rootpassword"})
	wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
	if _, err := e.svc.UpsertSuperuser(ctx, "second@example.com", "new rootpassword"); err != nil {
		t.Fatal(err)
	}
	e.login(t, e.supers, "second@example.com", "new rootpassword")
	page, err := e.svc.ListAudit(ctx, su, core.AuditQuery{UserID: second.ID, Types: []string{core.AuditUserReactivated}})
	if err != nil || len(page.Events) != 1 || page.Events[0].ActorID != "" {
		t.Errorf("reactivation by the CLI audited as %+v, %v", page.Events, err)
	}
}

// A suspended user cannot be impersonated: its token would not work.
func TestSuspendedUserNotImpersonated(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	alice := e.signUp(t, "alice@example.com", "correct horse")
	e.suspend(t, su, alice.ID)
	_, err := e.svc.Impersonate(ctx, su, e.users, alice.ID, time.Minute)
	wantKind(t, err, core.KindForbidden, core.CodeUserSuspended)
	if _, err := e.svc.SetUserStatus(ctx, su, e.users, alice.ID, core.UserActive); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Impersonate(ctx, su, e.users, alice.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Errorf("impersonation token after reactivation: %v", err)
	}
}
