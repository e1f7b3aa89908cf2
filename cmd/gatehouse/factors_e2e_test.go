package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// End-to-end checks of the second factors (mailed one-time codes, MFA,
// authenticator apps and recovery codes) against real servers, one per
// scenario so no counter or challenge leaks between them. TOTP codes are
// computed here from RFC 6238 (totpCode), independently of the server's
// library.

// Collection settings for the factor scenarios.
const (
	otpOnYAML = `
collections:
  users:
    otp:
      enabled: true
`
	otpMFAYAML = `
collections:
  users:
    otp:
      enabled: true
    mfa:
      enabled: true
`
)

// PocketBase's messages for the factor flows, and Gatehouse's for TOTP.
const (
	msgBadOTP        = "Invalid or expired OTP."
	msgOTPTooMany    = "Too many attempts, please try again later with a new OTP."
	msgOtherMethod   = "A different authentication method is required."
	msgBadMFA        = "Invalid or expired MFA session."
	msgOtherUsersMFA = "Invalid MFA session."
	msgBadTOTP       = "Invalid or expired code."
)

// TestOTPBruteForceLimit: five wrong codes from one client use up the
// code's tries, so even the right code then gets PocketBase's 429; a new
// code starts afresh.
func TestOTPBruteForceLimit(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpOnYAML, serverOpts{})
	const email = "brute@example.com"
	ts.signUp(t, email, "brute-password-1")

	otpID := ts.requestOTP(t, email)
	code := ts.waitOTP(t, email, 0)
	for i := range 5 {
		r := ts.otpLogin(t, otpID, wrongCode(code, i), "")
		checkAPIError(t, fmt.Sprintf("wrong code %d", i+1), r, 400, msgBadOTP)
	}
	r := ts.otpLogin(t, otpID, code, "")
	checkAPIError(t, "right code after 5 wrong ones", r, 429, msgOTPTooMany)
	if r.Status == 429 {
		retryAfter(t, r)
	}

	// The limit is per code: a new code logs in.
	otpID = ts.requestOTP(t, email)
	code = ts.waitOTP(t, email, 1)
	ts.otpLogin(t, otpID, code, "").want(t, 200)
}

// TestOTPCodeReuse: a code logs in once. Using it proves the address, so
// the unverified account becomes verified and the password chosen at
// sign-up (possibly by someone else) stops working.
func TestOTPCodeReuse(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpOnYAML, serverOpts{})
	const email, password = "reuse@example.com", "reuse-password-1"
	id := ts.signUp(t, email, password)

	otpID := ts.requestOTP(t, email)
	code := ts.waitOTP(t, email, 0)
	r := ts.otpLogin(t, otpID, code, "").want(t, 200)
	if r.str("record.id") != id || r.str("token") == "" {
		t.Fatalf("OTP login answered %.300s, want a token for %s", r.Raw, id)
	}
	if v, _ := r.JSON["record"].(map[string]any)["verified"].(bool); !v {
		t.Errorf("record after an OTP login: verified = false, want true")
	}
	ts.wantAccepted(t, "token from the OTP login", r.str("token"))
	if got := ts.sessionMethods(t, r.str("token")); !cmp.Equal(got, []string{"otp"}) {
		t.Errorf("session methods = %v, want [otp]", got)
	}

	checkAPIError(t, "same code again", ts.otpLogin(t, otpID, code, ""), 400, msgBadOTP)
	checkAPIError(t, "password chosen before the address was proved", ts.loginAs(t, email, password), 400, "Failed to authenticate.")
}

// TestOTPExpiry: a code stops working after otp.duration. The shortest
// duration allowed is 10 s and the server has no clock hook, so this test
// really waits ~10 s (in parallel with the others).
func TestOTPExpiry(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpOnYAML+"      duration: 10s\n", serverOpts{})
	const email = "expiry@example.com"
	ts.signUp(t, email, "expiry-password-1")

	oldID := ts.requestOTP(t, email)
	requested := time.Now() // the code expires at most 10 s after this
	oldCode := ts.waitOTP(t, email, 0)

	// A second code, used at once, shows codes from this mailbox work.
	freshID := ts.requestOTP(t, email)
	ts.otpLogin(t, freshID, ts.waitOTP(t, email, 1), "").want(t, 200)

	time.Sleep(time.Until(requested.Add(10*time.Second + 300*time.Millisecond)))
	checkAPIError(t, "code past its 10 s", ts.otpLogin(t, oldID, oldCode, ""), 400, msgBadOTP)
}

// TestOTPLoginsCountPerIP: docs/configuration.md says
// security.rate_limits.otp.per_ip counts "one-time-code requests and
// logins per client IP", so OTP logins must run into it too.
func TestOTPLoginsCountPerIP(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpOnYAML+`
security:
  rate_limits:
    otp:
      per_ip: 3/10m
      per_identity: "off"
`, serverOpts{})
	const email = "otp-ip@example.com"
	ts.signUp(t, email, "otp-ip-password-1")
	awayFromBoundary(10*time.Minute, 10*time.Second)

	otpID := ts.requestOTP(t, email) // 1 of 3
	code := ts.waitOTP(t, email, 0)
	for i := range 2 { // 2 and 3 of 3
		checkAPIError(t, fmt.Sprintf("wrong code %d", i+1), ts.otpLogin(t, otpID, wrongCode(code, i), ""), 400, msgBadOTP)
	}
	checkAPIError(t, "fourth OTP action from one IP with per_ip 3/10m", ts.otpLogin(t, otpID, code, ""), 429, "")
}

// TestMFASameMethodTwice: with MFA on, the first method answers 401
// {mfaId}; the same method again is refused, another user's OTP cannot
// complete the challenge, a different method does, and the challenge is
// then spent.
func TestMFASameMethodTwice(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, otpMFAYAML, serverOpts{})
	const email, password = "mfa@example.com", "mfa-password-1"
	id := ts.signUp(t, email, password)
	const other = "mfa-other@example.com"
	ts.signUp(t, other, "mfa-other-password")

	mfaID := ts.mfaChallenge(t, ts.loginAs(t, email, password))
	r := ts.do(t, "POST", "/api/collections/users/auth-with-password?mfaId="+mfaID,
		map[string]any{"identity": email, "password": password})
	checkAPIError(t, "password twice (mfaId in the query)", r, 400, msgOtherMethod)
	r = ts.do(t, "POST", "/api/collections/users/auth-with-password",
		map[string]any{"identity": email, "password": password, "mfaId": mfaID})
	checkAPIError(t, "password twice (mfaId in the body)", r, 400, msgOtherMethod)

	otherID := ts.requestOTP(t, other)
	r = ts.otpLogin(t, otherID, ts.waitOTP(t, other, 0), mfaID)
	checkAPIError(t, "another user's code on the challenge", r, 400, msgOtherUsersMFA)

	otpID := ts.requestOTP(t, email)
	r = ts.otpLogin(t, otpID, ts.waitOTP(t, email, 0), mfaID).want(t, 200)
	if r.str("record.id") != id {
		t.Fatalf("MFA login answered %.300s, want a token for %s", r.Raw, id)
	}
	if got := ts.sessionMethods(t, r.str("token")); !cmp.Equal(got, []string{"pwd", "otp", "mfa"}) {
		t.Errorf("session methods = %v, want [pwd otp mfa]", got)
	}

	// The completed challenge is gone.
	otpID = ts.requestOTP(t, email)
	checkAPIError(t, "spent challenge", ts.otpLogin(t, otpID, ts.waitOTP(t, email, 1), mfaID), 400, msgBadMFA)

	// OTP first, then OTP again: also the same method.
	otpID = ts.requestOTP(t, email)
	mfaID = ts.mfaChallenge(t, ts.otpLogin(t, otpID, ts.waitOTP(t, email, 2), ""))
	otpID = ts.requestOTP(t, email)
	checkAPIError(t, "OTP twice", ts.otpLogin(t, otpID, ts.waitOTP(t, email, 3), mfaID), 400, msgOtherMethod)
}

// TestTOTPReplay: an authenticator code works once (its time step is
// remembered, and older steps are refused too), codes one step either
// side of now are accepted, and two steps ahead is not.
func TestTOTPReplay(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	u := ts.newAttackUser(t, "totp-replay@example.com", "totp-password-1")

	r := ts.do(t, "POST", "/api/collections/users/totp/enroll", map[string]any{"password": "wrong-password"}, "Authorization", u.Token)
	checkAPIError(t, "enrol with a wrong password", r, 400, "")
	secret := ts.enrollTOTP(t, u)

	// Steps S-1, S and S+1 are all used below: keep them valid throughout.
	awayFromBoundary(30*time.Second, 8*time.Second)
	s := totpStep(time.Now())
	ts.confirmTOTP(t, u, totpCode(t, secret, s-1))

	mfaID := ts.mfaChallenge(t, ts.loginAs(t, u.Email, u.Password))
	checkAPIError(t, "the confirming code as a login", ts.totpLogin(t, mfaID, totpCode(t, secret, s-1)), 400, msgBadTOTP)
	checkAPIError(t, "a code two steps ahead", ts.totpLogin(t, mfaID, totpCode(t, secret, s+2)), 400, msgBadTOTP)
	r = ts.totpLogin(t, mfaID, totpCode(t, secret, s)).want(t, 200)
	if got := ts.sessionMethods(t, r.str("token")); !cmp.Equal(got, []string{"pwd", "totp", "mfa"}) {
		t.Errorf("session methods = %v, want [pwd totp mfa]", got)
	}

	mfaID = ts.mfaChallenge(t, ts.loginAs(t, u.Email, u.Password))
	checkAPIError(t, "the same code again", ts.totpLogin(t, mfaID, totpCode(t, secret, s)), 400, msgBadTOTP)
	checkAPIError(t, "an older code", ts.totpLogin(t, mfaID, totpCode(t, secret, s-1)), 400, msgBadTOTP)

	r = ts.do(t, "POST", "/api/collections/users/totp/disable", map[string]any{"code": totpCode(t, secret, s)}, "Authorization", u.Token)
	checkAPIError(t, "disable with a used code", r, 400, msgBadTOTP)
	ts.do(t, "POST", "/api/collections/users/totp/disable", map[string]any{"code": totpCode(t, secret, s+1)}, "Authorization", u.Token).want(t, 204)
	ts.loginAs(t, u.Email, u.Password).want(t, 200) // a password is enough again
}

// TestRecoveryCodeReuse: each recovery code logs in once (typed in any
// case, with or without its dash), a refused one leaves the challenge
// usable, and the audit log records the factor and each code used.
func TestRecoveryCodeReuse(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	_, suToken := ts.superuser(t)
	u := ts.newAttackUser(t, "recovery@example.com", "recovery-password-1")
	secret := ts.enrollTOTP(t, u)
	codes := ts.confirmTOTP(t, u, totpCode(t, secret, totpStep(time.Now())))

	mfaID := ts.mfaChallenge(t, ts.loginAs(t, u.Email, u.Password))
	r := ts.totpLogin(t, mfaID, codes[0]).want(t, 200)
	if got := ts.sessionMethods(t, r.str("token")); !cmp.Equal(got, []string{"pwd", "recovery_code", "mfa"}) {
		t.Errorf("session methods = %v, want [pwd recovery_code mfa]", got)
	}

	mfaID = ts.mfaChallenge(t, ts.loginAs(t, u.Email, u.Password))
	checkAPIError(t, "a used recovery code", ts.totpLogin(t, mfaID, codes[0]), 400, msgBadTOTP)
	typed := strings.ToUpper(strings.ReplaceAll(codes[1], "-", ""))
	ts.totpLogin(t, mfaID, typed).want(t, 200)
	if left := ts.recoveryCodesLeft(t, u.Token); left != 8 {
		t.Errorf("recoveryCodesLeft = %d, want 8", left)
	}

	a := ts.do(t, "GET", "/api/audit?type=recovery_code.used,totp.enabled", nil, "Authorization", suToken).want(t, 200)
	var types []string
	for _, e := range a.items(t) {
		types = append(types, fmt.Sprint(e["type"]))
		if e["targetId"] != u.ID || e["targetCollectionId"] != "_pb_users_auth_" {
			t.Errorf("audit event about someone else: %v", e)
		}
	}
	want := []string{"recovery_code.used", "recovery_code.used", "totp.enabled"} // newest first
	if !cmp.Equal(types, want) {
		t.Errorf("audit ?type=recovery_code.used,totp.enabled = %v, want %v", types, want)
	}

	// A recovery code cannot mint new codes, and the refusal must not
	// spend it.
	r = ts.do(t, "POST", "/api/collections/users/totp/recovery-codes", map[string]any{"code": codes[2]}, "Authorization", u.Token)
	checkAPIError(t, "regenerate with a recovery code", r, 400, msgBadTOTP)
	if left := ts.recoveryCodesLeft(t, u.Token); left != 8 {
		t.Errorf("recoveryCodesLeft after a refused regeneration = %d, want 8 (the refused request spent a code)", left)
	}
}

// TestExpiredChallengeKeepsRecoveryCode: a recovery code offered on an
// MFA challenge that has expired is refused, and must stay usable. The
// shortest mfa.duration is 10 s, so this test waits that long (in
// parallel with the others).
func TestExpiredChallengeKeepsRecoveryCode(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "\ncollections:\n  users:\n    mfa:\n      duration: 10s\n", serverOpts{})
	u := ts.newAttackUser(t, "expired-mfa@example.com", "expired-mfa-password")
	secret := ts.enrollTOTP(t, u)
	codes := ts.confirmTOTP(t, u, totpCode(t, secret, totpStep(time.Now())))

	mfaID := ts.mfaChallenge(t, ts.loginAs(t, u.Email, u.Password))
	time.Sleep(10*time.Second + 300*time.Millisecond)
	checkAPIError(t, "recovery code on an expired challenge", ts.totpLogin(t, mfaID, codes[0]), 400, msgBadMFA)
	if left := ts.recoveryCodesLeft(t, u.Token); left != 10 {
		t.Errorf("recoveryCodesLeft after a refused login = %d, want 10 (the expired challenge spent a code)", left)
	}
}

// TestTOTPCodeIsRFC6238 checks the test's own TOTP against the SHA-1
// vectors of RFC 6238 appendix B (last 6 of the 8 digits).
func TestTOTPCodeIsRFC6238(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {20000000000, "353130"}} {
		if got := totpCode(t, secret, totpStep(time.Unix(tc.unix, 0))); got != tc.want {
			t.Errorf("code at %d = %s, want %s", tc.unix, got, tc.want)
		}
	}
}

// totpStep is the RFC 6238 time step (30 s) of at.
func totpStep(at time.Time) int64 { return at.Unix() / 30 }

// totpCode computes the 6-digit RFC 6238 code (HMAC-SHA1) of a base32
// secret for a time step.
func totpCode(t testing.TB, secret string, step int64) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		t.Fatalf("TOTP secret %q is not base32: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// enrollTOTP starts enrolling an authenticator app for u and returns the
// secret, after checking the otpauth:// URL carries the same secret and
// the RFC 6238 parameters totpCode assumes.
func (ts *testServer) enrollTOTP(t testing.TB, u attackUser) string {
	t.Helper()
	ts.verifyEmail(t, u.Email) // only verified accounts may add an app
	r := ts.do(t, "POST", "/api/collections/users/totp/enroll", map[string]any{"password": u.Password}, "Authorization", u.Token).want(t, 200)
	secret := r.str("secret")
	link, err := url.Parse(r.str("url"))
	if err != nil || link.Scheme != "otpauth" || link.Host != "totp" || secret == "" {
		t.Fatalf("enrol answered %.300s, want a secret and an otpauth://totp/ URL", r.Raw)
	}
	q := link.Query()
	if q.Get("secret") != secret || !strings.Contains(link.Path, u.Email) {
		t.Errorf("otpauth URL %s does not carry the secret and the account", link)
	}
	for k, v := range map[string]string{"algorithm": "SHA1", "digits": "6", "period": "30"} {
		if got := q.Get(k); got != "" && got != v {
			t.Errorf("otpauth URL %s=%s, want %s", k, got, v)
		}
	}
	return secret
}

// confirmTOTP turns u's pending factor on with code and returns the
// recovery codes.
func (ts *testServer) confirmTOTP(t testing.TB, u attackUser, code string) []string {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/totp/confirm", map[string]any{"code": code}, "Authorization", u.Token).want(t, 200)
	raw, _ := r.JSON["recoveryCodes"].([]any)
	codes := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for _, c := range raw {
		s, _ := c.(string)
		if s == "" || seen[s] {
			t.Fatalf("recovery codes are not distinct strings: %.300s", r.Raw)
		}
		seen[s] = true
		codes = append(codes, s)
	}
	if len(codes) != 10 {
		t.Fatalf("confirm answered %d recovery codes, want 10: %.300s", len(codes), r.Raw)
	}
	return codes
}

// totpLogin completes an MFA challenge with an authenticator or recovery
// code.
func (ts *testServer) totpLogin(t testing.TB, mfaID, code string) response {
	t.Helper()
	return ts.do(t, "POST", "/api/collections/users/auth-with-totp", map[string]any{"mfaId": mfaID, "code": code})
}

// recoveryCodesLeft reads GET /totp for the token's user.
func (ts *testServer) recoveryCodesLeft(t testing.TB, token string) int {
	t.Helper()
	r := ts.do(t, "GET", "/api/collections/users/totp", nil, "Authorization", token).want(t, 200)
	n, ok := r.JSON["recoveryCodesLeft"].(float64)
	if !ok {
		t.Fatalf("GET totp answered %.300s, want recoveryCodesLeft", r.Raw)
	}
	return int(n)
}

// mfaChallenge fails unless r is PocketBase's MFA answer, 401 with only
// {"mfaId"}, and returns the id.
func (ts *testServer) mfaChallenge(t testing.TB, r response) string {
	t.Helper()
	id := r.str("mfaId")
	if r.Status != 401 || len(r.JSON) != 1 || len(id) != 15 {
		t.Fatalf("first factor answered %d %.300s, want 401 {\"mfaId\":<15 chars>}", r.Status, r.Raw)
	}
	return id
}

// sessionMethods returns the methods (amr) of the token's own session.
func (ts *testServer) sessionMethods(t testing.TB, token string) []string {
	t.Helper()
	r := ts.do(t, "GET", "/api/collections/users/sessions", nil, "Authorization", token).want(t, 200)
	for _, s := range r.items(t) {
		if s["current"] == true {
			var out []string
			ms, _ := s["methods"].([]any)
			for _, m := range ms {
				out = append(out, fmt.Sprint(m))
			}
			return out
		}
	}
	t.Fatalf("no current session in %.300s", r.Raw)
	return nil
}

// requestOTP asks for a code for email and returns its otpId.
func (ts *testServer) requestOTP(t testing.TB, email string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/request-otp", map[string]any{"email": email}).want(t, 200)
	id := r.str("otpId")
	if id == "" {
		t.Fatalf("request-otp answered %.300s, want an otpId", r.Raw)
	}
	return id
}

// otpLogin sends auth-with-otp, with mfaID in the query (as the SDK does)
// unless it is empty.
func (ts *testServer) otpLogin(t testing.TB, otpID, code, mfaID string) response {
	t.Helper()
	path := "/api/collections/users/auth-with-otp"
	if mfaID != "" {
		path += "?mfaId=" + url.QueryEscape(mfaID)
	}
	return ts.do(t, "POST", path, map[string]any{"otpId": otpID, "password": code})
}

// otpInMail matches the code in the default OTP mail.
var otpInMail = regexp.MustCompile(`one-time password is: ([0-9]+)`)

// otpCodes returns the codes mailed to `to`, oldest first.
func (ts *testServer) otpCodes(t testing.TB, to string) []string {
	t.Helper()
	var out []string
	for _, m := range ts.mailMatches(t, to, otpInMail) {
		out = append(out, m[1])
	}
	return out
}

// waitOTP polls the mailbox until more than seen codes reached `to` and
// returns the newest.
func (ts *testServer) waitOTP(t testing.TB, to string, seen int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if codes := ts.otpCodes(t, to); len(codes) > seen {
			return codes[len(codes)-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no OTP mail #%d to %s within 10s", seen+1, to)
	return ""
}

// wrongCode returns a code of the same length as code that differs from
// it, a different one for each i.
func wrongCode(code string, i int) string {
	b := []byte(code)
	b[i%len(b)] = '0' + (b[i%len(b)]-'0'+1)%10
	return string(b)
}

// verifyEmail verifies an account the way its owner would: request the
// mail, follow its link.
func (ts *testServer) verifyEmail(t testing.TB, email string) {
	t.Helper()
	ts.do(t, "POST", "/api/collections/users/request-verification", map[string]any{"email": email}).want(t, 204)
	tok := ts.waitMail(t, email, "confirm-verification")
	ts.do(t, "POST", "/api/collections/users/confirm-verification", map[string]any{"token": tok}).want(t, 204)
}
