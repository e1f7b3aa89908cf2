package hashing

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Limits on argon2 parameters, for our configuration and for stored
// hashes alike. Real deployments sit far below them (Directus/node-argon2
// default to 64 MiB and 3 passes); the combined memory x passes cap keeps
// one hostile imported hash under a few seconds of work.
const (
	maxArgonMemory = 1 << 20 // KiB, 1 GiB
	maxArgonTime   = 32
	maxArgonWork   = 1 << 22 // KiB x passes, e.g. 1 GiB x 4 or 64 MiB x 64
	minArgonSalt   = 8       // RFC 9106 minimum
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// argonParams are the cost parameters of an argon2 hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

func (p argonParams) check() error {
	switch {
	case p.time < 1 || p.time > maxArgonTime:
		return fmt.Errorf("argon2 iterations must be between 1 and %d", maxArgonTime)
	case p.threads < 1:
		return errors.New("argon2 parallelism must be at least 1")
	case p.memory < 8*uint32(p.threads) || p.memory > maxArgonMemory:
		return fmt.Errorf("argon2 memory must be between 8 KiB per lane and %d KiB", maxArgonMemory)
	case uint64(p.memory)*uint64(p.time) > maxArgonWork:
		return fmt.Errorf("argon2 memory x iterations must not exceed %d KiB", maxArgonWork)
	}
	return nil
}

// argonHash is a parsed or freshly made argon2 PHC hash.
type argonHash struct {
	variant string // SchemeArgon2id or SchemeArgon2i
	params  argonParams
	salt    []byte
	key     []byte
}

// String returns the PHC string, in the shape node-argon2 writes it.
func (h *argonHash) String() string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", h.variant, argon2.Version,
		h.params.memory, h.params.time, h.params.threads, encodeB64(h.salt), encodeB64(h.key))
}

func (h *argonHash) verify(password string) (bool, error) {
	n := uint32(len(h.key))
	var got []byte
	if h.variant == SchemeArgon2id {
		got = argon2.IDKey([]byte(password), h.salt, h.params.time, h.params.memory, h.params.threads, n)
	} else {
		got = argon2.Key([]byte(password), h.salt, h.params.time, h.params.memory, h.params.threads, n)
	}
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

func (h *argonHash) current(p argonParams) bool {
	return h.variant == SchemeArgon2id && h.params == p && len(h.key) == argonKeyLen
}

func (h *argonHash) scheme() string { return h.variant }

// parseArgon reads "$argon2id$v=19$m=..,t=..,p=..$salt$hash". Only version
// 19 (0x13) is accepted: it is the only one x/crypto computes, and every
// producer has written it since 2016.
func parseArgon(encoded string) (*argonHash, error) {
	f, ok := fields(encoded, 5)
	if !ok {
		return nil, malformed("argon2 hash needs version, parameters, salt and hash")
	}
	if f[1] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, malformed("unsupported argon2 version")
	}
	v, ok := params(f[2], "m", "t", "p")
	if !ok || v[0] > maxArgonMemory || v[1] > maxArgonTime || v[2] > 255 {
		return nil, malformed("bad argon2 parameters")
	}
	p := argonParams{memory: uint32(v[0]), time: uint32(v[1]), threads: uint8(v[2])}
	if err := p.check(); err != nil {
		return nil, malformed("%v", err)
	}
	salt, ok := b64(f[3], minArgonSalt, maxSaltLen)
	if !ok {
		return nil, malformed("bad argon2 salt")
	}
	key, ok := b64(f[4], minKeyLen, maxKeyLen)
	if !ok {
		return nil, malformed("bad argon2 hash")
	}
	return &argonHash{variant: f[0], params: p, salt: salt, key: key}, nil
}
