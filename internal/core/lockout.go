package core

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// LoginState tracks failed password attempts for one user, for lockout.
type LoginState struct {
	UserID string
	// Failures counts failed attempts since FirstFailure.
	Failures     int
	FirstFailure time.Time
	// LockedUntil, when in the future, refuses every login.
	LockedUntil time.Time
}

// LockoutPolicy locks an account after MaxFailures failed password
// attempts within Window, for Duration. MaxFailures 0 disables lockout.
type LockoutPolicy struct {
	MaxFailures int
	Window      time.Duration
	Duration    time.Duration
}

// lockoutPolicy is the policy this service locks accounts by: its
// profile's, else the server's.
func (s *Service) lockoutPolicy() LockoutPolicy {
	if s.profile.Lockout != nil {
		return *s.profile.Lockout
	}
	return s.settings.Lockout
}

// lockedUntil returns when the user's lock ends, or the zero time if the
// account is not locked at now; it reads through q (the store, or the
// caller's transaction).
func (s *Service) lockedUntil(ctx context.Context, q Queries, userID string, now time.Time) (time.Time, error) {
	if s.lockoutPolicy().MaxFailures <= 0 {
		return time.Time{}, nil
	}
	st, err := q.LoginState(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, Internal(err)
	}
	if now.Before(st.LockedUntil) {
		return st.LockedUntil, nil
	}
	return time.Time{}, nil
}

// LockedUntil returns when the user's lockout ends, or the zero time when
// the account is not locked now. Surfaces show it (Directus's "suspended"
// status); only core decides what a lock refuses.
func (s *Service) LockedUntil(ctx context.Context, userID string) (time.Time, error) {
	return s.lockedUntil(ctx, s.store, userID, s.Now())
}

// refuseLocked fails with CodeAccountLocked while the user is locked;
// it reads through q, inside the caller's transaction.
func (s *Service) refuseLocked(ctx context.Context, q Queries, userID string, now time.Time) error {
	until, err := s.lockedUntil(ctx, q, userID, now)
	if err != nil {
		return err
	}
	return s.refuseLockedUntil(until, now)
}

// refuseLockedUntil is refuseLocked for a lockout end already read (the
// zero time for a user without login state).
func (s *Service) refuseLockedUntil(until, now time.Time) error {
	if s.lockoutPolicy().MaxFailures <= 0 || !now.Before(until) {
		return nil
	}
	return &Error{Kind: KindUnauthenticated, Code: CodeAccountLocked,
		RetryAfter: max(time.Second, until.Sub(now))}
}

// recordFailure counts a failed password for the user and locks the
// account once MaxFailures fall within Window. It runs in a transaction
// so failures arriving at once on several nodes are all counted.
func (s *Service) recordFailure(ctx context.Context, c *Collection, userID string) error {
	pol := s.lockoutPolicy()
	if pol.MaxFailures <= 0 {
		return nil
	}
	err := s.store.InTx(ctx, func(q Queries) error {
		now := s.Now()
		st, err := q.LoginState(ctx, userID)
		if errors.Is(err, ErrNotFound) || (err == nil && now.Sub(st.FirstFailure) >= pol.Window) {
			st, err = LoginState{UserID: userID, FirstFailure: now}, nil
		}
		if err != nil {
			return err
		}
		st.Failures++
		locking := st.Failures >= pol.MaxFailures && !now.Before(st.LockedUntil)
		if locking {
			// The lock starts a fresh count: after it ends the user gets
			// MaxFailures new attempts.
			st.LockedUntil, st.Failures, st.FirstFailure = now.Add(pol.Duration), 0, now
		}
		if err := q.PutLoginState(ctx, st); err != nil {
			return err
		}
		if locking {
			return s.audit(ctx, q, byUser(AuditAccountLocked, c, userID, map[string]string{
				"until": st.LockedUntil.UTC().Format(time.RFC3339), "failures": strconv.Itoa(pol.MaxFailures),
			}))
		}
		return nil
	})
	return AsErrorOrNil(err)
}

// UnlockUser lifts a lockout before it ends; only superusers may.
func (s *Service) UnlockUser(ctx context.Context, p *Principal, c *Collection, userID string) error {
	if err := RequireSuperuser(p); err != nil {
		return err
	}
	if _, err := s.store.UserByID(ctx, c.ID, userID); errors.Is(err, ErrNotFound) {
		return errRecordNotFound
	} else if err != nil {
		return Internal(err)
	}
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		if err := q.DeleteLoginState(ctx, userID); err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditAccountUnlocked, p, c, userID, map[string]string{"by": "superuser"}))
	}))
}
