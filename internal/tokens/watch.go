package tokens

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
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

// Rotate adds a new signing key of alg to the store. Every ring following
// the store signs alg with it from its next reload; older keys keep
// verifying the tokens they signed. It is also how the first key of an
// algorithm other than EdDSA is made.
func Rotate(ctx context.Context, store core.KeyStore, alg string, now time.Time) (core.SigningKey, error) {
	k, err := Generate(alg, now)
	if err != nil {
		return core.SigningKey{}, err
	}
	return k, store.InsertSigningKey(ctx, k)
}

// InUse returns the algorithms the store holds an unretired key of,
// EdDSA first (even before its first key exists: every ring signs with
// it), the rest in alphabetical order: what a rotation of every key in use
// rotates.
func InUse(ctx context.Context, store core.KeyStore) ([]string, error) {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("tokens: load keys: %w", err)
	}
	algs := []string{Algorithm}
	for _, k := range keys {
		if k.RetiredAt.IsZero() && !slices.Contains(algs, k.Algorithm) {
			algs = append(algs, k.Algorithm)
		}
	}
	slices.Sort(algs[1:])
	return algs, nil
}
