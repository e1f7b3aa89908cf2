package conduit

import "net/http"

// This file holds the magic-link handlers: the mail request, the mailed
// link's hook, and the login by a link's token when link_uri is set.

// handleMagicLink answers POST /authentication/magic-link.
func (s *server) handleMagicLink(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleMagicLinkHook answers GET
// /hook/authentication/magic-link/{verificationToken}.
func (s *server) handleMagicLinkHook(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleMagicLinkLogin answers POST /authentication/magic-link/{magicToken}.
func (s *server) handleMagicLinkLogin(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}
