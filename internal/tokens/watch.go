package tokens

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// unknownKidReloadEvery bounds how often a token with an unknown kid may
// make the ring reload: a flood of forged kids costs one database read
// per second, not one per request.
const unknownKidReloadEvery = time.Second

// reloader lets a ring follow keys rotated by other nodes.
type reloader struct {
	mu     sync.Mutex
	source core.KeyStore
	last   time.Time
}

// SetSource lets a token naming a key the ring does not hold make it
// reload from source (at most once a second): another node may have just
// rotated that key in.
func (kr *Keyring) SetSource(source core.KeyStore) {
	kr.reload.mu.Lock()
	kr.reload.source = source
	kr.reload.mu.Unlock()
}

// Follow makes the ring reload from source every interval until ctx ends,
// so a key rotated on any node is used and published (JWKS) by this one
// too. It also calls SetSource. Errors are logged and the current keys
// kept.
func (kr *Keyring) Follow(ctx context.Context, source core.KeyStore, interval time.Duration, log *slog.Logger) {
	kr.SetSource(source)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := kr.Reload(ctx, source); err != nil && ctx.Err() == nil && log != nil {
				log.Warn("signing keys: reload failed; keeping the current keys", "err", err)
			}
		}
	}
}

// reloadForUnknownKid reloads the ring once if a source is set and no
// reload was tried within the last second; it reports whether it reloaded.
func (kr *Keyring) reloadForUnknownKid() bool {
	kr.reload.mu.Lock()
	defer kr.reload.mu.Unlock()
	if kr.reload.source == nil || time.Since(kr.reload.last) < unknownKidReloadEvery {
		return false
	}
	kr.reload.last = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return kr.Reload(ctx, kr.reload.source) == nil
}

// Rotate adds a new signing key to the store. Every ring following the
// store signs with it from its next reload; older keys keep verifying the
// tokens they signed.
func Rotate(ctx context.Context, store core.KeyStore, now time.Time) (core.SigningKey, error) {
	k, err := Generate(now)
	if err != nil {
		return core.SigningKey{}, err
	}
	return k, store.InsertSigningKey(ctx, k)
}
