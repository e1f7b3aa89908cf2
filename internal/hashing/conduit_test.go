package hashing

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestConduitBcryptVectors verifies hashes bcryptjs made as Conduit's
// authentication module does (10 rounds, $2a$ from older releases, $2b$
// from bcryptjs 3; testdata/conduit_bcrypt.gen.js), stored as Conduit
// keeps them, and asks for an argon2id rehash after a right password.
func TestConduitBcryptVectors(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/conduit_bcrypt.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []struct{ Name, Password, Hash string }
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Vectors) < 3 {
		t.Fatalf("fixture: %v, %d vectors", err, len(f.Vectors))
	}
	h := newTestHasher(t, cheap, nil)
	ctx := context.Background()
	for _, v := range f.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			if !strings.HasPrefix(v.Hash, "$2a$10$") && !strings.HasPrefix(v.Hash, "$2b$10$") {
				t.Fatalf("fixture hash %q is not Conduit's bcrypt 10", v.Hash)
			}
			if got, err := Scheme(v.Hash); got != SchemeBcrypt || err != nil {
				t.Errorf("Scheme() = %q, %v; want %q, nil", got, err, SchemeBcrypt)
			}
			ok, rehash, err := h.Verify(ctx, v.Hash, v.Password)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify(right password) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			for _, wrong := range []string{v.Password[:len(v.Password)-1], v.Password + "x", strings.ToUpper(v.Password), ""} {
				// bcrypt reads 72 bytes, in bcryptjs as here: past them a
				// longer password is the same one.
				want := wrong == v.Password || len(v.Password) >= 72 && strings.HasPrefix(wrong, v.Password)
				if ok, _, err := h.Verify(ctx, v.Hash, wrong); ok != want || err != nil {
					t.Errorf("Verify(%q) = %v, %v; want %v, nil", wrong, ok, err, want)
				}
			}
		})
	}
}
