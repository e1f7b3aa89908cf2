package conduit

import (
	"net/http"
	"net/url"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file holds the magic-link handlers: the mail request, the mailed
// link's hook, and the login by a link's token when link_uri is set. A
// link works once and expires (magic_link.ttl; Conduit's never do); core
// spends it atomically before the session opens, and the session counts
// as a fresh login (sudo), as a password login's does.

// msgMagicSent is Conduit's answer to a magic-link request.
const msgMagicSent = "token sent"

// errMagicLinkGone answers a link that cannot log in: malformed, forged,
// expired, used, or its user gone or suspended.
func errMagicLinkGone() *apiError { return errNotFound("Magic link token does not exist") }

// handleMagicLink answers POST /authentication/magic-link {email,
// redirectUri?} with {"result":"token sent"} for every address: Conduit
// answers 404 "User not found" for an unknown one, which tells who is
// registered. The link is <link_uri>/<token> when link_uri is set, else
// the hook under the public URL; a redirectUri (checked against the
// whitelist and magic_link.redirect_uri: it will receive the tokens)
// rides along to the hook.
func (s *server) handleMagicLink(w http.ResponseWriter, r *http.Request) error {
	if !s.opt.MagicLink.Enabled {
		return errRouteNotFound()
	}
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	raw, err := b.optional("redirectUri")
	if err != nil {
		return err
	}
	var to *url.URL
	if raw != "" {
		if to, err = s.mailedTarget(raw, s.opt.MagicLink.RedirectURI); err != nil {
			return err
		}
	}
	link := s.hookLink("magic-link", to)
	if s.opt.MagicLink.LinkURI != "" {
		link = s.opt.MagicLink.LinkURI + "/{TOKEN}"
	}
	if err := s.svc.RequestMagicLink(r.Context(), s.c, core.MailRequest{Email: email, ActionURL: link}); err != nil {
		return err
	}
	return writeResult(w, msgMagicSent)
}

// handleMagicLinkHook answers GET
// /hook/authentication/magic-link/{verificationToken}, the mailed link:
// it logs the user in and answers 302 to the carried redirectUri or
// magic_link.redirect_uri with the tokens in its query (those not
// delivered as cookies), or, with neither, the tokens as a login does.
func (s *server) handleMagicLinkHook(w http.ResponseWriter, r *http.Request) error {
	if !s.opt.MagicLink.Enabled {
		return errRouteNotFound()
	}
	token := r.PathValue("verificationToken")
	httpapi.HideInLog(r, token) // a login credential until spent
	to := s.opt.MagicLink.RedirectURI
	if raw := r.URL.Query().Get(redirectParam); raw != "" {
		// Checked again: an edited link must not send tokens elsewhere,
		// and is refused before it spends the token.
		u, err := s.mailedTarget(raw, s.opt.MagicLink.RedirectURI)
		if err != nil {
			return err
		}
		to = u.String()
	}
	res, err := s.magicLogin(r, token)
	if err != nil {
		return err
	}
	if to != "" {
		return s.redirectWithTokens(w, to, res)
	}
	return s.writeTokens(w, res, false)
}

// handleMagicLinkLogin answers POST /authentication/magic-link/{magicToken}
// with the tokens: the app's own page at link_uri received the link and
// posts its token. Served only when link_uri is set.
func (s *server) handleMagicLinkLogin(w http.ResponseWriter, r *http.Request) error {
	if !s.opt.MagicLink.Enabled || s.opt.MagicLink.LinkURI == "" {
		return errRouteNotFound()
	}
	token := r.PathValue("magicToken")
	httpapi.HideInLog(r, token)
	res, err := s.magicLogin(r, token)
	if err != nil {
		return err
	}
	return s.writeTokens(w, res, false)
}

// magicLogin spends a link's token for a session with a refresh token.
// For a user with an authenticator app core answers a pending token
// instead (authorized:false; twoFa/verify completes it), as a password
// login does; where the collection needs a second factor the user has no
// app for, the link is refused (401 "2FA is required"). A mailed link
// alone never skips a second factor.
func (s *server) magicLogin(r *http.Request, token string) (core.AuthResult, error) {
	res, err := s.svc.LoginWithMagicLink(r.Context(), s.c, token, true)
	if err == nil {
		return res, nil
	}
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeMFARequired:
		return res, errUnauthorized(msg2FARequired)
	case e.Fields["token"].Code != "":
		return res, errMagicLinkGone()
	}
	return res, err
}
