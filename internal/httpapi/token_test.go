package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The rules of the surfaces that exist or are planned, as they declare
// them.
var (
	pocketbaseRule = TokenRule{Schemes: []string{"Bearer"}, Raw: true}
	directusRule   = TokenRule{Schemes: []string{"Bearer"}, Strict: true, Query: "access_token",
		Cookie: "directus_session_token", RefuseQueryAndHeader: true}
	payloadRule = TokenRule{Schemes: []string{"JWT", "Bearer"}, Cookie: "payload-token"}
	conduitRule = TokenRule{Schemes: []string{"Bearer"}}
)

// tokenRequest builds a GET with an optional Authorization header (set
// as is, even when empty), query and Cookie header.
func tokenRequest(auth *string, query, cookie string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.URL.RawQuery = query
	if auth != nil {
		r.Header["Authorization"] = []string{*auth}
	}
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	return r
}

func str(s string) *string { return &s }

func TestTokenRuleExtract(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 1<<20)
	tests := []struct {
		name   string
		rule   TokenRule
		auth   *string
		query  string
		cookie string
		want   string
		src    TokenSource
		err    error
	}{
		// Schemes, case-insensitive.
		{name: "bearer", rule: conduitRule, auth: str("Bearer t1"), want: "t1", src: SourceHeader},
		{name: "bearer lower case", rule: conduitRule, auth: str("bearer t1"), want: "t1", src: SourceHeader},
		{name: "bearer upper case", rule: conduitRule, auth: str("BEARER t1"), want: "t1", src: SourceHeader},
		{name: "jwt scheme", rule: payloadRule, auth: str("JWT t2"), want: "t2", src: SourceHeader},
		{name: "jwt lower case", rule: payloadRule, auth: str("jwt t2"), want: "t2", src: SourceHeader},
		{name: "second scheme", rule: payloadRule, auth: str("Bearer t2"), want: "t2", src: SourceHeader},
		{name: "unknown scheme", rule: conduitRule, auth: str("Basic dXNlcjpwYXNz")},
		{name: "scheme as prefix of a word", rule: conduitRule, auth: str("Bearerx t1")},
		{name: "scheme alone", rule: conduitRule, auth: str("Bearer")},
		{name: "scheme and space", rule: conduitRule, auth: str("Bearer ")},
		{name: "no header", rule: conduitRule},
		{name: "empty header", rule: conduitRule, auth: str("")},
		{name: "tab after scheme", rule: conduitRule, auth: str("Bearer\tt1")},

		// Raw tokens (PocketBase).
		{name: "raw", rule: pocketbaseRule, auth: str("t3"), want: "t3", src: SourceHeader},
		{name: "raw with bearer", rule: pocketbaseRule, auth: str("Bearer t3"), want: "t3", src: SourceHeader},
		{name: "raw keeps an unknown scheme", rule: pocketbaseRule, auth: str("JWT t3"), want: "JWT t3", src: SourceHeader},
		{name: "raw bearer alone is a token", rule: pocketbaseRule, auth: str("Bearer"), want: "Bearer", src: SourceHeader},
		{name: "raw not accepted", rule: conduitRule, auth: str("t3")},

		// Whitespace, lenient rules.
		{name: "surrounding whitespace", rule: pocketbaseRule, auth: str("  Bearer   t4 \t"), want: "t4", src: SourceHeader},
		{name: "raw surrounding whitespace", rule: pocketbaseRule, auth: str(" \tt4  "), want: "t4", src: SourceHeader},
		{name: "only whitespace", rule: pocketbaseRule, auth: str(" \t "), src: SourceNone},
		{name: "space inside the token kept", rule: conduitRule, auth: str("Bearer a b"), want: "a b", src: SourceHeader},

		// Strict two-part header (Directus).
		{name: "strict", rule: directusRule, auth: str("Bearer t5"), want: "t5", src: SourceHeader},
		{name: "strict lower case", rule: directusRule, auth: str("bearer t5"), want: "t5", src: SourceHeader},
		{name: "strict three parts", rule: directusRule, auth: str("Bearer t5 x")},
		{name: "strict two spaces", rule: directusRule, auth: str("Bearer  t5")},
		{name: "strict trailing space", rule: directusRule, auth: str("Bearer t5 ")},
		{name: "strict leading space", rule: directusRule, auth: str(" Bearer t5")},
		{name: "strict empty token", rule: directusRule, auth: str("Bearer ")},
		{name: "strict no space", rule: directusRule, auth: str("t5")},
		{name: "strict raw", rule: TokenRule{Schemes: []string{"Bearer"}, Strict: true, Raw: true}, auth: str("t5"), want: "t5", src: SourceHeader},
		{name: "strict raw with a space", rule: TokenRule{Schemes: []string{"Bearer"}, Strict: true, Raw: true}, auth: str("JWT t5")},

		// Query.
		{name: "query", rule: directusRule, query: "access_token=t6", want: "t6", src: SourceQuery},
		{name: "query escaped", rule: directusRule, query: "a=1&access%5Ftoken=t%2B6+x", want: "t+6 x", src: SourceQuery},
		{name: "query first value", rule: directusRule, query: "access_token=t6&access_token=t7", want: "t6", src: SourceQuery},
		{name: "query empty value", rule: directusRule, query: "access_token="},
		{name: "query other parameter", rule: directusRule, query: "redirect=%2Fapp&sessionOnly"},
		{name: "query ignored without a name", rule: payloadRule, query: "access_token=t6"},
		{name: "query with semicolon skipped", rule: directusRule, query: "access_token=t6;x=1"},
		{name: "query bad escape skipped", rule: directusRule, query: "access_token=%zz&access_token=t7", want: "t7", src: SourceQuery},

		// Query and header together.
		{name: "ambiguous", rule: directusRule, auth: str("Bearer t1"), query: "access_token=t6", err: ErrAmbiguousToken},
		{name: "query with an unread header", rule: directusRule, auth: str("Basic x"), query: "access_token=t6", want: "t6", src: SourceQuery},
		{name: "header wins when allowed", rule: TokenRule{Schemes: []string{"Bearer"}, Query: "token"}, auth: str("Bearer t1"), query: "token=t6", want: "t1", src: SourceHeader},

		// Cookie.
		{name: "cookie", rule: directusRule, cookie: "directus_session_token=t8", want: "t8", src: SourceCookie},
		{name: "cookie among others", rule: payloadRule, cookie: "a=1; payload-token=t8; b=2", want: "t8", src: SourceCookie},
		{name: "cookie empty", rule: payloadRule, cookie: "payload-token="},
		{name: "cookie loses to header", rule: payloadRule, auth: str("JWT t2"), cookie: "payload-token=t8", want: "t2", src: SourceHeader},
		{name: "cookie loses to query", rule: directusRule, query: "access_token=t6", cookie: "directus_session_token=t8", want: "t6", src: SourceQuery},
		{name: "cookie after an unread header", rule: directusRule, auth: str("Bearer a b"), cookie: "directus_session_token=t8", want: "t8", src: SourceCookie},
		{name: "cookie not read", rule: pocketbaseRule, cookie: "pb_auth=t8"},

		// Size: the rule reads what the server let through; core bounds
		// what it verifies.
		{name: "huge header", rule: pocketbaseRule, auth: str("Bearer " + huge), want: huge, src: SourceHeader},
		{name: "huge strict header", rule: directusRule, auth: str("Bearer " + huge), want: huge, src: SourceHeader},

		{name: "zero rule", rule: TokenRule{}, auth: str("Bearer t1"), query: "access_token=t6", cookie: "a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, src, err := tt.rule.Extract(tokenRequest(tt.auth, tt.query, tt.cookie))
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want || src != tt.src {
				t.Errorf("Extract = %.20q from %v, want %.20q from %v", got, src, tt.want, tt.src)
			}
		})
	}
}

func TestTokenSourceString(t *testing.T) {
	t.Parallel()
	for src, want := range map[TokenSource]string{SourceNone: "none", SourceHeader: "header", SourceQuery: "query", SourceCookie: "cookie", 99: "none"} {
		if got := src.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", src, got, want)
		}
	}
}

// TestQueryValueTooManyParams checks the cap net/url applies: past it,
// nothing is read (as ParseQuery returns no values).
func TestQueryValueTooManyParams(t *testing.T) {
	t.Parallel()
	q := "access_token=t" + strings.Repeat("&a=1", maxQueryParams)
	if got := queryValue(q, "access_token"); got != "" {
		t.Errorf("queryValue over the cap = %q, want none", got)
	}
	q = "access_token=t" + strings.Repeat("&a=1", maxQueryParams-1)
	if got := queryValue(q, "access_token"); got != "t" {
		t.Errorf("queryValue at the cap = %q, want t", got)
	}
}

// TestExtractAllocs pins the hot path: finding no token, or one in the
// header, allocates nothing (every request of every surface passes
// here; the benchmarks depend on it).
func TestExtractAllocs(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule TokenRule
		r    *http.Request
	}{
		{"pocketbase no token", pocketbaseRule, tokenRequest(nil, "", "")},
		{"pocketbase header", pocketbaseRule, tokenRequest(str("Bearer abc.def.ghi"), "", "")},
		{"pocketbase raw header", pocketbaseRule, tokenRequest(str("abc.def.ghi"), "", "")},
		{"directus no token", directusRule, tokenRequest(nil, "", "")},
		{"directus header", directusRule, tokenRequest(str("Bearer abc.def.ghi"), "", "")},
		{"directus query without the token", directusRule, tokenRequest(nil, "sessionOnly=true&redirect=x", "")},
		{"payload header", payloadRule, tokenRequest(str("JWT abc.def.ghi"), "", "")},
	} {
		rule := tc.rule
		if n := testing.AllocsPerRun(100, func() { _, _, _ = rule.Extract(tc.r) }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", tc.name, n)
		}
	}
}
