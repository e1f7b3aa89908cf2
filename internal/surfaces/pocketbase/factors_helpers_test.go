package pocketbase_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Paths and messages of the OTP, MFA and TOTP routes.
const (
	otpRequestPath = usersPath + "/request-otp"
	otpLoginPath   = usersPath + "/auth-with-otp"
	totpLoginPath  = usersPath + "/auth-with-totp"
	totpPath       = usersPath + "/totp"
	msgBadOTP      = "Invalid or expired OTP."
	msgOTPOff      = "The collection is not configured to allow OTP authentication."
	msgBadMFA      = "Invalid or expired MFA session."
	msgOtherMFA    = "Invalid MFA session."
	msgSameMethod  = "A different authentication method is required."
	msgBadCode     = "Invalid or expired code."
	otpTooMany     = `{"data":{},"message":"Too many attempts, please try again later with a new OTP.","status":429}` + "\n"
	alicePassword  = "password123" // what env.user and env.signUp callers here use
)

// factors switches OTP and MFA on or off on a collection of e. The
// surface reads the options per request, so this takes effect at once.
func (e *env) factors(t testing.TB, name string, otp, mfa bool) *core.Collection {
	t.Helper()
	c, ok := e.svc.Collection(name)
	if !ok {
		t.Fatalf("no collection %q", name)
	}
	c.OTP.Enabled, c.MFA.Enabled = otp, mfa
	return c
}

// otpInMail finds the code in the OTP mail's text part.
var otpInMail = regexp.MustCompile(`Your one-time password is: ([0-9]+)`)

// otpMails delivers every queued mail and returns the OTP codes sent to
// addr, oldest first. Mails to other addresses are dropped.
func (e *env) otpMails(t testing.TB, addr string) []string {
	t.Helper()
	var codes []string
	for _, m := range e.DeliverAll(t) {
		if m.To != addr {
			continue
		}
		got := otpInMail.FindStringSubmatch(m.Text)
		if got == nil {
			t.Fatalf("mail to %s is not an OTP mail: %q", addr, m.Text)
		}
		codes = append(codes, got[1])
	}
	return codes
}

// otpIDBody matches request-otp's exact answer.
var otpIDBody = regexp.MustCompile(`^\{"otpId":"([a-z0-9]{15})"\}\n$`)

// requestOTP asks for a code for email in collection coll and returns the
// otpId, asserting request-otp's exact answer.
func (e *env) requestOTP(t testing.TB, coll, email string) string {
	t.Helper()
	r := e.post(t, "/api/collections/"+coll+"/request-otp", "", `{"email":`+jsonString(email)+`}`)
	wantStatus(t, r, http.StatusOK)
	m := otpIDBody.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("request-otp body %q, want {\"otpId\":\"<15 chars>\"}", r.body)
	}
	return m[1]
}

// otpFor requests a code for email and returns its id and the code mailed.
func (e *env) otpFor(t testing.TB, coll, email string) (id, code string) {
	t.Helper()
	id = e.requestOTP(t, coll, email)
	codes := e.otpMails(t, email)
	if len(codes) != 1 {
		t.Fatalf("request-otp mailed %d codes to %s, want 1", len(codes), email)
	}
	return id, codes[0]
}

// otpBody is an auth-with-otp body.
func otpBody(id, code string) string {
	return `{"otpId":` + jsonString(id) + `,"password":` + jsonString(code) + `}`
}

// mfaBody matches PocketBase's MFA answer: the challenge id and nothing
// else.
var mfaBody = regexp.MustCompile(`^\{"mfaId":"([a-z0-9]{15})"\}\n$`)

// wantMFA sends r, asserts the 401 MFA answer byte for byte (with the
// headers every response carries) and returns the mfaId. It does not go
// through env.do, whose error-shape check that body rightly fails.
func (e *env) wantMFA(t testing.TB, r request) string {
	t.Helper()
	res := e.rawDo(t, r)
	m := mfaBody.FindStringSubmatch(res.body)
	if res.status != http.StatusUnauthorized || m == nil {
		t.Fatalf("%s %s: got %d %q, want 401 {\"mfaId\":\"<15 chars>\"}", r.method, r.path, res.status, res.body)
	}
	// Headers, Content-Type and one compact line, as for a success.
	checkResponse(t, r.method+" "+r.path, response{status: http.StatusOK, header: res.header, body: res.body})
	return m[1]
}

// authOK asserts the standard auth response (see checkAuth) and returns
// its token and record.
func authOK(t testing.TB, r response, keys []string) (string, record) {
	t.Helper()
	_, rec := checkAuth(t, r, keys)
	var ab authBody
	decode(t, r.body, &ab)
	return ab.Token, rec
}

// methodsOf returns the auth methods of the session a token of
// collection coll belongs to, as GET /sessions lists them.
func (e *env) methodsOf(t testing.TB, coll, token string) []string {
	t.Helper()
	want := sid(t, token)
	for _, s := range e.sessions(t, "/api/collections/"+coll+"/sessions", token) {
		if s.ID == want {
			return s.Methods
		}
	}
	t.Fatalf("session %s not listed", want)
	return nil
}

// newEnvCollections is newEnv with collections that mod changes before
// core.NewCollections sees them, for the rules it applies at start-up
// (superusers with OTP get MFA forced).
func newEnvCollections(t testing.TB, mod func(users, supers *core.Collection)) *env {
	t.Helper()
	return newEnvWith(t, func(c *config) { c.Core.Collections = mod })
}
