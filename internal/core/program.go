package core

import (
	"context"
	"errors"
)

// Program is what the program embedding Gatehouse (the Local API) may
// do that no HTTP caller may: operations with no caller to check, as
// Payload's Local API runs with its access control overridden. It holds
// no state of its own; Service.Program returns it. Nothing reachable
// over HTTP may call it: its answers tell whether an address has an
// account, and it bypasses the unlock rule.
type Program struct{ s *Service }

// Program returns the operations reserved for the embedding program.
func (s *Service) Program() Program { return Program{s} }

// Unlock lifts the lockout of c's account with email, as Service.Unlock
// does for a caller its rule allows; the audit log records it as done by
// the program.
func (p Program) Unlock(ctx context.Context, c *Collection, email string) error {
	return p.s.unlockEmail(ctx, nil, c, email, "program")
}

// IssuePasswordReset makes a password reset token for c's account with
// email and returns it (Payload's Local API forgotPassword). With mail
// set the token is also mailed, as RequestPasswordReset mails it; without,
// the program delivers it itself (a custom "finish your account" link).
// An unknown address is ErrNotFound's kind: the program may know who has
// an account. No rate limit or resend throttle applies.
func (p Program) IssuePasswordReset(ctx context.Context, c *Collection, email string, mail bool) (string, error) {
	s := p.s
	if !c.PasswordAuth {
		return "", NewError(KindInvalid, CodePasswordAuthOff)
	}
	fe := fieldErrors{}
	fe.checkEmail("email", email)
	if err := fe.err(); err != nil {
		return "", err
	}
	u, err := s.userByEmail(ctx, c, email)
	if errors.Is(err, ErrNotFound) {
		return "", errRecordNotFound
	} else if err != nil {
		return "", Internal(err)
	}
	var token string
	if err := s.store.InTx(ctx, func(q Queries) error {
		token, err = s.oneTime(ctx, q, c, u, PurposePasswordReset, "", "", mail)
		return err
	}); err != nil {
		return "", AsError(err)
	}
	if mail {
		s.mailQueued()
	}
	return token, nil
}
