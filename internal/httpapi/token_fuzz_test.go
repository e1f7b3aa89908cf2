package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// oldPocketBase is how the PocketBase surface read its token before the
// rule existed; the rule must read the same.
func oldPocketBase(h string) string {
	token := strings.TrimSpace(h)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	return token
}

// oldDirectus is how the Directus surface read its token before the rule
// existed (query, then a strict Bearer header, then the cookie).
func oldDirectus(r *http.Request) (string, TokenSource, error) {
	query := ""
	if r.URL.RawQuery != "" {
		query = r.URL.Query().Get("access_token")
	}
	header := ""
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "bearer") &&
		!strings.Contains(tok, " ") {
		header = tok
	}
	switch {
	case query != "" && header != "":
		return "", SourceNone, ErrAmbiguousToken
	case query != "":
		return query, SourceQuery, nil
	case header != "":
		return header, SourceHeader, nil
	}
	if c, err := r.Cookie("directus_session_token"); err == nil && c.Value != "" {
		return c.Value, SourceCookie, nil
	}
	return "", SourceNone, nil
}

// FuzzTokenRule checks the rule against the surfaces' former readers and
// url.ParseQuery, and the invariants every rule keeps: a token comes
// with a source and a source with a token, the only error is the
// ambiguity a rule asked to refuse, and a lenient header token has no
// surrounding whitespace.
func FuzzTokenRule(f *testing.F) {
	f.Add("Bearer abc.def.ghi", "access_token=x", "directus_session_token=c")
	f.Add("  bearer  a b ", "a=1&access%5Ftoken=%2B;", "payload-token=p; directus_session_token=")
	f.Add("JWT t", "access_token=%zz&access_token=t2", "")
	f.Add("Bearer ", "", "directus_session_token=c")
	f.Fuzz(func(t *testing.T, auth, query, cookie string) {
		r := tokenRequest(&auth, query, cookie)
		if got, want := queryValue(query, "access_token"), r.URL.Query().Get("access_token"); got != want {
			t.Fatalf("queryValue(%q) = %q, url.ParseQuery says %q", query, got, want)
		}
		got, _, _ := pocketbaseRule.Extract(r)
		if want := oldPocketBase(r.Header.Get("Authorization")); got != want {
			t.Fatalf("PocketBase rule read %q from %q, before %q", got, auth, want)
		}
		tok, src, err := directusRule.Extract(r)
		wantTok, wantSrc, wantErr := oldDirectus(r)
		if tok != wantTok || src != wantSrc || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
			t.Fatalf("Directus rule = %q %v %v, before %q %v %v", tok, src, err, wantTok, wantSrc, wantErr)
		}
		for _, rule := range []TokenRule{pocketbaseRule, directusRule, payloadRule, conduitRule} {
			tok, src, err := rule.Extract(r)
			if err != nil && (!errors.Is(err, ErrAmbiguousToken) || !rule.RefuseQueryAndHeader) {
				t.Fatalf("%+v: unexpected error %v", rule, err)
			}
			if (tok == "") != (src == SourceNone) {
				t.Fatalf("%+v: token %q from %v", rule, tok, src)
			}
			if src == SourceHeader && !rule.Strict && strings.TrimSpace(tok) != tok {
				t.Fatalf("%+v: header token %q has surrounding whitespace", rule, tok)
			}
			if src == SourceHeader && rule.Strict && strings.Contains(tok, " ") {
				t.Fatalf("%+v: strict header token %q has a space", rule, tok)
			}
		}
		// The exact rule (Conduit's): a header decides alone, as two
		// parts split by one space with the scheme spelled as given.
		tok, src, err = conduitExactRule.Extract(r)
		parts := strings.Split(auth, " ")
		switch {
		case src != SourceHeader:
			if err != nil || src == SourceHeader {
				t.Fatalf("exact rule: %q %v %v without a header", tok, src, err)
			}
		case len(parts) != 2:
			if !errors.Is(err, ErrAuthorizationMalformed) || tok != "" {
				t.Fatalf("exact rule read %q %v from %q", tok, err, auth)
			}
		case parts[0] != "Bearer":
			if !errors.Is(err, ErrAuthorizationScheme) || tok != "" {
				t.Fatalf("exact rule read %q %v from %q", tok, err, auth)
			}
		case err != nil || tok != parts[1]:
			t.Fatalf("exact rule read %q %v from %q, want %q", tok, err, auth, parts[1])
		}
	})
}
