package core

import (
	"context"
	"time"
)

// cachingStore is the Store core uses when the session cache is on: it
// empties the cache after every write that can end a session or change a
// user (see authCache). Invalidating after the write, not before, is what
// matters: a read that started before the write finished is then dropped
// too (its generation is stale).
type cachingStore struct {
	Store
	cache *authCache
}

func (c cachingStore) InTx(ctx context.Context, fn func(q Queries) error) error {
	defer c.cache.invalidate()
	return c.Store.InTx(ctx, fn)
}

func (c cachingStore) UpdateUser(ctx context.Context, u User) error {
	defer c.cache.invalidate()
	return c.Store.UpdateUser(ctx, u)
}

func (c cachingStore) DeleteUser(ctx context.Context, collectionID, id string) error {
	defer c.cache.invalidate()
	return c.Store.DeleteUser(ctx, collectionID, id)
}

// TouchSession moves an expiry that the cached entry would otherwise
// report short (refreshes would then touch again and again). It changes
// nothing else, and nothing of any other session, so only that entry
// goes: emptying the whole cache on every touch made each busy session's
// refresh, once a minute, cost every other session a database read.
func (c cachingStore) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	defer c.cache.forget(id)
	return c.Store.TouchSession(ctx, id, lastUsed, expires)
}

func (c cachingStore) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	defer c.cache.invalidate()
	return c.Store.RevokeSession(ctx, id, reason, at)
}

func (c cachingStore) RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error) {
	defer c.cache.invalidate()
	return c.Store.RevokeUserSessions(ctx, userID, exceptID, reason, at)
}
