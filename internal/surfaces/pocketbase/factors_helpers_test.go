package pocketbase_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/httpapi"
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

// rfc6238 computes the 6-digit, 30-second, HMAC-SHA1 code of a base32
// secret at a time, the way authenticator apps do: written here from the
// RFC, not with the server's library, so a shared bug cannot hide.
func rfc6238(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(at.Unix()/30))
	h := hmac.New(sha1.New, key)
	h.Write(counter[:])
	mac := h.Sum(nil)
	off := int(mac[19] & 0xf)
	bin := binary.BigEndian.Uint32(mac[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", bin%1000000)
}

// TestRFC6238Vector pins rfc6238 to the RFC's own SHA-1 test vectors
// (Appendix B, truncated to 6 digits), so the helper cannot be wrong in
// the same way the server might be.
func TestRFC6238Vector(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := rfc6238(t, secret, time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
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

// rawDo sends r like env.do but checks nothing.
func (e *env) rawDo(t testing.TB, r request) response {
	t.Helper()
	req, err := http.NewRequest(r.method, e.srv.URL+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", r.token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
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
	ce := coretest.NewWithOptions(t, coretest.Options{Collections: mod})
	root := httpapi.Chain(testDeps{Service: ce.Service}.handler(t), httpapi.ClientIP(nil))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return &env{Env: ce, svc: ce.Service, db: ce.DB, handler: root, srv: srv, clock: ce.Clock}
}
