package conduit

import (
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// This file builds the links the mailed flows send. Every redirectUri a
// client names is judged by core's allow list (s.redirects()).

// redirectParam carries a checked redirectUri from a request to the hook
// its mailed link opens (change-email, magic link): the hook checks it
// again, so an edited link gains nothing.
const redirectParam = "redirectUri"

// errRedirectDenied refuses a link that would not make a safe mail
// template; it reads as any refused redirectUri (403).
func errRedirectDenied() error { return core.NewError(core.KindForbidden, core.CodeRedirectDenied) }

// mailedTarget checks a client's redirectUri for a link that carries a
// credential (a password reset link's base, where a magic link sends its
// tokens) by core's allow list: allow_any does not admit it, the
// operator's own default (def) always does.
func (s *server) mailedTarget(raw, def string) (*url.URL, error) {
	return s.redirects().Admit(def).Check(raw, true)
}

// withToken turns u into core's mail link template: u with param set to
// {TOKEN} in its query (its own query kept, its fragment dropped). The
// query is re-encoded, so nothing a client put in it reads as a template
// placeholder; a link with a brace left anywhere else is refused.
func withToken(u *url.URL, param string) (string, bool) {
	q := u.Query()
	q.Del(param)
	link := *u
	link.RawQuery, link.Fragment, link.RawFragment = q.Encode(), "", ""
	s := link.String()
	if strings.ContainsAny(s, "{}") {
		return "", false
	}
	sep := "?"
	if link.RawQuery != "" {
		sep = "&"
	}
	return s + sep + param + "={TOKEN}", true
}

// resetLink is the forgot-password link: the checked redirectUri, else
// local.forgot_password_redirect_uri, else app.url, with
// ?reset_token=<token> (Conduit's format).
func (s *server) resetLink(redirect string) (string, error) {
	def := s.opt.Local.ForgotPasswordRedirectURI
	raw := redirect
	if raw == "" {
		raw = def
	}
	if raw == "" {
		return "{APP_URL}?reset_token={TOKEN}", nil
	}
	u, err := s.mailedTarget(raw, def)
	if err != nil {
		return "", err
	}
	link, ok := withToken(u, "reset_token")
	if !ok {
		return "", errRedirectDenied()
	}
	return link, nil
}

// hookLink is a mailed link to one of the surface's hooks, under its
// public URL: <public>/hook/authentication/<hook>/{TOKEN}, with a checked
// redirectUri carried along when given.
func (s *server) hookLink(hook string, redirect *url.URL) string {
	link := s.opt.PublicURL + "/hook/authentication/" + hook + "/{TOKEN}"
	if redirect != nil {
		link += "?" + url.Values{redirectParam: {redirect.String()}}.Encode()
	}
	return link
}
