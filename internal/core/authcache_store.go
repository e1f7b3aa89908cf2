package core

import (
	"context"
	"time"
)

// cachingStore is the Store core uses when the session cache is on: it
// empties the cache after every write that can end a session or change a
// user, in a transaction or not (see authCache). Invalidating after the write, not before, is what
// matters: a read that started before the write finished is then dropped
// too (its generation is stale).
type cachingStore struct {
	Store
	cache *authCache
	spans *spanCache
}

// InTx runs fn with Queries that note its writes, and acts on them once
// the transaction is over (committed or not): the cache is emptied only
// if fn changed a user or ended sessions, and a touched session's entry
// dropped. Most transactions do neither (a login inserts a session, a
// failed one its login state and audit rows), and emptying the cache
// after each of them made a login flood cost every token check a read.
func (c cachingStore) InTx(ctx context.Context, fn func(q Queries) error) error {
	w := &txWatch{}
	defer func() {
		if w.locked {
			c.cache.lockWritten()
		}
		if w.stale {
			c.invalidate()
			return
		}
		for _, id := range w.touched {
			c.forget(id)
		}
		for _, id := range w.added {
			c.spans.forgetUser(id)
		}
	}()
	return c.Store.InTx(ctx, func(q Queries) error {
		w.Queries = q
		return fn(w)
	})
}

// txWatch is the Queries of a transaction under cachingStore. Its
// overrides are every write that changes a user row or a session row
// (the cached check's two halves), and the login-state write that can
// lock an account (the lockout end cached for rotations); a new write of
// any of these kinds must be added here and to cachingStore's own.
type txWatch struct {
	Queries
	stale   bool     // a user changed or sessions ended
	locked  bool     // a login state with a lock was written
	touched []string // sessions whose times moved
	added   []string // users who got a new session
}

func (w *txWatch) InsertSession(ctx context.Context, s Session) error {
	w.added = append(w.added, s.UserID)
	return w.Queries.InsertSession(ctx, s)
}

func (w *txWatch) UpdateUser(ctx context.Context, u User) error {
	w.stale = true
	return w.Queries.UpdateUser(ctx, u)
}

func (w *txWatch) DeleteUser(ctx context.Context, collectionID, id string) error {
	w.stale = true
	return w.Queries.DeleteUser(ctx, collectionID, id)
}

func (w *txWatch) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	w.touched = append(w.touched, id)
	return w.Queries.TouchSession(ctx, id, lastUsed, expires)
}

func (w *txWatch) RotateRefresh(ctx context.Context, r RefreshRotation) error {
	if !r.SessionExpires.IsZero() {
		w.touched = append(w.touched, r.Child.SessionID)
	}
	return w.Queries.RotateRefresh(ctx, r)
}

// PutLoginState notes a lock: the lockout ends the cache keeps for
// rotations (authCache.getUse) are then unknown.
func (w *txWatch) PutLoginState(ctx context.Context, st LoginState) error {
	if !st.LockedUntil.IsZero() {
		w.locked = true
	}
	return w.Queries.PutLoginState(ctx, st)
}

func (w *txWatch) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	w.stale = true
	return w.Queries.RevokeSession(ctx, id, reason, at)
}

func (w *txWatch) RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error) {
	w.stale = true
	return w.Queries.RevokeUserSessions(ctx, userID, exceptID, reason, at)
}

func (w *txWatch) PruneSessions(ctx context.Context, before time.Time) (int, error) {
	w.stale = true
	return w.Queries.PruneSessions(ctx, before)
}

// invalidate empties both caches: a user changed or sessions ended.
func (c cachingStore) invalidate() {
	c.cache.invalidate()
	c.spans.invalidate()
}

// forget drops what either cache holds of session id, whose times moved.
func (c cachingStore) forget(id string) {
	c.cache.forget(id)
	c.spans.forgetSession(id)
}

// InsertSession adds a session to its user's listing, so the listing
// cached goes; no session check is cached for a session not there yet.
func (c cachingStore) InsertSession(ctx context.Context, s Session) error {
	defer c.spans.forgetUser(s.UserID)
	return c.Store.InsertSession(ctx, s)
}

func (c cachingStore) UpdateUser(ctx context.Context, u User) error {
	defer c.invalidate()
	return c.Store.UpdateUser(ctx, u)
}

func (c cachingStore) DeleteUser(ctx context.Context, collectionID, id string) error {
	defer c.invalidate()
	return c.Store.DeleteUser(ctx, collectionID, id)
}

// TouchSession moves an expiry that the cached entry would otherwise
// report short (refreshes would then touch again and again). It changes
// nothing else, and nothing of any other session, so only that entry
// goes: emptying the whole cache on every touch made each busy session's
// refresh, once a minute, cost every other session a database read.
func (c cachingStore) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	defer c.forget(id)
	return c.Store.TouchSession(ctx, id, lastUsed, expires)
}

// RotateRefresh moves its session's times as TouchSession does when it
// touches the session, so it then drops that session's entry alone; a
// rotation that leaves the session row as it is keeps the entry.
func (c cachingStore) RotateRefresh(ctx context.Context, r RefreshRotation) error {
	if !r.SessionExpires.IsZero() {
		defer c.forget(r.Child.SessionID)
	}
	return c.Store.RotateRefresh(ctx, r)
}

// PutLoginState makes the cached lockout ends unknown when it writes a
// lock, as in a transaction (txWatch).
func (c cachingStore) PutLoginState(ctx context.Context, st LoginState) error {
	if !st.LockedUntil.IsZero() {
		defer c.cache.lockWritten()
	}
	return c.Store.PutLoginState(ctx, st)
}

func (c cachingStore) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	defer c.invalidate()
	return c.Store.RevokeSession(ctx, id, reason, at)
}

func (c cachingStore) RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error) {
	defer c.invalidate()
	return c.Store.RevokeUserSessions(ctx, userID, exceptID, reason, at)
}
