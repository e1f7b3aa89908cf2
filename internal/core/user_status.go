package core

import (
	"context"
	"errors"
	"strconv"
)

// Audit events of a status change, and the reason kept with the sessions
// a suspension ends.
const (
	AuditUserSuspended   = "user.suspended"
	AuditUserReactivated = "user.reactivated"
	RevokedSuspended     = "suspended"
)

// SetUserStatus suspends or reactivates a user; only a superuser may, and
// not on itself (a superuser who suspended itself could not undo it).
// Suspending ends every session of the user and drops its emailed login
// codes; both changes are audited. Setting the status a user already has
// changes nothing. It returns the user as stored.
func (s *Service) SetUserStatus(ctx context.Context, p *Principal, c *Collection, userID string, status UserStatus) (User, error) {
	if err := RequireSuperuser(p); err != nil {
		return User{}, err
	}
	fe := fieldErrors{}
	fe.checkStatus(p, c.ID, userID, nil, &status)
	if err := fe.err(); err != nil {
		return User{}, err
	}
	status = status.OrActive()
	var u User
	err := s.store.InTx(ctx, func(q Queries) error {
		cur, err := q.UserByID(ctx, c.ID, userID)
		if errors.Is(err, ErrNotFound) {
			return errRecordNotFound
		} else if err != nil {
			return err
		}
		u = cur
		if cur.Status.OrActive() == status {
			return nil
		}
		u.Status, u.Updated = status, s.Now()
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.statusChanged(ctx, q, p, c, cur, u)
	})
	if err != nil {
		return User{}, AsError(err)
	}
	return u, nil
}

// checkStatus checks a requested status (want, nil when none) of user id
// of collection collID, whose current state is cur (nil on create). A
// status other than the user's current one (active for a new user) may
// only be set by a superuser, and never by a user on itself: those are
// form errors, as for verified. An unknown status is refused as a value
// not in the list.
func (f fieldErrors) checkStatus(p *Principal, collID, id string, cur *User, want *UserStatus) {
	if want == nil {
		return
	}
	if !want.Valid() {
		f.add("status", FieldInInvalid, nil)
		return
	}
	have := UserActive
	if cur != nil {
		have = cur.Status.OrActive()
	}
	if want.OrActive() == have {
		return
	}
	self := p != nil && p.Collection.ID == collID && p.User.ID == id
	if !p.IsSuperuser() || self {
		f.add("status", FieldValuesMismatch, nil)
	}
}

// statusChanged does what a status change inside a transaction must do:
// a suspension ends the user's sessions and drops its one-time login
// codes (so a code mailed before cannot be used once the suspension is
// lifted either); either change is audited.
func (s *Service) statusChanged(ctx context.Context, q Queries, p *Principal, c *Collection, before, after User) error {
	if before.Status.OrActive() == after.Status.OrActive() {
		return nil
	}
	if !after.Suspended() {
		return s.audit(ctx, q, byActor(AuditUserReactivated, p, c, after.ID, nil))
	}
	n, err := q.RevokeUserSessions(ctx, after.ID, "", RevokedSuspended, s.Now())
	if err != nil {
		return err
	}
	if err := q.DeleteUserOTPs(ctx, after.ID); err != nil {
		return err
	}
	return s.audit(ctx, q, byActor(AuditUserSuspended, p, c, after.ID, map[string]string{"sessions": strconv.Itoa(n)}))
}

// refuseSuspended fails a login whose factor checked out when the user is
// suspended: it answers exactly what a wrong factor of method answers
// (after the same work, since the factor was checked first), so a
// suspension reveals neither the account nor that the factor was right.
// The failure is audited with its real reason.
func (s *Service) refuseSuspended(ctx context.Context, c *Collection, u User, method string) error {
	if !u.Suspended() {
		return nil
	}
	e := AuditEvent{Type: AuditLoginFailure, TargetID: u.ID, TargetCollection: c.ID,
		Details: map[string]string{"method": method, "reason": "suspended"}}
	if err := s.audit(ctx, s.store, e); err != nil {
		return Internal(err)
	}
	s.metrics.Login("failure")
	switch method {
	case MethodOTP:
		return errBadOTP
	case MethodOAuth2:
		return errOAuthFailed
	case MethodTOTP, MethodRecoveryCode:
		return errBadTOTP
	}
	return errBadCredentials
}

// errSuspendedAccount stops an OAuth2 sign-in transaction that found a
// suspended account, before it links or claims anything; the flow then
// refuses the login as a wrong factor (refuseSuspended).
var errSuspendedAccount = errors.New("core: account suspended")
