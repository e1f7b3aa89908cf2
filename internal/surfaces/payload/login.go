package payload

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// loginAnswer is POST <slug>/login's body; field order is Payload's.
type loginAnswer struct {
	Message string        `json:"message"`
	User    orderedObject `json:"user"`
	Token   string        `json:"token"`
	Exp     int64         `json:"exp"`
}

// handleLogin answers POST <slug>/login {email, password}: the user, a
// token and its expiry, and the token in the cookie. Core pads the
// answer to LoginStall and runs the lockout: the failure that reaches
// MaxLoginAttempts still reads as a wrong password, later ones as
// LockedAuth until LockTime has passed.
func (s *server) handleLogin(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		email, err := b.email()
		if err != nil {
			return err
		}
		password, err := b.str("password")
		if err != nil {
			return err
		}
		a, err := s.logIn(r.Context(), sl, email, password)
		if err != nil {
			return err
		}
		s.setToken(w, a.token, a.exp, a.ttl)
		return httpapi.WriteJSON(w, http.StatusOK, loginAnswer{Message: "Authentication Passed", User: a.user, Token: a.token, Exp: a.exp})
	})
}

// authAnswer is what a flow that logs a user in hands REST and GraphQL
// alike: the user's document (as the authenticated user sees it), its
// new token, the token's expiry and its lifetime as core measured it
// when it signed the token (the cookie's Max-Age).
type authAnswer struct {
	user  orderedObject
	token string
	exp   int64
	ttl   time.Duration
}

// logIn is the login both routes run: Payload's required fields (a
// missing email or password is a ValidationError naming them), core's
// password login for sl (lockout, timing floor, verification) and the
// translation of its refusals. The caller sets the cookie.
func (s *server) logIn(ctx context.Context, sl slug, email, password string) (authAnswer, error) {
	var missing []string
	if email == "" {
		missing = append(missing, "email")
	}
	if password == "" {
		missing = append(missing, "password")
	}
	if len(missing) > 0 {
		return authAnswer{}, errRequired(sl.name, missing...)
	}
	res, err := s.svc.LoginWithPassword(ctx, sl.c, core.PasswordLogin{
		Identity: email, IdentityField: "email", Password: password,
	})
	if err != nil {
		return authAnswer{}, loginError(err)
	}
	return s.issued(ctx, sl, res)
}

// issued is the authAnswer of a login core granted.
func (s *server) issued(ctx context.Context, sl slug, res core.AuthResult) (authAnswer, error) {
	user, err := s.authDocument(ctx, sl, res)
	if err != nil {
		return authAnswer{}, err
	}
	return authAnswer{user: user, token: res.Token, exp: expiryOf(res), ttl: res.AccessTTL}, nil
}

// loginError translates a refused login: a lock is LockedAuth, an
// unverified user (with Verify) UnverifiedEmail, a user with an
// authenticator app a 403 (Payload cannot take a second factor), and
// every other refusal AuthenticationError: an unknown address, a wrong
// password, a password core refuses to check (over its length cap), a
// suspended user, a collection without password logins. Rate limits and
// outages keep their own answers.
func loginError(err error) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeAccountLocked:
		return errLocked()
	case e.Code == core.CodeEmailNotVerified:
		return errUnverified()
	case e.Code == core.CodeMFARequired:
		return errSecondFactor()
	case e.Kind == core.KindUnauthenticated, e.Kind == core.KindInvalid, e.Kind == core.KindForbidden:
		return errAuthentication()
	}
	return err
}
