package hashing

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Params are the inputs of one argon2id derivation besides the password
// and the salt.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	KeyLen      uint32
}

// Check reports parameters beyond the limits stored hashes and our
// configuration must respect, so a deriver in another process can refuse
// what this package would never send.
func (p Params) Check() error {
	if p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen {
		return fmt.Errorf("argon2 key length must be between %d and %d", minKeyLen, maxKeyLen)
	}
	return argonParams{memory: p.Memory, time: p.Iterations, threads: p.Parallelism}.check()
}

// A Deriver computes argon2id keys for the Hasher: for new hashes, for
// verifying stored argon2id hashes and for VerifyDummy. The legacy
// schemes (argon2i, bcrypt, scrypt, PBKDF2) always run in-process.
// Implementations must be safe for concurrent use; the Hasher calls
// DeriveKey from at most Workers goroutines at once and Close once, when
// its workers have stopped or have run past the Hasher's close grace
// (calls still running must then fail promptly).
type Deriver interface {
	// DeriveKey returns argon2.IDKey(password, salt, ...) for p. When
	// ctx has ended it should not start; when ctx ends during the
	// derivation it may finish it (the Hasher's caller does not wait)
	// but then returns ctx's error.
	DeriveKey(ctx context.Context, password, salt []byte, p Params) ([]byte, error)
	// Close releases what the deriver holds (processes, for one).
	Close() error
}

// InProcess derives keys on the calling goroutine. It is the default
// Deriver.
type InProcess struct{}

// DeriveKey implements Deriver. A ctx that has ended before the
// derivation skips it; one that ends during it does not stop it: x/crypto
// cannot stop a derivation halfway.
func (InProcess) DeriveKey(ctx context.Context, password, salt []byte, p Params) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return DeriveKey(password, salt, p)
}

// Close implements Deriver; there is nothing to release.
func (InProcess) Close() error { return nil }

// DeriveKey checks p and runs argon2id in this process.
func DeriveKey(password, salt []byte, p Params) ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if len(salt) < minArgonSalt || len(salt) > maxSaltLen {
		return nil, errors.New("argon2 salt length out of range")
	}
	return argon2.IDKey(password, salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen), nil
}

// deriveParams are p's Params for a key of keyLen bytes.
func (p argonParams) deriveParams(keyLen int) Params {
	return Params{Memory: p.memory, Iterations: p.time, Parallelism: p.threads, KeyLen: uint32(keyLen)}
}
