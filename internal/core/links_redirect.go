package core

import "net/url"

// RedirectAllowList is where a client may ask to be sent back to after a
// browser flow, for a surface whose clients name it (Conduit's
// redirectUris: allowAny, whitelistedUris).
//
// With AllowAny, any absolute http or https URL will do, unless the
// redirect carries a credential; otherwise only an entry of URIs,
// compared as MatchLink compares (scheme and host in lower case, the
// path exactly, a query the client adds ignored and kept). Either way a
// URL with user information, control characters, another scheme
// (javascript:, data:, an app's own scheme) or over MaxLinkLength is
// refused.
type RedirectAllowList struct {
	AllowAny bool
	URIs     []string
}

var errRedirectDenied = NewError(KindForbidden, CodeRedirectDenied)

// Check returns the parsed redirect raw if the list allows it, or a
// CodeRedirectDenied error. credential says the browser will arrive
// there with a token in the URL (an OAuth2 login's tokens, a magic
// link's): AllowAny does not admit such a redirect, since whoever chose
// the URL would receive the token of whoever followed the link.
func (l RedirectAllowList) Check(raw string, credential bool) (*url.URL, error) {
	if l.AllowAny && !credential {
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

// Admit returns the list with the operator's own destinations added
// (a flow's configured default landing page, say): what the
// configuration names is always allowed, even for a redirect that
// carries a credential, since no client chose it. Empty entries are
// skipped; l itself is left as it is.
func (l RedirectAllowList) Admit(defaults ...string) RedirectAllowList {
	uris := make([]string, 0, len(defaults)+len(l.URIs))
	for _, d := range defaults {
		if d != "" {
			uris = append(uris, d)
		}
	}
	l.URIs = append(uris, l.URIs...)
	return l
}
