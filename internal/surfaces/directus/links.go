package directus

import (
	"net/url"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Default link paths, under PublicURL, as Directus builds them.
const (
	resetPath  = "/admin/reset-password"
	verifyPath = "/users/register/verify-email"
)

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
// else raw if the allow list (or the default itself) admits it, by
// core's link policy.
func (s *server) mailLink(raw, defaultPath string, allowList []string) (string, bool) {
	def := s.opt.PublicURL + defaultPath
	if raw == "" {
		u, _ := url.Parse(def)
		return tokenLink(u), true
	}
	u, ok := core.MatchLink(raw, append([]string{def}, allowList...))
	if !ok {
		return "", false
	}
	return tokenLink(u), true
}

// redirectAllowed checks an SSO `redirect` by core's link policy: a path
// on this host, a URL under PublicURL, or one of RedirectAllowList.
func (s *server) redirectAllowed(raw string) bool {
	return core.LinkPolicy{Base: s.public, Redirects: s.opt.RedirectAllowList}.Redirect(raw)
}
