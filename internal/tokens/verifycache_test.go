package tokens

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func newTestRing(t *testing.T) (*Keyring, core.SigningKey) {
	t.Helper()
	k, err := Generate(EdDSA, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kr, err := NewKeyring([]core.SigningKey{k})
	if err != nil {
		t.Fatal(err)
	}
	return kr, k
}

func TestVerifyCache(t *testing.T) {
	kr, _ := newTestRing(t)
	tok, err := kr.Sign(map[string]any{"id": "a", "type": "auth", "exp": 10})
	if err != nil {
		t.Fatal(err)
	}
	first, err := kr.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := kr.state.Load().verified.get(tok); !ok {
		t.Error("a verified token is not cached")
	}
	// The second check is served from the cache, and a caller changing
	// what it got cannot poison it.
	first["id"] = "mallory"
	second, err := kr.Verify(tok)
	if err != nil || second["id"] != "a" {
		t.Fatalf("cached Verify = %v, %v; want id a", second, err)
	}
	view, err := kr.VerifyAccess(tok)
	if err != nil || view.UserID != "a" || view.Type != "auth" || view.Exp != 10 {
		t.Fatalf("cached VerifyAccess = %+v, %v; want id a", view, err)
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
	if _, err := kr.VerifyAccess(forged); err == nil {
		t.Fatal("forged token verified by VerifyAccess")
	}
	if _, ok := kr.state.Load().verified.get(forged); ok {
		t.Error("a rejected token was cached")
	}
	// The cache stays bounded.
	c := &verifiedCache{}
	for i := range maxVerified + 10 {
		c.put(string(rune(i)), core.AccessView{})
	}
	if n := len(c.m); n > maxVerified {
		t.Errorf("cache holds %d entries, more than %d", n, maxVerified)
	}
}

// TestVerifyAccessView: VerifyAccess returns exactly core.AccessViewOf of
// the claims Verify returns, whatever shapes the claims take, on the
// first check and from the cache.
func TestVerifyAccessView(t *testing.T) {
	kr, k := newTestRing(t)
	hdr := `{"alg":"EdDSA","kid":"` + k.ID + `","typ":"JWT"}`
	for _, payload := range []string{
		`{"type":"auth","id":"u","collectionId":"c","sid":"s","exp":1e10,"refreshable":true}`,
		`{"type":"auth","id":"u","collectionId":"c","sid":"s","exp":"soon","refreshable":"yes"}`,
		`{"type":1,"id":2,"collectionId":null,"sid":["s"],"exp":12.5,"nbf":3}`,
		`{"type":"auth","exp":99,"nbf":"later"}`,
		`{"type":"auth","exp":99,"nbf":null}`,
		`{"type":"auth","type":"other","exp":99}`,
		`{}`,
	} {
		tok := forge(k, hdr, payload)
		for round := range 2 { // verified, then cached
			claims, err := kr.Verify(tok)
			if err != nil {
				t.Fatalf("%s: %v", payload, err)
			}
			view, err := kr.VerifyAccess(tok)
			if err != nil {
				t.Fatalf("%s: %v", payload, err)
			}
			if d := cmp.Diff(core.AccessViewOf(claims), view); d != "" {
				t.Errorf("%s (round %d): view differs from the claims' (-want +got):\n%s", payload, round, d)
			}
		}
		kr.state.Load().verified.m = nil // VerifyAccess first, then Verify
		view, err := kr.VerifyAccess(tok)
		if err != nil {
			t.Fatal(err)
		}
		claims, err := kr.Verify(tok)
		if err != nil || !cmp.Equal(core.AccessViewOf(claims), view) {
			t.Errorf("%s: VerifyAccess first gave %+v, Verify %v (%v)", payload, view, claims, err)
		}
	}
}

// TestSignAccessCachesView: a token SignAccess signed is known to the
// cache at once, with the very view a verification of it would give;
// reloading the keys (a rotation) forgets it like every other.
func TestSignAccessCachesView(t *testing.T) {
	kr, k := newTestRing(t)
	for _, c := range []core.AccessClaims{
		{UserID: "u1", CollectionID: "c1", SessionID: "s1", IssuedAt: 1, Expires: 1 << 40, Refreshable: true},
		{UserID: "u\"<2>", CollectionID: "c2", SessionID: "s2", Issuer: "https://x", IssuedAt: 5, Expires: 1<<53 + 1,
			Extra: []core.Claim{{Name: "role", Value: "owner"}, {Name: "acc", Value: map[string]any{"nbf": 1}}}},
	} {
		tok, err := kr.SignAccess(c)
		if err != nil {
			t.Fatal(err)
		}
		cached, ok := kr.state.Load().verified.get(tok)
		if !ok {
			t.Fatalf("%+v: signed token not cached", c)
		}
		fresh := &Keyring{}
		r, err := newRing([]core.SigningKey{k})
		if err != nil {
			t.Fatal(err)
		}
		fresh.state.Store(r)
		view, err := fresh.VerifyAccess(tok) // a full verification
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(view, cached); d != "" {
			t.Errorf("%+v: cached view differs from a verification's (-verified +cached):\n%s", c, d)
		}
	}
	tok, err := kr.SignAccess(core.AccessClaims{UserID: "u", CollectionID: "c", SessionID: "s", Expires: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	// A new snapshot without the key (it was removed from the store):
	// the token signed with it no longer verifies, cache or not.
	other, err := Generate(EdDSA, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRing([]core.SigningKey{other})
	if err != nil {
		t.Fatal(err)
	}
	kr.state.Store(r)
	if _, err := kr.VerifyAccess(tok); err == nil {
		t.Error("a token of a key no longer held verified from the cache")
	}
}

// BenchmarkVerifyAccessCached is the token check of every authenticated
// request once its token is known: one map lookup.
func BenchmarkVerifyAccessCached(b *testing.B) {
	k, err := Generate(EdDSA, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	kr, err := NewKeyring([]core.SigningKey{k})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := kr.SignAccess(core.AccessClaims{UserID: "u", CollectionID: "c", SessionID: "s", Expires: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.VerifyAccess(tok); err != nil {
			b.Fatal(err)
		}
	}
}
