package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestStmtPoolReusesAndStaysBounded(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := db.readStmts
	if a, b := p.stmt(ctx, "SELECT 1"), p.stmt(ctx, "SELECT 1"); a == nil || a != b {
		t.Fatalf("same query text prepared twice (%p, %p)", a, b)
	}
	// Varying text (like list filters) fills the cache up to its bound
	// and then runs unprepared, still correctly.
	for i := range maxCachedStmts + 20 {
		var got int
		if err := p.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&got); err != nil || got != i {
			t.Fatalf("SELECT %d = %d, %v", i, got, err)
		}
	}
	if n := len(p.stmts); n != maxCachedStmts {
		t.Errorf("cache holds %d statements, want the bound %d", n, maxCachedStmts)
	}
	// A query that cannot be prepared reports its error through the
	// normal path.
	if _, err := p.ExecContext(ctx, "NOT SQL"); err == nil {
		t.Error("bad SQL ran without error")
	}
}
