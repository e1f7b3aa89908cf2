package core

import "net/url"

// RedirectAllowList is where a client may ask to be sent back to after a
// browser flow, for a surface whose clients name it (Conduit's
// redirectUris: allowAny, whitelistedUris).
//
// With AllowAny, any absolute http or https URL will do; without it, only
// an entry of URIs, compared as MatchLink compares (scheme and host in
// lower case, the path exactly, a query the client adds ignored and
// kept). Either way a URL with user information, control characters,
// another scheme (javascript:, data:, an app's own scheme) or over
// MaxLinkLength is refused: a redirect carries tokens.
type RedirectAllowList struct {
	AllowAny bool
	URIs     []string
}

var errRedirectDenied = NewError(KindForbidden, CodeRedirectDenied)

// Check returns the parsed redirect raw if the list allows it, or a
// CodeRedirectDenied error.
func (l RedirectAllowList) Check(raw string) (*url.URL, error) {
	if l.AllowAny {
		if u, ok := parseLink(raw); ok {
			return u, nil
		}
		return nil, errRedirectDenied
	}
	if u, ok := MatchLink(raw, l.URIs); ok {
		return u, nil
	}
	return nil, errRedirectDenied
}
