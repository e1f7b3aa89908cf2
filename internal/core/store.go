package core

import (
	"context"
	"time"
)

// Store is everything core needs from a database. Each implementation
// (sqlite, postgres) must pass the storetest conformance suite.
//
// Errors: a missing row wraps ErrNotFound, a unique violation wraps
// ErrConflict; anything else is a failure core reports as internal.
type Store interface {
	Queries

	// InTx runs fn in one read-write transaction: it commits when fn
	// returns nil and rolls back otherwise. fn must use only the Queries
	// it is given, and may be retried, so it must not have side effects
	// outside the transaction.
	InTx(ctx context.Context, fn func(q Queries) error) error
}

// Queries are the store's reads and writes. Outside InTx each call is its
// own transaction.
type Queries interface {
	UserStore
	SessionStore
	RefreshTokenStore
	OneTimeTokenStore
	KeyStore
	OutboxStore
	RateLimitStore
	LoginStateStore
	AuditStore
	FactorStore
	IdentityStore
}

// UserStore keeps auth records.
type UserStore interface {
	// InsertUser adds a user; a taken email in the same collection wraps
	// ErrConflict.
	InsertUser(ctx context.Context, u User) error
	// UpdateUser replaces every stored field of an existing user
	// (matched by collection and id).
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser removes a user along with its sessions and tokens; a
	// missing user wraps ErrNotFound.
	DeleteUser(ctx context.Context, collectionID, id string) error
	UserByID(ctx context.Context, collectionID, id string) (User, error)
	// UserByEmail matches the email exactly (case-sensitively), as
	// PocketBase's default unique index does.
	UserByEmail(ctx context.Context, collectionID, email string) (User, error)
	// UsersByEmailFold returns up to limit users whose email equals email
	// ignoring the case of ASCII letters (and only those: "É" and "é"
	// differ), through an index, for surfaces that look emails up
	// case-insensitively. An empty email matches no one.
	UsersByEmailFold(ctx context.Context, collectionID, email string, limit int) ([]User, error)
	ListUsers(ctx context.Context, collectionID string, q UserQuery) (UserPage, error)
	CountUsers(ctx context.Context, collectionID string) (int, error)
}

// SessionStore keeps sessions.
type SessionStore interface {
	// InsertSession stores a session; a session for a user that does
	// not exist wraps ErrNotFound.
	InsertSession(ctx context.Context, s Session) error
	SessionByID(ctx context.Context, id string) (Session, error)
	// SessionWithUser returns a session (revoked and expired ones
	// included) with its user, in one read: every authenticated request
	// needs both. A missing session, or a session whose user is gone,
	// wraps ErrNotFound.
	SessionWithUser(ctx context.Context, id string) (Session, User, error)
	// ListUserSessions returns a user's active sessions (not revoked,
	// expires > now), most recently used first (a never-used session
	// counts as used when created), then newest, then by id.
	ListUserSessions(ctx context.Context, userID string, now time.Time) ([]Session, error)
	// ListUserSessionSpans returns the ids and lifetimes of the sessions
	// ListUserSessions returns, in the same order.
	ListUserSessionSpans(ctx context.Context, userID string, now time.Time) ([]SessionSpan, error)
	// TouchSession records a use of the session and moves its expiry.
	TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error
	// RevokeSession revokes one active session; a missing, revoked or
	// expired one wraps ErrNotFound.
	RevokeSession(ctx context.Context, id, reason string, at time.Time) error
	// RevokeUserSessions revokes every active session of a user (not
	// revoked, not expired at `at`) except the one named exceptID (""
	// for none), and returns how many it revoked.
	RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error)
	// PruneSessions deletes sessions (and their refresh tokens) that
	// expired or were revoked before `before`, and returns how many.
	PruneSessions(ctx context.Context, before time.Time) (int, error)
}

// RefreshTokenStore keeps refresh-token chains.
type RefreshTokenStore interface {
	// InsertRefreshToken stores a token; a session that does not exist
	// wraps ErrNotFound, a taken hash ErrConflict.
	InsertRefreshToken(ctx context.Context, t RefreshToken) error
	RefreshTokenByHash(ctx context.Context, hash []byte) (RefreshToken, error)
	// RefreshTokenUse returns the token with this SHA-256 (rotated or
	// not) with its session (revoked and expired ones included), the
	// session's user and the user's lockout end, in one read. A missing
	// token, or one whose session or user is gone, wraps ErrNotFound.
	RefreshTokenUse(ctx context.Context, hash []byte) (RefreshUse, error)
	// RotateRefreshToken marks a token rotated and records its
	// successor, only if it was not rotated yet: otherwise (or if it is
	// missing) it wraps ErrConflict, so two rotations cannot both win.
	RotateRefreshToken(ctx context.Context, id string, at time.Time, successorID string, successorSealed []byte) error
	// RotateRefresh writes one rotation all or nothing: it marks token
	// r.TokenID rotated at r.At with r.Child as its successor, stores
	// r.Child, and, when r.SessionExpires is set, records a use of the
	// session (last used r.At, expiry at least r.SessionExpires). It does
	// so only if, when it writes, the
	// token is not rotated yet, has not expired at r.At, and belongs to
	// r.Child.SessionID, which is active at r.At (not revoked, not
	// expired); otherwise it writes nothing and wraps ErrConflict, so of
	// racing rotations exactly one wins. It is meant for use outside a
	// transaction: core reads first, prepares the successor (and signs)
	// without holding anything, and this one call is the only write.
	RotateRefresh(ctx context.Context, r RefreshRotation) error
}

// RateLimitStore keeps rate-limit counters, so limits hold across every
// node sharing the store.
type RateLimitStore interface {
	// HitRateLimit adds one hit to the counter of key in the window that
	// started at windowStart, remembering it until expires, and returns
	// the count in that window including this hit. It is atomic: n
	// concurrent hits return 1..n.
	HitRateLimit(ctx context.Context, key string, windowStart, expires time.Time) (int, error)
	// PruneRateLimits deletes counters that expired before `before`.
	PruneRateLimits(ctx context.Context, before time.Time) (int, error)
}

// LoginStateStore keeps failed-login counters for lockout.
type LoginStateStore interface {
	// LoginState returns a user's state; none wraps ErrNotFound.
	LoginState(ctx context.Context, userID string) (LoginState, error)
	// PutLoginState inserts or replaces a user's state; a user that does
	// not exist wraps ErrNotFound.
	PutLoginState(ctx context.Context, s LoginState) error
	// DeleteLoginState removes a user's state (no error if none).
	DeleteLoginState(ctx context.Context, userID string) error
}

// AuditStore keeps the append-only audit log. Events outlive the users
// they mention.
type AuditStore interface {
	InsertAuditEvent(ctx context.Context, e AuditEvent) error
	// ListAuditEvents returns matching events newest first (time, then
	// id), and the total number matching. Nil and empty Details both
	// read back as nil.
	ListAuditEvents(ctx context.Context, q AuditQuery) (AuditPage, error)
}

// OneTimeTokenStore keeps single-use mailed tokens.
type OneTimeTokenStore interface {
	// InsertOneTimeToken stores a token; a token for a user that does
	// not exist wraps ErrNotFound.
	InsertOneTimeToken(ctx context.Context, t OneTimeToken) error
	OneTimeTokenByID(ctx context.Context, id string) (OneTimeToken, error)
	// LatestOneTimeToken returns the newest token of a user for a
	// purpose, used or not.
	LatestOneTimeToken(ctx context.Context, userID string, p Purpose) (OneTimeToken, error)
	// UseOneTimeToken marks an unused token used. If the token is missing
	// or already used it wraps ErrNotFound, so two concurrent uses cannot
	// both succeed.
	UseOneTimeToken(ctx context.Context, id string, at time.Time) error
	// BurnUserTokens marks every unused token of a user used.
	BurnUserTokens(ctx context.Context, userID string, at time.Time) error
	// PruneOneTimeTokens deletes tokens that expired before `before`.
	PruneOneTimeTokens(ctx context.Context, before time.Time) (int, error)
}

// KeyStore keeps token signing keys.
type KeyStore interface {
	// SigningKeys returns every key, newest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	InsertSigningKey(ctx context.Context, k SigningKey) error
}

// OutboxStore is the durable mail queue. A worker claims messages under
// a claim token, keeps the claim alive with RenewMail while it sends, and
// records the outcome; every write that acts for a claim is conditional
// on the message still belonging to it (else ErrClaimLost), so two
// workers never both own, renew or record the same message.
type OutboxStore interface {
	EnqueueMail(ctx context.Context, m OutboxMessage) error
	// ClaimMail leases up to limit messages (with their stored Attempts
	// and Sending) that are unsent, due (NextAttempt <= now) and not
	// leased by someone else (LeaseUntil <= now), oldest first, setting
	// LeaseUntil = now+lease and Claim = claim. claim must be non-empty
	// and unique to this call (core.NewID). Concurrent claimers never get
	// the same message while its lease runs.
	ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// RenewMail extends the lease of a message held under claim to
	// now+lease. A message that is unsent but no longer held under claim
	// wraps ErrClaimLost; a missing one ErrNotFound. The claim need not
	// be unexpired: if nobody took the message meanwhile it is still
	// this claim's.
	RenewMail(ctx context.Context, id, claim string, now time.Time, lease time.Duration) error
	// StartMailAttempt records that an attempt begins, before the message
	// is handed to the SMTP server: it adds one to Attempts, sets Sending
	// = now and renews the lease to now+lease, and returns the new
	// attempt count. Errors as RenewMail's.
	StartMailAttempt(ctx context.Context, id, claim string, now time.Time, lease time.Duration) (int, error)
	// MarkMailSent records a delivery, clears the lease, the claim and
	// Sending, and erases the text and HTML bodies: they carry one-time
	// tokens, which must not stay readable at rest once delivered.
	// Recipient and subject remain as a record of the delivery. It needs
	// no claim: a delivery is a fact whoever reports it, and once it is
	// recorded no claim can renew or start the message again. Recording
	// it twice keeps the first time. A missing message wraps ErrNotFound.
	MarkMailSent(ctx context.Context, id string, at time.Time) error
	// MarkMailFailed records a failed attempt of a message held under
	// claim: it stores the next attempt time and the error text, and
	// clears the lease, the claim and Sending. Errors as RenewMail's.
	MarkMailFailed(ctx context.Context, id, claim string, next time.Time, lastErr string) error
	// ReleaseMail clears the lease and claim of a message held under
	// claim that was not attempted (its worker is stopping), so it is
	// claimable at once. Sending stays as it was. Errors as RenewMail's.
	ReleaseMail(ctx context.Context, id, claim string) error
	// MailByID returns one message, sent or not.
	MailByID(ctx context.Context, id string) (OutboxMessage, error)
	// NextMailDue returns the earliest time an unsent message becomes
	// claimable: the later of its NextAttempt and its LeaseUntil. It is
	// the zero time when nothing is pending. A worker sleeps until then,
	// so a crashed worker's mail goes out as its lease runs out, not at
	// the next poll after.
	NextMailDue(ctx context.Context) (time.Time, error)
	// PendingMail counts messages not yet sent.
	PendingMail(ctx context.Context) (int, error)
}

// FactorStore keeps one-time codes, MFA challenges, TOTP factors and
// recovery codes. Every row belongs to a user and goes when the user does.
type FactorStore interface {
	// InsertOTP stores a code; an unknown user wraps ErrNotFound.
	InsertOTP(ctx context.Context, o OTP) error
	OTPByID(ctx context.Context, id string) (OTP, error)
	// DeleteOTP removes a code; a missing one wraps ErrNotFound, so two
	// concurrent uses cannot both succeed.
	DeleteOTP(ctx context.Context, id string) error
	// ActiveOTPs returns a user's unexpired codes (expires > now),
	// newest first.
	ActiveOTPs(ctx context.Context, userID string, now time.Time) ([]OTP, error)
	// DeleteUserOTPs removes every code of a user.
	DeleteUserOTPs(ctx context.Context, userID string) error

	// InsertMFA stores a challenge; an unknown user wraps ErrNotFound.
	InsertMFA(ctx context.Context, m MFAChallenge) error
	MFAByID(ctx context.Context, id string) (MFAChallenge, error)
	// DeleteMFA removes a challenge; a missing one wraps ErrNotFound.
	DeleteMFA(ctx context.Context, id string) error

	// TOTPFactor returns a user's factor; none wraps ErrNotFound.
	TOTPFactor(ctx context.Context, userID string) (TOTPFactor, error)
	// PutTOTPFactor inserts or replaces a user's factor; an unknown user
	// wraps ErrNotFound.
	PutTOTPFactor(ctx context.Context, f TOTPFactor) error
	// AdvanceTOTPStep sets LastStep to step only if it is greater than
	// the stored one; otherwise (a replay, or no factor) it wraps
	// ErrConflict. This is what makes a code single use, even when two
	// requests race with it.
	AdvanceTOTPStep(ctx context.Context, userID string, step int64, at time.Time) error
	// DeleteTOTPFactor removes a user's factor and recovery codes (no
	// error if none).
	DeleteTOTPFactor(ctx context.Context, userID string) error

	// ReplaceRecoveryCodes deletes a user's recovery codes and stores
	// these instead.
	ReplaceRecoveryCodes(ctx context.Context, userID string, codes []RecoveryCode) error
	// UseRecoveryCode marks the user's unused code with this hash used;
	// none wraps ErrNotFound, so a code works once.
	UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) error
	// UnusedRecoveryCodes counts a user's codes not yet used.
	UnusedRecoveryCodes(ctx context.Context, userID string) (int, error)

	// PruneFactors deletes one-time codes (OTPs) that expired and MFA
	// challenges created before `before`, and returns how many rows went.
	// TOTP factors and recovery codes are never pruned.
	PruneFactors(ctx context.Context, before time.Time) (int, error)
}

// IdentityStore keeps links between users and OAuth provider accounts.
type IdentityStore interface {
	// InsertIdentity stores a link. A provider account already linked in
	// the collection, or a second link of the user to the same provider,
	// wraps ErrConflict; an unknown user, or one not in i.CollectionID,
	// wraps ErrNotFound. Empty provider names and ids are refused.
	InsertIdentity(ctx context.Context, i Identity) error
	// IdentityByProvider finds the link of a provider account in a
	// collection.
	IdentityByProvider(ctx context.Context, collectionID, provider, providerID string) (Identity, error)
	// ListUserIdentities returns a user's links, oldest first.
	ListUserIdentities(ctx context.Context, userID string) ([]Identity, error)
	// DeleteIdentity removes one of the user's links; a missing one (or
	// another user's) wraps ErrNotFound.
	DeleteIdentity(ctx context.Context, userID, id string) error
	// DeleteUserIdentities removes every link of a user and returns how
	// many.
	DeleteUserIdentities(ctx context.Context, userID string) (int, error)
}
