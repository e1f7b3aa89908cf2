package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestRotationBatchDeadline checks the rotation batch's own deadline
// check: a batch past its deadline writes nothing and reports a store
// timeout, and one within it writes each rotation, a lost one included.
func TestRotationBatchDeadline(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	u := core.User{ID: "u1", CollectionID: core.UsersID, Email: "u1@x", Created: now, Updated: now}
	if err := db.InsertUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	s := core.Session{ID: "s1", UserID: u.ID, CollectionID: core.UsersID, Created: now, Expires: now.Add(time.Hour)}
	if err := db.InsertSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	rt := benchToken(s.ID, "", now)
	if err := db.InsertRefreshToken(ctx, rt); err != nil {
		t.Fatal(err)
	}
	newRotation := func() *rotation {
		child := benchToken(s.ID, rt.ID, now)
		return &rotation{r: core.RefreshRotation{TokenID: rt.ID, At: now, Child: child,
			Sealed: []byte("sealed"), SessionExpires: child.Expires}}
	}
	// ctx as rotator.write passes it: no Done channel.
	bctx := context.WithoutCancel(ctx)

	late := []*rotation{newRotation()}
	err = writeTx(bctx, db.writer, db.writeStmts, db.b, func(e execer) error {
		e.deadline = time.Now().Add(-time.Millisecond)
		return writeBatch(bctx, e, late)
	})
	if !errors.Is(err, core.ErrStoreTimeout) {
		t.Fatalf("batch past its deadline: got %v, want core.ErrStoreTimeout", err)
	}
	use, err := db.RefreshTokenUse(ctx, rt.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if !use.Token.RotatedAt.IsZero() {
		t.Fatalf("batch past its deadline rotated the token at %v", use.Token.RotatedAt)
	}

	won, lost := newRotation(), newRotation()
	err = writeTx(bctx, db.writer, db.writeStmts, db.b, func(e execer) error {
		return writeBatch(bctx, e, []*rotation{won, lost})
	})
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	if won.err != nil || !errors.Is(lost.err, core.ErrConflict) {
		t.Fatalf("batch outcomes: first %v, second %v; want nil and core.ErrConflict", won.err, lost.err)
	}
	use, err = db.RefreshTokenUse(ctx, rt.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if use.Token.SuccessorID != won.r.Child.ID {
		t.Fatalf("successor %q, want %q", use.Token.SuccessorID, won.r.Child.ID)
	}
	if _, err := db.RefreshTokenUse(ctx, won.r.Child.Hash); err != nil {
		t.Fatalf("successor not stored: %v", err)
	}
	if _, err := db.RefreshTokenUse(ctx, lost.r.Child.Hash); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("lost rotation's successor: got %v, want core.ErrNotFound", err)
	}
}
