package core

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Settings are the server-wide values core needs. The zero value of the
// security fields turns the protections off (tests opt in); the server's
// configuration turns them on by default.
type Settings struct {
	AppName string
	AppURL  string
	// Issuer is the JWT `iss` claim.
	Issuer string

	// RefreshReuseGrace is how long after a refresh token was rotated
	// presenting it again still returns the same successor (an honest
	// retry from another tab) instead of revoking the session.
	RefreshReuseGrace time.Duration
	Lockout           LockoutPolicy
	RateLimits        RateLimits
	// SessionCacheTTL is how long this node may reuse a session check
	// (see authCache); 0 reads the database on every request.
	SessionCacheTTL time.Duration
}

// Deps are the service's collaborators, each behind an interface core
// owns.
type Deps struct {
	Store       Store
	Hasher      Hasher
	Signer      Signer
	Collections *Collections
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MailQueued is called after a transaction that enqueued mail has
	// committed, to wake the sending worker; nil means no one listens.
	MailQueued func()
	Logger     *slog.Logger
	// Metrics counts outcomes; nil means nobody counts.
	Metrics Metrics
	// Conditions, when set, tracks the known temporary conditions: the
	// service reports its password hashes to it (the store reports its
	// own calls) and Health answers from it.
	Conditions *Conditions
}

// Service runs every auth flow. Surfaces translate their wire format into
// calls on it and render what it returns.
type Service struct {
	store       Store
	hasher      Hasher
	signer      Signer
	collections *Collections
	now         func() time.Time
	// realClock: now is time.Now, whose readings carry the monotonic
	// clock the session cache times its entries with.
	realClock  bool
	mailQueued func()
	log        *slog.Logger
	metrics    Metrics
	settings   Settings
	// authCache, when on, caches session checks (authcache.go).
	authCache *authCache
	// spanCache, on with authCache, caches users' session listings
	// (spancache.go).
	spanCache *spanCache
	// profile is the policy of the surface this Service serves
	// (WithProfile); the zero Profile is the safe one.
	profile Profile
	// conditions is Deps.Conditions; nil when nobody tracks them.
	conditions *Conditions
}

// New builds a Service.
func New(settings Settings, deps Deps) (*Service, error) {
	if deps.Store == nil || deps.Hasher == nil || deps.Signer == nil || deps.Collections == nil {
		return nil, errors.New("core: store, hasher, signer and collections are required")
	}
	s := &Service{
		store:       deps.Store,
		hasher:      deps.Hasher,
		signer:      deps.Signer,
		collections: deps.Collections,
		now:         deps.Now,
		mailQueued:  deps.MailQueued,
		log:         deps.Logger,
		metrics:     deps.Metrics,
		settings:    settings,
		conditions:  deps.Conditions,
	}
	if s.conditions != nil {
		s.hasher = watchedHasher{Hasher: s.hasher, conds: s.conditions}
	}
	if settings.SessionCacheTTL > 0 {
		s.authCache = newAuthCache(settings.SessionCacheTTL)
		s.spanCache = newSpanCache(settings.SessionCacheTTL)
		s.store = cachingStore{Store: deps.Store, cache: s.authCache, spans: s.spanCache}
	}
	if s.metrics == nil {
		s.metrics = nopMetrics{}
	}
	if s.now == nil {
		s.now, s.realClock = time.Now, true
	}
	if s.mailQueued == nil {
		s.mailQueued = func() {}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Collection finds an auth collection by name or id.
func (s *Service) Collection(nameOrID string) (*Collection, bool) {
	return s.collections.Find(nameOrID)
}

// Now returns the service clock's current time, truncated to the
// millisecond precision every store keeps.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Health checks that the store answers (through the Conditions' probe
// when it has one), then, with Deps.Conditions, that no store condition
// is in force: a full disk fails Health although reads still work.
func (s *Service) Health(ctx context.Context) error {
	if s.conditions == nil || s.conditions.opts.Probe == nil {
		if _, err := s.store.CountUsers(ctx, s.collections.Superusers().ID); err != nil {
			return Internal(err)
		}
	}
	if s.conditions != nil {
		return s.conditions.Check(ctx)
	}
	return nil
}
