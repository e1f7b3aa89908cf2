package core_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// RFC 7636's S256: the challenge is the verifier's SHA-256, base64url
// without padding, and the verifier is 43 to 128 characters.
func TestNewPKCE(t *testing.T) {
	t.Parallel()
	v, c := core.NewPKCE()
	sum := sha256.Sum256([]byte(v))
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); c != want {
		t.Errorf("challenge %q, want %q for verifier %q", c, want, v)
	}
	if len(v) < 43 || len(v) > 128 {
		t.Errorf("verifier of %d characters, want 43-128", len(v))
	}
	if v2, _ := core.NewPKCE(); v2 == v {
		t.Error("two verifiers are equal")
	}
}
