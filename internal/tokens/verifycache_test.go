package tokens

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestVerifyCache(t *testing.T) {
	k, err := Generate(EdDSA, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kr, err := NewKeyring([]core.SigningKey{k})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := kr.Sign(map[string]any{"id": "a"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := kr.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	// The second check is served from the cache, and a caller changing
	// what it got cannot poison it.
	first["id"] = "mallory"
	second, err := kr.Verify(tok)
	if err != nil || second["id"] != "a" {
		t.Fatalf("cached Verify = %v, %v; want id a", second, err)
	}
	if _, ok := kr.state.Load().verified.get(tok); !ok {
		t.Error("a verified token is not cached")
	}
	// Only verified tokens are cached: a forged one never is.
	// Change one whole signature character (not the last, whose low bits
	// are padding) to another, so the signature bytes always differ.
	i := len(tok) - 10
	ch := byte('A')
	if tok[i] == 'A' {
		ch = 'B'
	}
	forged := tok[:i] + string(ch) + tok[i+1:]
	if _, err := kr.Verify(forged); err == nil {
		t.Fatal("forged token verified")
	}
	if _, ok := kr.state.Load().verified.get(forged); ok {
		t.Error("a rejected token was cached")
	}
	// The cache stays bounded.
	c := &verifiedCache{}
	for i := range maxVerified + 10 {
		c.put(string(rune(i)), map[string]any{})
	}
	if n := len(c.m); n > maxVerified {
		t.Errorf("cache holds %d entries, more than %d", n, maxVerified)
	}
}
