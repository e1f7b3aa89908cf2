package postgres

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The relay round trip: a client is stored, read back, updated, sent
// messages, drained oldest first, and deleted with its queue.
func TestRealtimeRelay(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	base := time.UnixMilli(1_700_000_000_000).UTC()

	if _, err := db.RealtimeClient(ctx, "c1"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("missing client: err = %v, want ErrNotFound", err)
	}
	c := core.RealtimeClient{ID: "c1", IP: "10.0.0.1", Expires: base.Add(time.Hour)}
	if err := db.PutRealtimeClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.RealtimeClient(ctx, "c1")
	if err != nil || got.IP != "10.0.0.1" || got.Subscriptions == nil || len(got.Subscriptions) != 0 ||
		!got.Expires.Equal(c.Expires) {
		t.Fatalf("RealtimeClient = %+v, %v", got, err)
	}
	c.Subscriptions = []string{"@oauth2", "users/*", "@oauth2"}
	if err := db.PutRealtimeClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.RealtimeClient(ctx, "c1"); !slices.Equal(got.Subscriptions, c.Subscriptions) {
		t.Fatalf("subscriptions = %q, want %q", got.Subscriptions, c.Subscriptions)
	}

	err = db.SendRealtime(ctx, core.RealtimeMessage{ID: "m0", ClientID: "nobody", Event: "e", Created: base})
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("send to missing client: err = %v, want ErrNotFound", err)
	}
	// Sent out of order: taking sorts by Created then ID.
	for _, m := range []core.RealtimeMessage{
		{ID: "m3", ClientID: "c1", Event: "e", Data: []byte(`{"n":3}`), Created: base.Add(2 * time.Millisecond)},
		{ID: "m2", ClientID: "c1", Event: "e", Created: base.Add(time.Millisecond)},
		{ID: "m1", ClientID: "c1", Event: "e", Data: []byte(`{"n":1}`), Created: base.Add(time.Millisecond)},
	} {
		if err := db.SendRealtime(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := db.TakeRealtime(ctx, []string{"c1", "other", "bad\x00id"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []string{"m1", "m2", "m3"}) || string(msgs[0].Data) != `{"n":1}` || msgs[1].Data != nil {
		t.Fatalf("TakeRealtime = %+v", msgs)
	}
	if again, err := db.TakeRealtime(ctx, []string{"c1"}); err != nil || len(again) != 0 {
		t.Fatalf("second take = %v, %v; want nothing", again, err)
	}

	// Deleting a client removes its queue; deleting twice is no error.
	if err := db.SendRealtime(ctx, core.RealtimeMessage{ID: "m4", ClientID: "c1", Event: "e", Created: base}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.DeleteRealtimeClient(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
	}
	if msgs, _ := db.TakeRealtime(ctx, []string{"c1"}); len(msgs) != 0 {
		t.Fatalf("messages outlived their client: %+v", msgs)
	}
}

// Expired clients are pruned with their messages; live ones stay.
func TestPruneRealtime(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	now := time.UnixMilli(1_700_000_000_000).UTC()
	for i, exp := range []time.Duration{-time.Minute, -time.Second, time.Minute} {
		id := fmt.Sprintf("c%d", i)
		if err := db.PutRealtimeClient(ctx, core.RealtimeClient{ID: id, Expires: now.Add(exp)}); err != nil {
			t.Fatal(err)
		}
		if err := db.SendRealtime(ctx, core.RealtimeMessage{ID: "m" + id, ClientID: id, Event: "e", Created: now}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneRealtime(ctx, now)
	if err != nil || n != 2 {
		t.Fatalf("PruneRealtime = %d, %v; want 2", n, err)
	}
	if _, err := db.RealtimeClient(ctx, "c2"); err != nil {
		t.Fatalf("live client pruned: %v", err)
	}
	msgs, _ := db.TakeRealtime(ctx, []string{"c0", "c1", "c2"})
	if len(msgs) != 1 || msgs[0].ClientID != "c2" {
		t.Fatalf("after prune, queued = %+v; want only c2's", msgs)
	}
}

// Two nodes take one client's queue at once: each message goes to exactly
// one of them.
func TestTakeRealtimeAcrossNodes(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	nodes := []*DB{openDSN(t, dsn, Options{}), openDSN(t, dsn, Options{})}
	if err := nodes[0].Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	base := time.UnixMilli(1_700_000_000_000).UTC()
	if err := nodes[0].PutRealtimeClient(ctx, core.RealtimeClient{ID: "c", Expires: base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const total = 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for w := range 4 {
		db := nodes[w%2]
		wg.Go(func() {
			for i := w; i < total; i += 4 {
				m := core.RealtimeMessage{ID: fmt.Sprintf("m%03d", i), ClientID: "c", Event: "e", Created: base}
				if err := db.SendRealtime(ctx, m); err != nil {
					t.Errorf("send: %v", err)
					return
				}
				msgs, err := db.TakeRealtime(ctx, []string{"c"})
				if err != nil {
					t.Errorf("take: %v", err)
					return
				}
				mu.Lock()
				for _, m := range msgs {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	rest, err := nodes[1].TakeRealtime(ctx, []string{"c"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rest {
		seen[m.ID]++
	}
	if len(seen) != total {
		t.Errorf("took %d distinct messages, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s taken %d times", id, n)
		}
	}
}

// Text PostgreSQL cannot hold is refused on write and matches nothing on
// read, never a server error.
func TestRealtimeUnstorableText(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	exp := time.Now().Add(time.Hour)
	if err := db.PutRealtimeClient(ctx, core.RealtimeClient{ID: "a\x00b", Expires: exp}); err == nil {
		t.Error("NUL in client id accepted")
	}
	if err := db.PutRealtimeClient(ctx, core.RealtimeClient{ID: "ok", Subscriptions: []string{"\xff"}, Expires: exp}); err == nil {
		t.Error("invalid UTF-8 subscription accepted")
	}
	if _, err := db.RealtimeClient(ctx, "a\x00b"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("lookup of unstorable id: err = %v, want ErrNotFound", err)
	}
	err := db.SendRealtime(ctx, core.RealtimeMessage{ID: "m", ClientID: "\xff", Event: "e", Created: exp})
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("send to unstorable id: err = %v, want ErrNotFound", err)
	}
}
