package hashing

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
)

// verifyStored checks password against s. argon2id hashes go through the
// Hasher's deriver (possibly another process); the legacy schemes run
// here.
func (h *Hasher) verifyStored(ctx context.Context, s stored, password string) (bool, error) {
	a, ok := s.(*argonHash)
	if !ok || a.variant != SchemeArgon2id {
		return s.verify(password)
	}
	got, err := h.argonKey(ctx, password, a.salt, a.params, len(a.key))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, a.key) == 1, nil
}

// argonKey derives an argon2id key of n bytes with the deriver. When ctx
// has ended, the hasher is closing or the deriver's worker was lost (or
// is being restarted after crashes) the error is the pool's unavailable
// error, so core tells the client to retry instead of reporting an
// internal error.
func (h *Hasher) argonKey(ctx context.Context, password string, salt []byte, p argonParams, n int) ([]byte, error) {
	key, err := h.deriver.DeriveKey(ctx, []byte(password), salt, p.deriveParams(n))
	if err != nil {
		var backoff *backoffError
		switch cerr := ctx.Err(); {
		case cerr != nil:
			return nil, interrupted(cerr)
		case errors.Is(err, ErrClosed), errors.Is(err, errWorkerLost):
			// The server is stopping, or the worker died under this
			// hash: nothing is wrong with the password or the hash.
			return nil, interrupted(err)
		case errors.As(err, &backoff):
			e := busyError()
			e.RetryAfter, e.Cause = max(e.RetryAfter, backoff.wait), err
			return nil, e
		}
		return nil, fmt.Errorf("hashing: argon2id: %w", err)
	}
	if len(key) != n {
		return nil, errors.New("hashing: argon2id: deriver returned a key of the wrong length")
	}
	return key, nil
}
