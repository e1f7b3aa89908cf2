package pocketbase_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// factorRoutes are the OTP, MFA and TOTP routes that read a body;
// {mfaId} is a live challenge of the fuzz user.
var factorRoutes = []struct{ method, path string }{
	{"POST", "/api/collections/users/request-otp"},
	{"POST", "/api/collections/_superusers/request-otp"},
	{"POST", "/api/collections/users/auth-with-otp"},
	{"POST", "/api/collections/users/auth-with-otp?mfaId={mfaId}"},
	{"POST", "/api/collections/_superusers/auth-with-otp"},
	{"POST", "/api/collections/users/auth-with-password?mfaId={mfaId}"},
	{"POST", "/api/collections/users/auth-with-totp"},
	{"POST", "/api/collections/users/auth-with-totp?mfaId={mfaId}"},
	{"POST", "/api/collections/users/totp/enroll"},
	{"POST", "/api/collections/users/totp/confirm"},
	{"POST", "/api/collections/users/totp/disable"},
	{"POST", "/api/collections/users/totp/recovery-codes"},
	{"GET", "/api/collections/users/totp"},
}

// serveFactor is fuzzEnv.serve for routes that may also answer PocketBase's
// bare 401 {"mfaId"} (which has no error shape).
func (fe *fuzzEnv) serveFactor(t *testing.T, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	fe.Handler.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
	what := req.Method + " " + req.URL.String()
	if res.status >= 500 {
		t.Fatalf("%s: status %d, body %s", what, res.status, res.body)
	}
	if res.status == http.StatusUnauthorized && mfaBody.MatchString(res.body) {
		res.status = http.StatusOK // check headers and framing only
	}
	checkResponse(t, what, res)
	checkNoLeak(t, what, res, fe.hashes)
}

func FuzzFactorRoutes(f *testing.F) {
	seeds := []struct{ ctype, body string }{
		{"application/json", `{"email":"fuzz@example.com"}`},
		{"application/json", `{"email":"root@example.com"}`},
		{"application/json", `{"otpId":"aaaaaaaaaaaaaaa","password":"12345678"}`},
		{"application/json", `{"otpId":"aaaaaaaaaaaaaaa","password":"12345678","mfaId":"bbbbbbbbbbbbbbb"}`},
		{"application/json", `{"identity":"fuzz@example.com","password":"password123"}`},
		{"application/json", `{"mfaId":"aaaaaaaaaaaaaaa","code":"123456"}`},
		{"application/json", `{"code":"ABCDE-FGHJK"}`},
		{"application/json", `{"code":123456}`},
		{"application/json", `{"password":"password123"}`},
		{"application/json", `{"password":null,"code":[1]}`},
		{"application/json", `{"otpId":"` + strings.Repeat("a", 300) + `","password":"` + strings.Repeat("9", 100) + `"}`},
		{"application/json", "{\"code\":\"\u0000\xff\"}"},
		{"application/json", `{`},
		{"application/x-www-form-urlencoded", "mfaId=aaaaaaaaaaaaaaa&code=123456"},
		{"application/x-www-form-urlencoded", "otpId=%zz&password"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"@jsonPayload\"\r\n\r\n{\"code\":\"123456\"}\r\n--XX--\r\n"},
		{"application/xml", `<r><email>fuzz@example.com</email></r>`},
		{"text/plain", "code=1"},
		{"", ""},
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), s.ctype, []byte(s.body))
	}
	fe := newFuzzEnv(f)
	fe.factors(f, "users", true, true)
	fe.factors(f, "_superusers", true, true)
	mfaID := fe.wantMFA(f, request{method: http.MethodPost, path: loginPath, body: loginBody("fuzz@example.com", "password123")})
	f.Fuzz(func(t *testing.T, route, auth uint8, ctype string, body []byte) {
		rt := factorRoutes[int(route)%len(factorRoutes)]
		req := httptest.NewRequest(rt.method, strings.ReplaceAll(rt.path, "{mfaId}", mfaID), strings.NewReader(string(body)))
		if len(body) == 0 {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if tok := fe.tokens[int(auth)%len(fe.tokens)]; tok != "" {
			req.Header.Set("Authorization", tok)
		}
		fe.serveFactor(t, req)
	})
}
