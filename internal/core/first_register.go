package core

import (
	"context"
	"errors"
)

// FirstRegister creates the first user of an empty collection, verified,
// and logs it in: Payload's first-register, which admin panels offer
// while `init` says the collection is empty. Once the collection has a
// user it is forbidden (CodeAlreadyInitialized); the count and the
// insert share one transaction, so of two racing requests one wins and
// the other is refused. The superuser collection is refused: its first
// account comes from the command line, never from an open endpoint.
func (s *Service) FirstRegister(ctx context.Context, c *Collection, in UserInput) (AuthResult, error) {
	defer s.padRegister(ctx)()
	if c.Superusers {
		return AuthResult{}, errSuperusersOnly
	}
	errTaken := NewError(KindForbidden, CodeAlreadyInitialized)
	if ok, err := s.Initialized(ctx, c); err != nil {
		return AuthResult{}, err
	} else if ok {
		return AuthResult{}, errTaken // before any hashing: the usual answer is cheap
	}
	now := s.Now()
	u := User{ID: NewID(), CollectionID: c.ID, Created: now, Updated: now, Email: deref(in.Email), Verified: true, Status: UserActive}
	fe := fieldErrors{}
	s.applyProfile(fe, c, &u, UserInput{Name: in.Name, Profile: in.Profile, EmailVisibility: in.EmailVisibility})
	fe.checkEmail("email", u.Email)
	fe.checkPassword(c, "password", deref(in.Password))
	if err := fe.err(); err != nil {
		return AuthResult{}, err
	}
	if err := s.limit(ctx, ActionSignUp, ""); err != nil {
		return AuthResult{}, err
	}
	hash, err := s.hasher.Hash(ctx, deref(in.Password))
	if err != nil {
		return AuthResult{}, AsError(err)
	}
	u.PasswordHash = hash
	err = s.store.InTx(ctx, func(q Queries) error {
		n, err := q.CountUsers(ctx, c.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return errTaken
		}
		if err := q.InsertUser(ctx, u); err != nil {
			return err
		}
		e := byUser(AuditUserCreated, c, u.ID, map[string]string{"first": "true"})
		return s.audit(ctx, q, e)
	})
	if errors.Is(err, ErrConflict) {
		return AuthResult{}, errTaken // the email was taken meanwhile, so the collection is not empty
	} else if err != nil {
		return AuthResult{}, AsError(err)
	}
	return s.loginSession(ctx, c, u, []string{MethodPassword}, s.sessionOptions(false))
}
