package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// TokenSource says where a request's access token came from.
type TokenSource uint8

// Where a token can come from.
const (
	// SourceNone: the request carried no token.
	SourceNone TokenSource = iota
	// SourceHeader: the Authorization header.
	SourceHeader
	// SourceQuery: the rule's query parameter.
	SourceQuery
	// SourceCookie: the rule's cookie, which a browser sends on its own,
	// so a surface may treat it differently (CSRF, clearing a dead one).
	SourceCookie
)

// String names the source, for logs and test failures.
func (s TokenSource) String() string {
	switch s {
	case SourceHeader:
		return "header"
	case SourceQuery:
		return "query"
	case SourceCookie:
		return "cookie"
	}
	return "none"
}

// ErrAmbiguousToken is Extract's refusal of a request that names a token
// both in its query and in its Authorization header, under a rule with
// RefuseQueryAndHeader: which one the client meant is unclear.
var ErrAmbiguousToken = errors.New("httpapi: access token in both the query and the Authorization header")

// Extract's refusals of an Authorization header under a rule with Exact.
var (
	// ErrAuthorizationMalformed: the header is not exactly two parts
	// separated by one space.
	ErrAuthorizationMalformed = errors.New("httpapi: Authorization header malformed")
	// ErrAuthorizationScheme: two parts, but the first is none of the
	// rule's schemes, spelled exactly.
	ErrAuthorizationScheme = errors.New("httpapi: Authorization header has another scheme")
)

// TokenRule is how a surface finds a request's access token, declared
// once: which Authorization schemes it accepts, whether a bare token
// counts, how strictly the header is read, and whether the query or a
// cookie may carry the token. The zero rule finds nothing.
type TokenRule struct {
	// Schemes are the accepted Authorization schemes ("Bearer", "JWT"),
	// compared case-insensitively. A header with another scheme carries
	// no token (unless Raw).
	Schemes []string
	// Raw accepts a header without a known scheme as the token itself
	// (PocketBase: `Authorization: <token>`). With Strict, such a header
	// must hold no space.
	Raw bool
	// Strict reads the header exactly as `<scheme> <token>`: one space,
	// no other, nothing trimmed (Directus); anything else carries no
	// token. Otherwise surrounding whitespace is trimmed, and so is
	// whitespace between the scheme's single space and the token.
	Strict bool
	// Query names the query parameter that may carry the token; "" reads
	// none. Query tokens end up in access logs and browser history, so
	// only surfaces whose clients need them set it.
	Query string
	// Cookie names the cookie that may carry the token; "" reads none.
	// It is read only when neither the header nor the query has one.
	Cookie string
	// RefuseQueryAndHeader refuses a request with a token in both the
	// query and the header (ErrAmbiguousToken). Otherwise the header
	// wins.
	RefuseQueryAndHeader bool
	// Exact reads a present Authorization header (even an empty one) as
	// Conduit does and refuses one that breaks the rule, instead of
	// reading it as no token: split on single spaces it must be exactly
	// two parts (else ErrAuthorizationMalformed), the first one of
	// Schemes spelled exactly, letter case included (else
	// ErrAuthorizationScheme); the second is the token, even empty. The
	// cookie is read only when the header is absent. Query and Raw do
	// not apply.
	Exact bool
}

// Extract returns the request's token and where it came from, SourceNone
// and "" when it has none. The only error is ErrAmbiguousToken. It never
// allocates unless the request has a query string or cookies to read:
// every request passes here.
func (t *TokenRule) Extract(r *http.Request) (string, TokenSource, error) {
	if t.Exact {
		return t.extractExact(r)
	}
	header := ""
	if len(t.Schemes) > 0 || t.Raw {
		header = t.fromHeader(r.Header.Get("Authorization"))
	}
	query := ""
	if t.Query != "" && r.URL.RawQuery != "" {
		query = queryValue(r.URL.RawQuery, t.Query)
	}
	switch {
	case query != "" && header != "" && t.RefuseQueryAndHeader:
		return "", SourceNone, ErrAmbiguousToken
	case header != "":
		return header, SourceHeader, nil
	case query != "":
		return query, SourceQuery, nil
	}
	if t.Cookie != "" {
		if c, err := r.Cookie(t.Cookie); err == nil && c.Value != "" {
			return c.Value, SourceCookie, nil
		}
	}
	return "", SourceNone, nil
}

// fromHeader reads an Authorization header's token under the rule.
func (t *TokenRule) fromHeader(h string) string {
	if t.Strict {
		scheme, tok, ok := strings.Cut(h, " ")
		switch {
		case !ok && t.Raw:
			return h // no space at all: a bare token
		case !ok || strings.Contains(tok, " ") || !t.known(scheme):
			return ""
		}
		return tok
	}
	h = strings.TrimSpace(h)
	for _, s := range t.Schemes {
		// "<scheme> <token>": the prefix, one space, then something.
		if n := len(s); len(h) > n+1 && h[n] == ' ' && strings.EqualFold(h[:n], s) {
			return strings.TrimSpace(h[n+1:])
		}
	}
	if t.Raw {
		return h
	}
	return ""
}

// known reports whether scheme is one of the rule's, ignoring case.
func (t *TokenRule) known(scheme string) bool {
	for _, s := range t.Schemes {
		if strings.EqualFold(scheme, s) {
			return true
		}
	}
	return false
}

// queryValue is url.ParseQuery(raw).Get(name) without building the map
// (or unescaping anything but the keys and the one value asked for), so
// a query without the parameter costs no allocation in the common case.
// Like ParseQuery it splits on '&', skips a pair containing ';' or
// whose key or value does not unescape, returns the first value, and
// reads nothing from a query of more than maxQueryParams pairs.
func queryValue(raw, name string) string {
	if strings.Count(raw, "&") >= maxQueryParams {
		return ""
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if !queryKeyIs(k, name) {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		return val
	}
	return ""
}

// maxQueryParams is net/url's default cap on a query's pairs, past which
// ParseQuery reads none of them.
const maxQueryParams = 10000

// queryKeyIs reports whether the escaped query key k unescapes to name.
// A key without escapes is compared as is (no allocation).
func queryKeyIs(k, name string) bool {
	if !strings.ContainsAny(k, "%+") {
		return k == name
	}
	u, err := url.QueryUnescape(k)
	return err == nil && u == name
}

// extractExact is Extract under a rule with Exact. Of several
// Authorization headers the first counts, as Node keeps it.
func (t *TokenRule) extractExact(r *http.Request) (string, TokenSource, error) {
	if vals, ok := r.Header["Authorization"]; ok && len(vals) > 0 {
		scheme, tok, ok := strings.Cut(vals[0], " ")
		switch {
		case !ok || strings.Contains(tok, " "):
			return "", SourceHeader, ErrAuthorizationMalformed
		case !slices.Contains(t.Schemes, scheme):
			return "", SourceHeader, ErrAuthorizationScheme
		}
		return tok, SourceHeader, nil
	}
	if t.Cookie != "" {
		if c, err := r.Cookie(t.Cookie); err == nil && c.Value != "" {
			return c.Value, SourceCookie, nil
		}
	}
	return "", SourceNone, nil
}
