package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

// conduitExactRule is the Conduit surface's rule: Bearer exactly, else
// its cookie.
var conduitExactRule = TokenRule{Schemes: []string{"Bearer"}, Exact: true, Cookie: "accessToken"}

// TestTokenRuleExact: a present header, even empty, decides; it must be
// two parts split by one space, the scheme spelled exactly; the cookie
// counts only without a header.
func TestTokenRuleExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		auth   *string
		cookie string
		token  string
		src    TokenSource
		err    error
	}{
		{"none", nil, "", "", SourceNone, nil},
		{"bearer", str("Bearer abc"), "", "abc", SourceHeader, nil},
		{"bearer empty token", str("Bearer "), "", "", SourceHeader, nil},
		{"empty header", str(""), "", "", SourceHeader, ErrAuthorizationMalformed},
		{"one part", str("Bearer"), "", "", SourceHeader, ErrAuthorizationMalformed},
		{"three parts", str("Bearer a b"), "", "", SourceHeader, ErrAuthorizationMalformed},
		{"double space", str("Bearer  a"), "", "", SourceHeader, ErrAuthorizationMalformed},
		{"lower case", str("bearer abc"), "", "", SourceHeader, ErrAuthorizationScheme},
		{"other scheme", str("JWT abc"), "", "", SourceHeader, ErrAuthorizationScheme},
		{"tab", str("Bearer\tabc"), "", "", SourceHeader, ErrAuthorizationMalformed},
		{"cookie", nil, "accessToken=c1", "c1", SourceCookie, nil},
		{"empty cookie", nil, "accessToken=", "", SourceNone, nil},
		{"header beats cookie", str("Bearer h"), "accessToken=c1", "h", SourceHeader, nil},
		{"bad header beats cookie", str("Bearer"), "accessToken=c1", "", SourceHeader, ErrAuthorizationMalformed},
		{"query ignored", nil, "", "", SourceNone, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tokenRequest(tc.auth, "access_token=q", tc.cookie)
			tok, src, err := conduitExactRule.Extract(r)
			if tok != tc.token || src != tc.src || !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Errorf("Extract = %q, %v, %v; want %q, %v, %v", tok, src, err, tc.token, tc.src, tc.err)
			}
		})
	}
}

// TestAppClients: only a known id with its own secret passes; digests
// must be SHA-256 in hex.
func TestAppClients(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte("s3cret"))
	a, err := NewAppClients(map[string]string{"web": hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, secret string
		want       bool
	}{
		{"web", "s3cret", true}, {"web", "s3cret ", false}, {"web", "", false}, {"other", "s3cret", false},
		{"", "s3cret", false}, {"", "", false}, {"WEB", "s3cret", false},
	} {
		if got := a.Check(tc.id, tc.secret); got != tc.want {
			t.Errorf("Check(%q, %q) = %v, want %v", tc.id, tc.secret, got, tc.want)
		}
	}
	for _, bad := range []string{"", "xyz", hex.EncodeToString(sum[:16]), "s3cret"} {
		if _, err := NewAppClients(map[string]string{"web": bad}); err == nil {
			t.Errorf("NewAppClients(%q) accepted a digest that is not SHA-256 hex", bad)
		}
	}
	var none AppClients
	if none.Check("web", "s3cret") {
		t.Error("the zero AppClients let a client in")
	}
}
