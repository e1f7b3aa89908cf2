package postgres

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Eight claimers on two nodes (two pools on one database) drain the
// outbox: every message is claimed, and none twice.
func TestClaimMailAcrossNodes(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	nodes := []*DB{openDSN(t, dsn, Options{}), openDSN(t, dsn, Options{})}
	if err := nodes[0].Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	const total, claimers = 200, 8
	base := time.UnixMilli(1_700_000_000_000).UTC()
	for i := range total {
		m := core.OutboxMessage{ID: fmt.Sprintf("m%03d", i), To: "a@example.com", Subject: "s",
			Created: base.Add(time.Duration(i%7) * time.Millisecond), NextAttempt: base}
		if err := nodes[i%2].EnqueueMail(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for c := range claimers {
		db := nodes[c%2]
		wg.Go(func() {
			for range total { // bounded: a store handing out leased mail fails, not hangs
				msgs, err := db.ClaimMail(t.Context(), core.NewID(), base.Add(time.Minute), time.Hour, 5)
				if err != nil {
					t.Errorf("ClaimMail = %v", err)
					return
				}
				if len(msgs) == 0 {
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
	if len(seen) != total {
		t.Errorf("claimed %d distinct messages, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s claimed %d times", id, n)
		}
	}
	if n, err := nodes[1].PendingMail(t.Context()); err != nil || n != total {
		t.Errorf("PendingMail = %d, %v, want %d (claimed is not sent)", n, err, total)
	}
}
