package core

import (
	"context"
	"errors"
	"strings"
)

// Auth methods, as PocketBase names them (they are also MFA's "methods").
const (
	MethodPassword     = "password"
	MethodOTP          = "otp"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"
	// MethodMagicLink is a login through a mailed single-use link.
	MethodMagicLink = "magic_link"
)

// amrOf maps an auth method to its RFC 8176 amr value.
var amrOf = map[string]string{
	MethodPassword: "pwd", MethodOTP: "otp", MethodTOTP: "totp", MethodRecoveryCode: "recovery_code",
	MethodOAuth2: "oauth2",
	// RFC 8176 has no value for a mailed link; it is a one-time secret
	// delivered out of band, as an emailed code is.
	MethodMagicLink: "otp",
}

// needsMFA reports whether logging u in takes two factors: the
// collection demands it, or the user enabled an authenticator app (which
// would protect nothing if a password alone still let them in).
func (s *Service) needsMFA(ctx context.Context, c *Collection, u User) (bool, error) {
	if collectionNeedsMFA(c) {
		return true, nil
	}
	return s.hasAuthenticator(ctx, u)
}

// collectionNeedsMFA reports whether every login to c takes two factors.
func collectionNeedsMFA(c *Collection) bool {
	return c.MFA.Enabled || (c.Superusers && c.OTP.Enabled)
}

// hasAuthenticator reports whether u enabled an authenticator app.
func (s *Service) hasAuthenticator(ctx context.Context, u User) (bool, error) {
	f, err := s.store.TOTPFactor(ctx, u.ID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, Internal(err)
	}
	return f.Confirmed, nil
}

// finishAuth turns a successful factor into a session, or into an MFA
// challenge when a second factor is still needed. mfaID names the
// challenge a second factor completes ("" for a first factor). A
// suspended user gets neither: the factor reads as wrong.
func (s *Service) finishAuth(ctx context.Context, c *Collection, u User, method, mfaID string, o sessionOptions) (AuthResult, error) {
	if err := s.refuseSuspended(ctx, c, u, method); err != nil {
		return AuthResult{}, err
	}
	need, err := s.needsMFA(ctx, c, u)
	if err != nil {
		return AuthResult{}, err
	}
	if !need {
		// PocketBase ignores an mfaId when MFA does not apply.
		return s.loginSession(ctx, c, u, []string{method}, o)
	}
	if mfaID == "" {
		ch := MFAChallenge{ID: NewID(), UserID: u.ID, CollectionID: c.ID, Method: method, Created: s.Now()}
		if err := s.store.InsertMFA(ctx, ch); err != nil {
			return AuthResult{}, Internal(err)
		}
		if s.profile.SecondFactor.PendingToken {
			return s.pendingLogin(ctx, c, u, ch, o)
		}
		return AuthResult{}, &Error{Kind: KindUnauthenticated, Code: CodeMFARequired, MFAID: ch.ID}
	}
	ch, err := s.mfaChallenge(ctx, c, u, method, mfaID)
	if err != nil {
		return AuthResult{}, err
	}
	if err := s.store.DeleteMFA(ctx, ch.ID); errors.Is(err, ErrNotFound) {
		return AuthResult{}, NewError(KindInvalid, CodeMFAInvalid)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	o.aal = 2
	return s.loginSession(ctx, c, u, []string{ch.Method, method}, o)
}

// mfaChallenge returns the challenge mfaID names if a second factor of
// method by u may complete it: it exists, is of c, has not expired, is
// u's, its first factor was another method, and (for a user with an
// authenticator app) one of the two is the app. It reads and spends
// nothing, so the flows call it before they use up a code or count an
// attempt (checkMFAFirst): a request refused for its mfaId leaves the
// user's codes and counters as they were. finishAuth checks again, and
// deleting the challenge there makes it single use.
func (s *Service) mfaChallenge(ctx context.Context, c *Collection, u User, method, mfaID string) (MFAChallenge, error) {
	ch, err := s.liveChallenge(ctx, c, mfaID)
	if err != nil {
		return MFAChallenge{}, err
	}
	if ch.UserID != u.ID {
		return MFAChallenge{}, NewError(KindInvalid, CodeMFAUserMismatch)
	}
	if ch.Method == method {
		return MFAChallenge{}, NewError(KindInvalid, CodeMFASameMethod)
	}
	// A user who enabled an authenticator app must use it (or one of its
	// recovery codes) as one of the two factors: password plus a mailed
	// code must not get around the app they set up.
	if isAuthenticator(method) == isAuthenticator(ch.Method) {
		has, err := s.hasAuthenticator(ctx, u)
		if err != nil {
			return MFAChallenge{}, err
		}
		if has {
			return MFAChallenge{}, NewError(KindInvalid, CodeMFAAuthenticatorNeeded)
		}
	}
	return ch, nil
}

// liveChallenge returns the challenge mfaID names if it exists, is of c
// and has not expired: what can be checked before the user is known.
func (s *Service) liveChallenge(ctx context.Context, c *Collection, mfaID string) (MFAChallenge, error) {
	ch, err := s.store.MFAByID(ctx, mfaID)
	if errors.Is(err, ErrNotFound) || (err == nil && (ch.CollectionID != c.ID || !s.Now().Before(ch.Created.Add(c.MFA.Duration)))) {
		return MFAChallenge{}, NewError(KindInvalid, CodeMFAInvalid)
	} else if err != nil {
		return MFAChallenge{}, Internal(err)
	}
	return ch, nil
}

// checkMFAFirst refuses, before a flow spends anything, a second factor
// whose mfaId finishAuth would refuse. Without an mfaId, or when MFA does
// not apply to u (PocketBase then ignores the mfaId), it passes.
func (s *Service) checkMFAFirst(ctx context.Context, c *Collection, u User, method, mfaID string) error {
	if mfaID == "" {
		return nil
	}
	need, err := s.needsMFA(ctx, c, u)
	if err != nil || !need {
		return err
	}
	_, err = s.mfaChallenge(ctx, c, u, method, mfaID)
	return err
}

// loginSession opens the session of a completed login, clears the
// user's failed-login count and audits the success, in one transaction.
func (s *Service) loginSession(ctx context.Context, c *Collection, u User, methods []string, o sessionOptions) (AuthResult, error) {
	for _, m := range methods {
		o.amr = append(o.amr, amrOf[m])
	}
	if len(methods) > 1 {
		o.amr = append(o.amr, "mfa")
	}
	if o.ttl <= 0 {
		o.ttl = c.AuthTokenTTL
	}
	o.refreshable = true
	var res AuthResult
	err := s.store.InTx(ctx, func(q Queries) error {
		if err := q.DeleteLoginState(ctx, u.ID); err != nil {
			return err
		}
		var err error
		if res, err = s.openSession(ctx, q, c, u, o); err != nil {
			return err
		}
		if err := s.endOtherSessions(ctx, q, c, u, res.Session); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditLoginSuccess, c, u.ID, map[string]string{
			"method": joinMethods(methods), "session": res.Session.ID,
		}))
	})
	if err != nil {
		return AuthResult{}, AsError(err)
	}
	s.metrics.Login("success")
	return res, nil
}

func isAuthenticator(method string) bool {
	return method == MethodTOTP || method == MethodRecoveryCode
}

func joinMethods(ms []string) string { return strings.Join(ms, "+") }
