package hashing

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/argon2"
)

// cheap are argon2id parameters that keep tests fast.
// cheap is the test hasher's config: the cheapest argon2id, and a queue
// wait long enough that a loaded CI machine (-race, every package at
// once) never turns a correctness test into a "busy" answer; the tests
// of the queue set their own.
var cheap = Config{Memory: 64, Iterations: 1, Parallelism: 1, QueueWait: time.Minute}

func newTestHasher(t testing.TB, cfg Config, hook func(run func())) *Hasher {
	t.Helper()
	h, err := newHasher(cfg, hook)
	if err != nil {
		t.Fatalf("newHasher(%+v): %v", cfg, err)
	}
	t.Cleanup(h.Close)
	return h
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	got, err := withDefaults(Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Memory: 19456, Iterations: 2, Parallelism: 1,
		Workers: DefaultWorkers(), QueueWait: 2 * time.Second, QueueSize: 64 * DefaultWorkers(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withDefaults(Config{}) mismatch (-want +got):\n%s", diff)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
	}{
		{"negative-workers", Config{Workers: -1}},
		{"negative-queue", Config{QueueSize: -1}},
		{"negative-wait", Config{QueueWait: -time.Second}},
		{"memory-below-lanes", Config{Memory: 16, Parallelism: 4}},
		{"memory-too-big", Config{Memory: 2 << 20}},
		{"too-many-iterations", Config{Memory: 64, Iterations: 33}},
		{"too-much-work", Config{Memory: 1 << 20, Iterations: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := New(tt.cfg)
			if err == nil {
				h.Close()
				t.Fatalf("New(%+v) succeeded, want error", tt.cfg)
			}
		})
	}
}

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

func TestHashRoundTrip(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	m := phcRE.FindStringSubmatch(enc)
	if m == nil {
		t.Fatalf("Hash() = %q, want a PHC argon2id string with the configured parameters", enc)
	}
	// Recompute independently of the parser: the PHC fields must be the
	// salt and the argon2id key of the password.
	salt, _ := base64.RawStdEncoding.DecodeString(m[1])
	key, _ := base64.RawStdEncoding.DecodeString(m[2])
	if want := argon2.IDKey([]byte("correct horse"), salt, 1, 64, 1, 32); string(want) != string(key) {
		t.Errorf("Hash() key does not match argon2.IDKey of the password and salt")
	}

	ok, rehash, err := h.Verify(ctx, enc, "correct horse")
	if !ok || rehash || err != nil {
		t.Errorf("Verify(own hash, right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, rehash, err = h.Verify(ctx, enc, "correct horsf")
	if ok || rehash || err != nil {
		t.Errorf("Verify(own hash, wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}

	again, err := h.Hash(ctx, "correct horse")
	if err != nil || again == enc {
		t.Errorf("second Hash() = %q, %v; want a different salt", again, err)
	}
}

func TestRehashWhenParamsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := newTestHasher(t, cheap, nil)
	enc, err := old.Hash(ctx, "pw")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"memory", Config{Memory: 128, Iterations: 1, Parallelism: 1}},
		{"iterations", Config{Memory: 64, Iterations: 2, Parallelism: 1}},
		{"parallelism", Config{Memory: 64, Iterations: 1, Parallelism: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newTestHasher(t, tt.cfg, nil)
			ok, rehash, err := h.Verify(ctx, enc, "pw")
			if !ok || !rehash || err != nil {
				t.Errorf("Verify(hash with old params) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	if err := h.VerifyDummy(context.Background(), "anything"); err != nil {
		t.Errorf("VerifyDummy() = %v, want nil", err)
	}
	if !h.dummy.current(h.params) {
		t.Errorf("dummy hash %s does not use the configured parameters", h.dummy)
	}
	if ok, _ := h.dummy.verify("anything"); ok {
		t.Errorf("dummy hash matched a caller's password")
	}
	// Random bytes, not a hash made at start: a well-formed hash of the
	// usual sizes, and another Hasher's is another.
	if s, err := parse(h.dummy.String()); err != nil || !s.current(h.params) {
		t.Errorf("dummy hash %s does not parse as a current hash: %v", h.dummy, err)
	}
	if len(h.dummy.salt) != argonSaltLen || len(h.dummy.key) != argonKeyLen {
		t.Errorf("dummy salt %d bytes, key %d bytes", len(h.dummy.salt), len(h.dummy.key))
	}
	if other := newTestHasher(t, cheap, nil); bytes.Equal(other.dummy.key, h.dummy.key) || bytes.Equal(other.dummy.salt, h.dummy.salt) {
		t.Errorf("two hashers share a dummy hash")
	}
}

func TestErrorsAreNotCoreErrors(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	_, _, err := h.Verify(context.Background(), "$argon2id$garbage", "pw")
	var ce *core.Error
	if err == nil || errors.As(err, &ce) {
		t.Errorf("Verify(malformed) error = %v, want a plain (internal) error", err)
	}
	if !strings.HasPrefix(err.Error(), "hashing: ") {
		t.Errorf("error %q does not name the package", err)
	}
}
