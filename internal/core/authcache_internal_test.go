package core

import (
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
