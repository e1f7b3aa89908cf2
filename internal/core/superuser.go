package core

import (
	"context"
	"errors"
)

// UpsertSuperuser creates a superuser, or sets the password of an existing
// one (ending its sessions). It is the operator's way in, used by the
// `gatehouse superuser upsert` command.
func (s *Service) UpsertSuperuser(ctx context.Context, email, password string) (created bool, err error) {
	c := s.collections.Superusers()
	fe := fieldErrors{}
	fe.checkEmail("email", email)
	fe.checkPassword(c, "password", password)
	if err := fe.err(); err != nil {
		return false, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return false, AsError(err)
	}
	err = s.store.InTx(ctx, func(q Queries) error {
		now := s.Now()
		u, err := q.UserByEmail(ctx, c.ID, email)
		if errors.Is(err, ErrNotFound) {
			created = true
			u = User{ID: NewID(), CollectionID: c.ID, Email: email, Verified: true, PasswordHash: hash, Status: UserActive, Created: now, Updated: now}
			if err := q.InsertUser(ctx, u); err != nil {
				return err
			}
			return s.audit(ctx, q, byActor(AuditSuperuserCreated, nil, c, u.ID, map[string]string{"by": "cli"}))
		} else if err != nil {
			return err
		}
		// The operator's way in also lifts a suspension: otherwise a
		// deployment whose superusers were all suspended had no way back.
		before := u
		u.PasswordHash, u.Updated, u.Status = hash, now, UserActive
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := q.DeleteLoginState(ctx, u.ID); err != nil {
			return err
		}
		if err := s.revokeCredentials(ctx, q, u, RevokedPasswordChanged); err != nil {
			return err
		}
		if err := s.statusChanged(ctx, q, nil, c, before, u); err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditSuperuserUpdated, nil, c, u.ID, map[string]string{"by": "cli"}))
	})
	return created, AsErrorOrNil(err)
}

// DeleteSuperuser deletes the superuser with the given email. The last
// superuser cannot be deleted.
func (s *Service) DeleteSuperuser(ctx context.Context, email string) error {
	c := s.collections.Superusers()
	u, err := s.store.UserByEmail(ctx, c.ID, email)
	if errors.Is(err, ErrNotFound) {
		return &Error{Kind: KindNotFound, Code: CodeNotFound, Params: map[string]any{"email": email}}
	} else if err != nil {
		return Internal(err)
	}
	return AsErrorOrNil(s.deleteUser(ctx, nil, c, u.ID))
}
