package directus

import (
	"net/url"
	"strings"
)

// Default link paths, under PublicURL, as Directus builds them.
const (
	resetPath  = "/admin/reset-password"
	verifyPath = "/users/register/verify-email"
)

// maxURLLength bounds a client-chosen URL (reset_url, verification_url,
// redirect): it ends up in mails and cookies.
const maxURLLength = 2048

// linkKey is what allow lists compare: scheme, host (with port) and
// path, without query or fragment (Directus compares without the query).
func linkKey(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
}

// allowedLink parses a client-chosen link and checks it against the
// allowed ones (absolute URLs, compared by linkKey). ok is false for
// anything else, including a link that does not parse.
func allowedLink(raw string, allowed []string) (*url.URL, bool) {
	if len(raw) > maxURLLength {
		return nil, false
	}
	u, err := absoluteURL(raw)
	if err != nil || u.User != nil {
		return nil, false
	}
	key := linkKey(u)
	for _, a := range allowed {
		if au, err := url.Parse(a); err == nil && linkKey(au) == key {
			return u, true
		}
	}
	return nil, false
}

// tokenLink turns a link into core's mail link template: the link with
// its own query kept and token={TOKEN} appended (Directus sets the token
// query parameter on the link). The query is re-encoded, so nothing a
// client put in it reads as a template placeholder.
func tokenLink(u *url.URL) string {
	q := u.Query()
	q.Del("token")
	link := *u
	link.RawQuery, link.Fragment, link.RawFragment = q.Encode(), "", ""
	sep := "?"
	if link.RawQuery != "" {
		sep = "&"
	}
	return link.String() + sep + "token={TOKEN}"
}

// mailLink resolves a client's optional link (reset_url,
// verification_url): the default under PublicURL when raw is empty,
// else raw if the allow list (or the default itself) admits it.
func (s *server) mailLink(raw, defaultPath string, allowList []string) (string, bool) {
	def := s.opt.PublicURL + defaultPath
	if raw == "" {
		u, _ := url.Parse(def)
		return tokenLink(u), true
	}
	u, ok := allowedLink(raw, append([]string{def}, allowList...))
	if !ok {
		return "", false
	}
	return tokenLink(u), true
}

// redirectAllowed checks an SSO `redirect`: a path on this host ("/x",
// never "//host" or "/\host", which browsers read as another host), a
// URL under PublicURL, or one of RedirectAllowList.
func (s *server) redirectAllowed(raw string) bool {
	if raw == "" || len(raw) > maxURLLength || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	if strings.HasPrefix(raw, "/") {
		return !strings.HasPrefix(raw, "//") && !strings.HasPrefix(raw, "/\\")
	}
	u, err := absoluteURL(raw)
	if err != nil || u.User != nil {
		return false
	}
	pub := s.public
	if strings.EqualFold(u.Scheme, pub.Scheme) && strings.EqualFold(u.Host, pub.Host) {
		base := strings.TrimSuffix(pub.EscapedPath(), "/")
		if p := u.EscapedPath(); p == base || strings.HasPrefix(p, base+"/") {
			return true
		}
	}
	_, ok := allowedLink(raw, s.opt.RedirectAllowList)
	return ok
}
