package tokens

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestRotationAcrossNodes: two rings ("nodes") share one store. A key
// rotated through one is used by it, accepted at once by the other (an
// unknown kid makes it reload), and published by both.
func TestRotationAcrossNodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &fakeKeyStore{}
	a, err := LoadOrCreate(ctx, store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreate(ctx, store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.SetSource(store)
	go b.Follow(ctx, store, 50*time.Millisecond, nil)

	newKey, err := Rotate(ctx, store, EdDSA, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(ctx, store); err != nil {
		t.Fatal(err)
	}
	tok, err := a.Sign(map[string]any{"id": "x"})
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	seg, _ := decodeSegment(tok[:indexByte(tok, '.')])
	json.Unmarshal(seg, &h)
	if h.Kid != newKey.ID {
		t.Fatalf("node A signs with %s, want the rotated %s", h.Kid, newKey.ID)
	}
	if _, err := b.Verify(tok); err != nil {
		t.Fatalf("node B refused a token of the rotated key: %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && len(b.KeyIDs()) < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	if ids := b.KeyIDs(); len(ids) != 2 || ids[0] != newKey.ID {
		t.Errorf("node B publishes %v, want the new key first and the old one", ids)
	}
}

// TestUnknownKidReloadIsBounded: forged kids cannot make a ring hit the
// store more than once a second.
func TestUnknownKidReloadIsBounded(t *testing.T) {
	ctx := context.Background()
	store := &fakeKeyStore{}
	kr, err := LoadOrCreate(ctx, store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kr.SetSource(store)
	if !kr.reloadForUnknownKid() {
		t.Fatal("first unknown kid did not reload")
	}
	if kr.reloadForUnknownKid() {
		t.Error("a second unknown kid within a second reloaded again")
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return len(s)
}
