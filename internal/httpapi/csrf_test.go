package httpapi

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	opts := CSRFOptions{
		CookieNames:    []string{"gh_session", "gh_refresh"},
		AllowedOrigins: []string{"https://app.example/", "*", "null"},
		TokenCookie:    "gh_csrf",
		TokenHeader:    "X-CSRF-Token",
	}
	noToken := opts
	noToken.TokenCookie, noToken.TokenHeader = "", ""

	session := &http.Cookie{Name: "gh_session", Value: "s"}
	refresh := &http.Cookie{Name: "gh_refresh", Value: "r"}
	token := &http.Cookie{Name: "gh_csrf", Value: "tok123"}
	tests := []struct {
		name    string
		opts    CSRFOptions
		method  string
		tls     bool
		cookies []*http.Cookie
		header  http.Header
		want    bool
	}{
		{name: "get with cookie, cross-site", method: "GET", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, want: true},
		{name: "head", method: "HEAD", cookies: []*http.Cookie{session}, want: true},
		{name: "options", method: "OPTIONS", cookies: []*http.Cookie{session}, want: true},
		{name: "trace", method: "TRACE", cookies: []*http.Cookie{session}, want: true},
		{name: "lowercase get is not safe", method: "get", cookies: []*http.Cookie{session}},
		{name: "bearer request without cookies", method: "POST",
			header: http.Header{"Authorization": {"Bearer x"}, "Sec-Fetch-Site": {"cross-site"}}, want: true},
		{name: "only unrelated cookies", method: "POST", cookies: []*http.Cookie{{Name: "theme", Value: "dark"}}, want: true},
		{name: "cross-site cookie post", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}},
		{name: "second auth cookie counts too", method: "DELETE", cookies: []*http.Cookie{refresh},
			header: http.Header{"Origin": {"https://evil.example"}}},
		{name: "same-origin fetch", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}}, want: true},
		{name: "user-initiated fetch", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"none"}}, want: true},
		{name: "same-site without origin", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{name: "cross-site without origin", method: "PATCH", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{name: "own origin http", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"http://auth.example"}}, want: true},
		{name: "own origin needs matching scheme", method: "POST", tls: true, cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"http://auth.example"}}},
		{name: "own origin https", method: "POST", tls: true, cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"https://auth.example"}}, want: true},
		{name: "own origin with default port", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"HTTP://Auth.Example:80"}}, want: true},
		{name: "allowed origin cross-site", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://app.example"}}, want: true},
		{name: "allowed origin on another port", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"https://app.example:8443"}}},
		{name: "lookalike origin", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"https://auth.example.evil.example"}}},
		{name: "null origin", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"null"}}},
		{name: "two origin headers", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"Origin": {"https://evil.example", "http://auth.example"}}},
		{name: "no origin, no fetch metadata, no token", method: "POST", cookies: []*http.Cookie{session}},
		{name: "valid token", method: "POST", cookies: []*http.Cookie{session, token},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "X-Csrf-Token": {"tok123"}}, want: true},
		{name: "valid token, no other signal", method: "PUT", cookies: []*http.Cookie{session, token},
			header: http.Header{"X-Csrf-Token": {"tok123"}}, want: true},
		{name: "wrong token", method: "POST", cookies: []*http.Cookie{session, token},
			header: http.Header{"X-Csrf-Token": {"tok124"}}},
		{name: "token prefix", method: "POST", cookies: []*http.Cookie{session, token},
			header: http.Header{"X-Csrf-Token": {"tok"}}},
		{name: "empty token both sides", method: "POST", cookies: []*http.Cookie{session, {Name: "gh_csrf", Value: ""}},
			header: http.Header{"X-Csrf-Token": {""}}},
		{name: "header without cookie", method: "POST", cookies: []*http.Cookie{session},
			header: http.Header{"X-Csrf-Token": {"tok123"}}},
		{name: "planted second token cookie", method: "POST",
			cookies: []*http.Cookie{session, token, {Name: "gh_csrf", Value: "evil"}},
			header:  http.Header{"X-Csrf-Token": {"evil"}}},
		{name: "token ignored when not configured", opts: noToken, method: "POST", cookies: []*http.Cookie{session, token},
			header: http.Header{"X-Csrf-Token": {"tok123"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := tt.opts
			if o.CookieNames == nil {
				o = opts
			}
			reached := false
			o.OnReject = func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, "surface 403")
			}
			h := CSRF(o)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
			req := httptest.NewRequest(tt.method, "http://auth.example/api/x", nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for _, c := range tt.cookies {
				req.AddCookie(c)
			}
			for k, vs := range tt.header {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if reached != tt.want {
				t.Fatalf("handler reached = %v, want %v", reached, tt.want)
			}
			if !tt.want && (rec.Code != http.StatusForbidden || rec.Body.String() != "surface 403") {
				t.Errorf("refusal = %d %q, want OnReject's 403", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestCSRFDefaultReject(t *testing.T) {
	t.Parallel()
	h := CSRF(CSRFOptions{CookieNames: []string{"gh_session"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("handler reached")
	}))
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.AddCookie(&http.Cookie{Name: "gh_session", Value: "s"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || rec.Body.Len() != 0 {
		t.Errorf("response = %d %q, want bare 403", rec.Code, rec.Body.String())
	}
}

// PassWithoutFetchMetadata lets through a cookie write with neither
// Origin nor Sec-Fetch-Site, and only that: a cross-site one is still
// refused.
func TestCSRFPassWithoutFetchMetadata(t *testing.T) {
	t.Parallel()
	reached := 0
	h := CSRF(CSRFOptions{CookieNames: []string{"gh_session"}, PassWithoutFetchMetadata: true})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	for _, tc := range []struct {
		name, origin, site string
		want               int
	}{
		{"no browser headers", "", "", http.StatusOK},
		{"cross-site origin", "https://evil.example", "", http.StatusForbidden},
		{"cross-site fetch", "", "cross-site", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodPost, "http://app.example/", nil)
		req.AddCookie(&http.Cookie{Name: "gh_session", Value: "s"})
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.site != "" {
			req.Header.Set("Sec-Fetch-Site", tc.site)
		}
		rec := httptest.NewRecorder()
		before := reached
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want || (reached > before) != (tc.want == http.StatusOK) {
			t.Errorf("%s: status %d (handler reached: %v), want %d", tc.name, rec.Code, reached > before, tc.want)
		}
	}
}
