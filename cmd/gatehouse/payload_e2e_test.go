package main

import (
	"fmt"
	"sync"
	"testing"
)

// TestPayloadFirstRegisterRace: of first-registers racing on an empty
// collection exactly one wins, on whichever store the tests run on
// (SQLite's immediate transactions, PostgreSQL's serializable ones).
func TestPayloadFirstRegisterRace(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n", serverOpts{})
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ts.do(t, "POST", pl+"/first-register", map[string]any{
				"email": fmt.Sprintf("race-%d@example.com", i), "password": goldenPass,
			})
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 200:
			won++
		case 403:
		default:
			t.Errorf("first-register answered %d", s)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d racing first-registers won (%v), want exactly 1", won, n, statuses)
	}
	if got := ts.do(t, "GET", pl+"/init", nil).want(t, 200).Raw; got != `{"initialized":true}`+"\n" {
		t.Errorf("init = %s", got)
	}
}
