package core

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Condition is a known temporary condition: while it lasts, the requests
// that meet it fail as unavailable (503 with Retry-After) instead of
// internal, and they succeed again once it ends, without a restart. Its
// value is the code of the errors it causes.
type Condition string

// The conditions core tracks.
const (
	ConditionStoreUnavailable Condition = CodeStoreUnavailable // the database cannot be reached
	ConditionStoreTimeout     Condition = CodeStoreTimeout     // the database does not answer in time
	ConditionStoreFull        Condition = CodeStoreFull        // no space left for writes
	ConditionStoreBusy        Condition = CodeStoreBusy        // locked, contended or overloaded
	ConditionHashingBusy      Condition = CodeHashingBusy      // every password hashing worker taken
)

// AllConditions returns every condition, the store's by how much they
// stop (the first stops everything, the last only some writes), then
// hashing's.
func AllConditions() []Condition {
	return []Condition{ConditionStoreUnavailable, ConditionStoreTimeout, ConditionStoreFull,
		ConditionStoreBusy, ConditionHashingBusy}
}

// Describe is a condition in a few words, for logs: "disk full".
func (c Condition) Describe() string {
	switch c {
	case ConditionStoreUnavailable:
		return "database unreachable"
	case ConditionStoreTimeout:
		return "database not answering in time"
	case ConditionStoreFull:
		return "disk full"
	case ConditionStoreBusy:
		return "database busy"
	case ConditionHashingBusy:
		return "password hashing saturated"
	}
	return string(c)
}

// Store reports whether the condition is the store's (rather than the
// password hasher's).
func (c Condition) Store() bool { return c != ConditionHashingBusy }

// clearedByRead reports whether a successful read shows the condition is
// over. A database that answers a read is reachable and answering; but a
// full disk or a contended lock stops writes while reads go on, so only
// a write that succeeds ends those.
func (c Condition) clearedByRead() bool {
	return c == ConditionStoreUnavailable || c == ConditionStoreTimeout
}

// ConditionOf reports the condition err is the mark of, if any: an
// unavailable error (or a store error core reads as one) whose code is a
// condition's. An interrupted hash or a caller that gave up is none.
func ConditionOf(err error) (Condition, bool) {
	if err == nil {
		return "", false
	}
	e := AsError(err)
	if e.Kind != KindUnavailable {
		return "", false
	}
	c := Condition(e.Code)
	return c, slices.Contains(AllConditions(), c)
}

// conditionSettle is how long a condition must go without a failure
// before a success ends it. Contention and a saturated hasher let some
// calls through while others fail; without it, such a condition would
// start and end with every other request, and so would its log lines.
const conditionSettle = 2 * time.Second

// writeProbeEvery bounds how often Check writes to the store to learn
// whether a write-stopping condition is over, however often it is asked.
const writeProbeEvery = time.Second

// ConditionChange is a condition starting or ending.
type ConditionChange struct {
	Condition Condition
	// Active is true when the condition starts, false when it ends.
	Active bool
	// Since is when it started (At, for a start).
	Since time.Time
	At    time.Time
	// Err is the failure that started it (nil when it ends); for logs.
	Err error
}

// ConditionsOptions configure a Conditions. Every field may be left zero.
type ConditionsOptions struct {
	// Probe checks the store: a cheap read, or with write a small write
	// too. The store reports its outcome like any other call's, so a
	// failure starts a condition and a success may end one. Nil means
	// Check only reports what the tracker saw.
	Probe func(ctx context.Context, write bool) error
	// OnChange is told each start and end, in order, once per change;
	// it must not call back into the Conditions.
	OnChange func(ConditionChange)
	// OnFailure is told of every failure a condition explains (each
	// refused store call or hash), for counting.
	OnFailure func(Condition)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Conditions tracks the known temporary conditions from the outcomes of
// store calls and password hashes: a condition starts with the first
// failure it explains and ends with the first success that shows it is
// over, once it has gone conditionSettle without a failure. Each start
// and end is reported once (ConditionsOptions.OnChange), however many
// requests meet it. Safe for concurrent use; a success costs one atomic
// load while nothing is wrong.
type Conditions struct {
	opts ConditionsOptions
	now  func() time.Time
	// active counts the conditions in force, for the fast path.
	active atomic.Int32

	mu         sync.Mutex
	state      map[Condition]*conditionState
	lastProbed time.Time // last write probe
}

type conditionState struct {
	since, lastFailure time.Time
}

// NewConditions returns a tracker with no condition in force.
func NewConditions(opts ConditionsOptions) *Conditions {
	c := &Conditions{opts: opts, now: opts.Now, state: map[Condition]*conditionState{}}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// ObserveStore records the outcome of one store call: err nil (or a
// missing row or a conflict, which are answers too) is a success, of a
// write when write is set; an error a condition explains is a failure.
// Anything else (the caller gave up, a bug) says nothing about the
// conditions.
func (c *Conditions) ObserveStore(write bool, err error) {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		if c.active.Load() > 0 {
			c.succeeded(func(cd Condition) bool { return cd.Store() && (write || cd.clearedByRead()) })
		}
		return
	}
	if cd, ok := ConditionOf(err); ok && cd.Store() {
		c.failed(cd, err)
	}
}

// ObserveHashing records the outcome of one password hash or check.
func (c *Conditions) ObserveHashing(err error) {
	if err == nil {
		if c.active.Load() > 0 {
			c.succeeded(func(cd Condition) bool { return cd == ConditionHashingBusy })
		}
		return
	}
	if cd, ok := ConditionOf(err); ok && cd == ConditionHashingBusy {
		c.failed(cd, err)
	}
}

func (c *Conditions) failed(cd Condition, err error) {
	if c.opts.OnFailure != nil {
		c.opts.OnFailure(cd)
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.state[cd]; ok {
		st.lastFailure = now
		return
	}
	c.state[cd] = &conditionState{since: now, lastFailure: now}
	c.active.Add(1)
	c.report(ConditionChange{Condition: cd, Active: true, Since: now, At: now, Err: err})
}

// succeeded ends each condition in force that ends reports over and that
// has settled.
func (c *Conditions) succeeded(ends func(Condition) bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cd := range AllConditions() { // a fixed order, for the reports
		st, ok := c.state[cd]
		if !ok || !ends(cd) || now.Sub(st.lastFailure) < conditionSettle {
			continue
		}
		delete(c.state, cd)
		c.active.Add(-1)
		c.report(ConditionChange{Condition: cd, Active: false, Since: st.since, At: now})
	}
}

// report tells OnChange, under c.mu, so reports keep the order of the
// changes.
func (c *Conditions) report(ch ConditionChange) {
	if c.opts.OnChange != nil {
		c.opts.OnChange(ch)
	}
}

// Active returns the conditions in force, in AllConditions' order.
func (c *Conditions) Active() []Condition {
	if c.active.Load() == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Condition
	for _, cd := range AllConditions() {
		if _, ok := c.state[cd]; ok {
			out = append(out, cd)
		}
	}
	return out
}

// Check is the readiness check: it probes the store (a cheap read; and,
// while a condition that only a write can end is in force, a small write
// at most every writeProbeEvery, so the condition can end while no
// traffic comes), then returns nil if the store can serve, or an
// unavailable *Error for the gravest store condition in force, with its
// Retry-After. A probe that fails for another reason is an internal
// error. Hashing saturation does not count: it refuses some logins for
// moments, while the node still serves everything else.
func (c *Conditions) Check(ctx context.Context) error {
	if c.opts.Probe != nil {
		if err := c.opts.Probe(ctx, c.writeProbeDue()); err != nil {
			return AsError(err)
		}
	}
	for _, cd := range c.Active() {
		if cd.Store() {
			return ConditionError(cd)
		}
	}
	return nil
}

// writeProbeDue reports whether the next probe should write: a condition
// only a write can end is in force, and no write probe ran lately.
func (c *Conditions) writeProbeDue() bool {
	if c.active.Load() == 0 {
		return false
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for cd := range c.state {
		if cd.Store() && !cd.clearedByRead() && now.Sub(c.lastProbed) >= writeProbeEvery {
			c.lastProbed = now
			return true
		}
	}
	return false
}

// ConditionError is the error a request meets while cd is in force: kind
// unavailable, cd's code and Retry-After.
func ConditionError(cd Condition) *Error {
	for _, s := range storeCodes {
		if s.code == string(cd) {
			return &Error{Kind: KindUnavailable, Code: s.code, RetryAfter: s.retry, Cause: s.err}
		}
	}
	return &Error{Kind: KindUnavailable, Code: string(cd), RetryAfter: 5 * time.Second}
}

// StoreObserver is told the outcome of every store call, so a Conditions
// can track the store's conditions. *Conditions implements it; a store
// takes one in its options.
type StoreObserver interface {
	ObserveStore(write bool, err error)
}

var _ StoreObserver = (*Conditions)(nil)

// watchedHasher reports each hash's outcome to the conditions.
type watchedHasher struct {
	Hasher
	conds *Conditions
}

func (h watchedHasher) Hash(ctx context.Context, password string) (string, error) {
	s, err := h.Hasher.Hash(ctx, password)
	h.conds.ObserveHashing(err)
	return s, err
}

func (h watchedHasher) Verify(ctx context.Context, encoded, password string) (bool, bool, error) {
	ok, rehash, err := h.Hasher.Verify(ctx, encoded, password)
	h.conds.ObserveHashing(err)
	return ok, rehash, err
}

func (h watchedHasher) VerifyDummy(ctx context.Context, password string) error {
	err := h.Hasher.VerifyDummy(ctx, password)
	h.conds.ObserveHashing(err)
	return err
}
