package core

import "time"

// Audit event types. Each is stored append-only and also logged as one
// structured line.
const (
	AuditLoginSuccess       = "login.success"
	AuditLoginFailure       = "login.failure"
	AuditAccountLocked      = "account.locked"
	AuditAccountUnlocked    = "account.unlocked"
	AuditPasswordChanged    = "password.changed"
	AuditPasswordReset      = "password.reset"
	AuditEmailChanged       = "email.changed"
	AuditEmailVerified      = "email.verified"
	AuditSessionRevoked     = "session.revoked"
	AuditRefreshReuse       = "refresh.reuse_detected"
	AuditImpersonation      = "impersonation"
	AuditSuperuserCreated   = "superuser.created"
	AuditSuperuserUpdated   = "superuser.updated"
	AuditSuperuserDeleted   = "superuser.deleted"
	AuditUserCreated        = "user.created"
	AuditUserDeleted        = "user.deleted"
	AuditUserUpdatedByAdmin = "user.updated_by_superuser"
)

// AuditEvent is one security-relevant event. Actor is who did it (empty
// for a guest or the operator's CLI), Target whom it concerns.
type AuditEvent struct {
	ID               string
	Time             time.Time
	Type             string
	ActorID          string
	ActorCollection  string
	TargetID         string
	TargetCollection string
	IP               string
	UserAgent        string
	// Details holds event-specific facts (a failure reason, a session
	// id), as valid UTF-8. Never secrets.
	Details map[string]string
}

// AuditQuery selects events, newest first.
type AuditQuery struct {
	// UserID matches events whose actor or target is this user.
	UserID string
	// Types, when set, keeps only these event types.
	Types []string
	// From and To bound the event time (inclusive, exclusive); zero
	// means unbounded.
	From, To time.Time
	Limit    int
	Offset   int
}

// AuditPage is one page of events and the total number matching.
type AuditPage struct {
	Events []AuditEvent
	Total  int
}
