package core

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A read that started before a write ended must not be cached: it may
// hold the state the write just changed.
func TestAuthCacheDropsReadsRacingWrites(t *testing.T) {
	c := newAuthCache(time.Minute)
	_, _, ok, gen := c.get("s1")
	if ok {
		t.Fatal("empty cache hit")
	}
	c.invalidate() // a write ends while the read is in flight
	c.put(gen, time.Now(), Session{ID: "s1"}, User{ID: "u1"})
	if _, _, ok, _ := c.get("s1"); ok {
		t.Fatal("a read that raced a write was cached")
	}
	_, _, _, gen = c.get("s1")
	c.put(gen, time.Now(), Session{ID: "s1"}, User{ID: "u1"})
	if _, u, ok, _ := c.get("s1"); !ok || u.ID != "u1" {
		t.Fatal("a clean read was not cached")
	}
	// Entries expire after the TTL.
	c.put(gen, time.Now().Add(-2*time.Minute), Session{ID: "s2"}, User{ID: "u2"})
	if _, _, ok, _ := c.get("s2"); ok {
		t.Fatal("an entry older than the TTL was served")
	}
}

// forget (a session's touch) drops that session's entry only, and, like
// invalidate, any read of it that was in flight.
func TestAuthCacheForgetDropsOneSession(t *testing.T) {
	c := newAuthCache(time.Minute)
	_, _, _, gen := c.get("s1")
	c.put(gen, time.Now(), Session{ID: "s1"}, User{ID: "u1"})
	c.put(gen, time.Now(), Session{ID: "s2"}, User{ID: "u2"})
	_, _, _, inflight := c.get("s3")
	c.forget("s1")
	if _, _, ok, _ := c.get("s1"); ok {
		t.Error("the touched session is still cached")
	}
	if _, u, ok, _ := c.get("s2"); !ok || u.ID != "u2" {
		t.Error("another session's entry was dropped by a touch")
	}
	c.put(inflight, time.Now(), Session{ID: "s3"}, User{ID: "u3"})
	if _, _, ok, _ := c.get("s3"); ok {
		t.Error("a read that raced a touch was cached")
	}
}

// Profiles make entries large: the cache holds at most maxAuthBytes of
// them (starting over past it), and keeps its count of bytes right as
// entries are replaced and forgotten.
func TestAuthCacheBoundsBytes(t *testing.T) {
	c := newAuthCache(time.Minute)
	big := map[string]any{"s": strings.Repeat("x", 60<<10)}
	_, _, _, gen := c.get("s0")
	n := maxAuthBytes/(60<<10) + 10
	for i := range n {
		c.put(gen, time.Now(), Session{ID: fmt.Sprint("s", i)}, User{ID: "u", Profile: big})
		if c.size > maxAuthBytes {
			t.Fatalf("after %d puts the cache holds %d bytes, past %d", i+1, c.size, maxAuthBytes)
		}
	}
	if len(c.entries) >= n {
		t.Errorf("%d entries of %d kept: the byte bound did not apply", len(c.entries), n)
	}
	sum := func() int {
		total := 0
		for _, e := range c.entries {
			total += e.size
		}
		return total
	}
	last := fmt.Sprint("s", n-1)
	c.put(gen, time.Now(), Session{ID: last}, User{ID: "u"}) // replaced by a small entry
	if c.size != sum() {
		t.Errorf("size %d after a replacement, entries hold %d", c.size, sum())
	}
	c.forget(last)
	if c.size != sum() {
		t.Errorf("size %d after forget, entries hold %d", c.size, sum())
	}
	c.invalidate()
	if c.size != 0 || len(c.entries) != 0 {
		t.Errorf("after invalidate: %d entries, %d bytes", len(c.entries), c.size)
	}
}

// An entry lives exactly the TTL on the clock reading the caller passes
// (Authenticate hands its own, when the service runs on the real clock).
func TestAuthCacheTTLAt(t *testing.T) {
	c := newAuthCache(250 * time.Millisecond)
	at := time.Now()
	_, _, _, gen := c.getAt("s1", at)
	c.put(gen, at, Session{ID: "s1"}, User{ID: "u1"})
	if _, _, ok, _ := c.getAt("s1", at.Add(249*time.Millisecond)); !ok {
		t.Error("an entry younger than the TTL was not served")
	}
	if _, _, ok, _ := c.getAt("s1", at.Add(250*time.Millisecond)); ok {
		t.Error("an entry as old as the TTL was served")
	}
}

// A service on the real clock hands Authenticate's reading to the cache;
// one on a test clock does not (the cache always runs on real time).
func TestRealClockFlag(t *testing.T) {
	h := &busyHasher{}
	cols, err := NewCollections(DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	real, err := New(Settings{}, Deps{Store: nopStore{}, Hasher: h, Signer: nopSigner{}, Collections: cols})
	if err != nil {
		t.Fatal(err)
	}
	fake, err := New(Settings{}, Deps{Store: nopStore{}, Hasher: h, Signer: nopSigner{}, Collections: cols,
		Now: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if !real.realClock || fake.realClock {
		t.Errorf("realClock: %v with time.Now, %v with a test clock", real.realClock, fake.realClock)
	}
}

// A refresh's read caches the lockout end with the session and user; a
// lock written on this node makes every cached lockout end unknown
// (the session checks stay), and a read that raced that write keeps its
// session and user but not its lockout end.
func TestAuthCacheLockoutEnds(t *testing.T) {
	c := newAuthCache(time.Minute)
	until := time.Now().Add(time.Hour)
	c.putUse(c.snap(), time.Now(), Session{ID: "s1"}, User{ID: "u1"}, until)
	if _, u, got, ok := c.getUse("s1", time.Now(), true); !ok || u.ID != "u1" || !got.Equal(until) {
		t.Fatalf("getUse = %v, %v, %v; want the cached read with its lockout end", u.ID, got, ok)
	}
	inflight := c.snap()
	c.lockWritten()
	if _, _, _, ok := c.getUse("s1", time.Now(), true); ok {
		t.Error("a lockout end cached before a lock was written is still served")
	}
	if _, u, _, ok := c.getUse("s1", time.Now(), false); !ok || u.ID != "u1" {
		t.Error("a lock write dropped the session check itself")
	}
	c.putUse(inflight, time.Now(), Session{ID: "s2"}, User{ID: "u2"}, time.Time{})
	if _, _, _, ok := c.getUse("s2", time.Now(), true); ok {
		t.Error("a read that raced a lock write kept its lockout end")
	}
	if _, _, _, ok := c.getUse("s2", time.Now(), false); !ok {
		t.Error("a read that raced only a lock write lost its session check")
	}
	// An access check's read (put) knows no lockout end; a write drops
	// a refresh's read in flight; entries expire after the TTL.
	_, _, _, gen := c.get("s3")
	c.put(gen, time.Now(), Session{ID: "s3"}, User{ID: "u3"})
	if _, _, _, ok := c.getUse("s3", time.Now(), true); ok {
		t.Error("an entry without a lockout end was served as knowing one")
	}
	racing := c.snap()
	c.forget("s9")
	c.putUse(racing, time.Now(), Session{ID: "s4"}, User{ID: "u4"}, time.Time{})
	if _, _, _, ok := c.getUse("s4", time.Now(), false); ok {
		t.Error("a refresh's read that raced a write was cached")
	}
	c.putUse(c.snap(), time.Now().Add(-2*time.Minute), Session{ID: "s5"}, User{ID: "u5"}, time.Time{})
	if _, _, _, ok := c.getUse("s5", time.Now(), false); ok {
		t.Error("an entry older than the TTL was served")
	}
}

// The memo of issued tokens hands each entry out once and stays bounded.
func TestIssuedTokensTakeOnceAndBound(t *testing.T) {
	m := newIssuedTokens()
	var h [32]byte
	h[0] = 1
	m.put(h[:], issuedToken{id: "r1", sessionID: "s1"})
	m.put([]byte("short"), issuedToken{id: "bad"})
	if e, ok := m.take(h); !ok || e.id != "r1" {
		t.Fatalf("take = %+v, %v", e, ok)
	}
	if _, ok := m.take(h); ok {
		t.Fatal("an issued token was handed out twice")
	}
	for i := range maxIssuedTokens + 10 {
		var k [32]byte
		k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
		m.put(k[:], issuedToken{id: "x"})
	}
	if len(m.m) > maxIssuedTokens {
		t.Fatalf("memo holds %d entries, bound %d", len(m.m), maxIssuedTokens)
	}
}
