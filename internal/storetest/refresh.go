package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// refreshToken builds an unrotated token of a session. Its hash is
// derived from id and holds 0x00 and 0xff bytes.
func refreshToken(id, sessionID string) core.RefreshToken {
	return core.RefreshToken{
		ID:        id,
		SessionID: sessionID,
		Hash:      []byte("sha256\x00\xff:" + id),
		Created:   at(0),
		Expires:   at(24 * time.Hour),
	}
}

func insertRefresh(t *testing.T, s core.Store, rt core.RefreshToken) {
	t.Helper()
	if err := s.InsertRefreshToken(t.Context(), rt); err != nil {
		t.Fatalf("InsertRefreshToken(%s) = %v", rt.ID, err)
	}
}

// wantRefresh fails unless the token found by its hash is exactly want.
func wantRefresh(t *testing.T, s core.Store, want core.RefreshToken) {
	t.Helper()
	got, err := s.RefreshTokenByHash(t.Context(), want.Hash)
	if err != nil {
		t.Errorf("RefreshTokenByHash(%s) = %v", want.ID, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refresh token %s (-want +got):\n%s", want.ID, diff)
	}
}

func testRefreshTokenRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertSession(t, s, session("s1", "u1"))

	root := refreshToken("r1", "s1")
	// Every field set, as a rotated link in the middle of a chain.
	full := refreshToken("r2", "s1")
	full.ParentID, full.RotatedAt, full.SuccessorID = "r1", at(time.Minute), "r3"
	full.SuccessorSealed = []byte{0x00, 0xff, 'n', 0x00}
	insertRefresh(t, s, root)
	insertRefresh(t, s, full)
	wantRefresh(t, s, root)
	wantRefresh(t, s, full)

	_, err := s.RefreshTokenByHash(ctx, []byte("sha256\x00\xff:nope"))
	wantErr(t, "RefreshTokenByHash of an unknown hash", err, core.ErrNotFound)
	_, err = s.RefreshTokenByHash(ctx, nil)
	wantErr(t, "RefreshTokenByHash(nil)", err, core.ErrNotFound)
	// A prefix of a stored hash is another hash.
	_, err = s.RefreshTokenByHash(ctx, root.Hash[:len(root.Hash)-1])
	wantErr(t, "RefreshTokenByHash of a prefix", err, core.ErrNotFound)

	dupHash := refreshToken("r9", "s1")
	dupHash.Hash = root.Hash
	wantErr(t, "InsertRefreshToken with a taken hash", s.InsertRefreshToken(ctx, dupHash), core.ErrConflict)
	dupID := refreshToken("r1", "s1")
	dupID.Hash = []byte("other")
	wantErr(t, "InsertRefreshToken with a taken id", s.InsertRefreshToken(ctx, dupID), core.ErrConflict)
	wantErr(t, "InsertRefreshToken for a missing session",
		s.InsertRefreshToken(ctx, refreshToken("r8", "ghost")), core.ErrNotFound)
	wantRefresh(t, s, root)
}

func testRotateRefreshToken(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertSession(t, s, session("s1", "u1"))
	first, other := refreshToken("r1", "s1"), refreshToken("other", "s1")
	insertRefresh(t, s, first)
	insertRefresh(t, s, other)

	sealed := []byte("sealed\x00\xffsuccessor")
	wantOK(t, "RotateRefreshToken", s.RotateRefreshToken(ctx, "r1", at(time.Minute), "r2", sealed))
	first.RotatedAt, first.SuccessorID, first.SuccessorSealed = at(time.Minute), "r2", sealed
	wantRefresh(t, s, first)

	// The first rotation stands; later ones, and ones of missing tokens,
	// conflict.
	wantErr(t, "RotateRefreshToken again",
		s.RotateRefreshToken(ctx, "r1", at(2*time.Minute), "r3", []byte("x")), core.ErrConflict)
	wantErr(t, "RotateRefreshToken of a missing id",
		s.RotateRefreshToken(ctx, "nope", at(time.Minute), "r4", []byte("x")), core.ErrConflict)
	wantRefresh(t, s, first)
	wantRefresh(t, s, other)

	// Without a sealed successor the token still counts as rotated.
	wantOK(t, "RotateRefreshToken without sealed", s.RotateRefreshToken(ctx, "other", at(3*time.Minute), "r5", nil))
	other.RotatedAt, other.SuccessorID = at(3*time.Minute), "r5"
	wantRefresh(t, s, other)
}

// Each rotation runs as core runs it: read the token, rotate it and store
// its successor in one transaction. Exactly one wins, and only its
// successor is stored.
func testRotateRefreshTokenConcurrently(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertSession(t, s, session("s1", "u1"))
	parent := refreshToken("r0", "s1")
	insertRefresh(t, s, parent)

	const n = 20
	succ := func(i int) core.RefreshToken {
		rt := refreshToken(fmt.Sprintf("succ%d", i), "s1")
		rt.ParentID = "r0"
		return rt
	}
	sealed := func(i int) []byte { return fmt.Appendf(nil, "sealed %d", i) }
	errs := race(n, func(i int) error {
		return s.InTx(ctx, func(q core.Queries) error {
			rt, err := q.RefreshTokenByHash(ctx, parent.Hash)
			if err != nil {
				return err
			}
			if err := q.RotateRefreshToken(ctx, rt.ID, at(time.Duration(i+1)*time.Second), succ(i).ID, sealed(i)); err != nil {
				return err
			}
			return q.InsertRefreshToken(ctx, succ(i))
		})
	})
	winner := onlyOneWins(t, "rotation in InTx", errs, core.ErrConflict)
	if winner < 0 {
		return
	}
	parent.RotatedAt, parent.SuccessorID, parent.SuccessorSealed = at(time.Duration(winner+1)*time.Second), succ(winner).ID, sealed(winner)
	wantRefresh(t, s, parent)
	for i := range n {
		if i == winner {
			wantRefresh(t, s, succ(i))
			continue
		}
		_, err := s.RefreshTokenByHash(ctx, succ(i).Hash)
		wantErr(t, fmt.Sprintf("successor of losing rotation %d", i), err, core.ErrNotFound)
	}
}

func testRefreshTokenCascade(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertSession(t, s, session("s1", "u1"))
	insertSession(t, s, session("s2", "u1"))
	insertSession(t, s, session("s3", "u2"))
	for _, rt := range []core.RefreshToken{refreshToken("r1", "s1"), refreshToken("r2", "s2"), refreshToken("r3", "s3")} {
		insertRefresh(t, s, rt)
	}

	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))
	for _, id := range []string{"r1", "r2"} {
		_, err := s.RefreshTokenByHash(ctx, refreshToken(id, "").Hash)
		wantErr(t, "refresh token "+id+" of a deleted user", err, core.ErrNotFound)
	}
	wantRefresh(t, s, refreshToken("r3", "s3"))
	// The deleted sessions take no new tokens either.
	wantErr(t, "InsertRefreshToken for a deleted session",
		s.InsertRefreshToken(ctx, refreshToken("r4", "s1")), core.ErrNotFound)
}
