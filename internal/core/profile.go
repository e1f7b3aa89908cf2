package core

// Profile is one surface's policy: what core does differently for the
// clients of one wire dialect. A surface chooses it once, when it is built
// (Service.WithProfile), so no request can pick another. Every field's
// zero value is the safe choice: a surface that sets nothing reveals no
// lock and no account.
type Profile struct {
	// DiscloseLockout answers a login refused by the lockout with
	// CodeAccountLocked and the time the lock ends. Off, the answer is
	// exactly a wrong password's (no Retry-After), so the answer does not
	// tell that the account exists.
	DiscloseLockout bool
}

// WithProfile returns a Service that applies p. It shares everything else
// (store, caches, hasher) with s; s itself is unchanged.
func (s *Service) WithProfile(p Profile) *Service {
	c := *s
	c.profile = p
	return &c
}
