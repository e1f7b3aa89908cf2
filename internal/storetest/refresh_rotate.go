package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// rotation builds the rotation of token parent (of session sessionID)
// at `when` to a successor named child.
func rotation(parent, child, sessionID string, when time.Duration) core.RefreshRotation {
	c := refreshToken(child, sessionID)
	c.ParentID, c.Created, c.Expires = parent, at(when), at(when+24*time.Hour)
	return core.RefreshRotation{TokenID: parent, At: at(when), Child: c,
		Sealed: []byte("sealed\x00" + child), SessionExpires: at(when + 2*time.Hour)}
}

// wantSession fails unless session id reads back as want.
func wantSession(t *testing.T, s core.Store, want core.Session) {
	t.Helper()
	got, err := s.SessionByID(t.Context(), want.ID)
	if err != nil {
		t.Errorf("SessionByID(%s) = %v", want.ID, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("session %s (-want +got):\n%s", want.ID, diff)
	}
}

// wantNoRefresh fails unless no token has rt's hash.
func wantNoRefresh(t *testing.T, s core.Store, what string, rt core.RefreshToken) {
	t.Helper()
	_, err := s.RefreshTokenByHash(t.Context(), rt.Hash)
	wantErr(t, what, err, core.ErrNotFound)
}

func testRotateRefresh(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	sess := session("s1", "u1")
	insertSession(t, s, sess)
	parent := refreshToken("r1", "s1")
	insertRefresh(t, s, parent)

	r := rotation("r1", "r2", "s1", 2*time.Minute)
	wantOK(t, "RotateRefresh", s.RotateRefresh(ctx, r))
	parent.RotatedAt, parent.SuccessorID, parent.SuccessorSealed = r.At, "r2", r.Sealed
	wantRefresh(t, s, parent)
	wantRefresh(t, s, r.Child)
	sess.LastUsed, sess.Expires = r.At, r.SessionExpires
	wantSession(t, s, sess)

	// A second rotation of the same token loses and writes nothing.
	again := rotation("r1", "r3", "s1", 3*time.Minute)
	wantErr(t, "RotateRefresh of a rotated token", s.RotateRefresh(ctx, again), core.ErrConflict)
	wantRefresh(t, s, parent)
	wantNoRefresh(t, s, "successor of a lost rotation", again.Child)
	wantSession(t, s, sess)

	// The session's expiry never moves back.
	next := rotation("r2", "r4", "s1", 4*time.Minute)
	next.SessionExpires = at(90 * time.Minute)
	wantOK(t, "RotateRefresh with an earlier session expiry", s.RotateRefresh(ctx, next))
	sess.LastUsed = next.At
	wantSession(t, s, sess)

	// With no session expiry the session row is left as it is.
	keep := rotation("r4", "r10", "s1", 5*time.Minute)
	keep.SessionExpires = time.Time{}
	wantOK(t, "RotateRefresh that keeps the session", s.RotateRefresh(ctx, keep))
	wantSession(t, s, sess)
	wantRefresh(t, s, keep.Child)
	wantErr(t, "RotateRefresh of a token rotated without touching", s.RotateRefresh(ctx, keep), core.ErrConflict)

	short := refreshToken("e1", "s1")
	short.Expires = at(30 * time.Minute)
	insertRefresh(t, s, short)
	for name, r := range map[string]core.RefreshRotation{
		"of a missing token":              rotation("nope", "r5", "s1", 5*time.Minute),
		"naming another session":          rotation("r10", "r6", "s2", 5*time.Minute),
		"of a token expired at the time":  rotation("e1", "r7", "s1", 40*time.Minute),
		"when the session has expired":    rotation("r10", "r8", "s1", 3*time.Hour),
		"of a token of a missing session": rotation("r10", "r9", "ghost", 5*time.Minute),
	} {
		wantErr(t, "RotateRefresh "+name, s.RotateRefresh(ctx, r), core.ErrConflict)
		wantNoRefresh(t, s, "successor of RotateRefresh "+name, r.Child)
	}

	// A revoked session's token does not rotate.
	insertSession(t, s, session("s2", "u1"))
	insertRefresh(t, s, refreshToken("t1", "s2"))
	wantOK(t, "RevokeSession", s.RevokeSession(ctx, "s2", "logout", at(time.Minute)))
	revoked := rotation("t1", "t2", "s2", 2*time.Minute)
	wantErr(t, "RotateRefresh in a revoked session", s.RotateRefresh(ctx, revoked), core.ErrConflict)
	wantRefresh(t, s, refreshToken("t1", "s2"))
	wantNoRefresh(t, s, "successor in a revoked session", revoked.Child)

	// Inside a transaction it is part of it: a rollback undoes it.
	insertSession(t, s, session("s3", "u1"))
	insertRefresh(t, s, refreshToken("q1", "s3"))
	undone := errors.New("undone")
	err := s.InTx(ctx, func(q core.Queries) error {
		if err := q.RotateRefresh(ctx, rotation("q1", "q2", "s3", time.Minute)); err != nil {
			return err
		}
		return undone
	})
	if !errors.Is(err, undone) {
		t.Fatalf("InTx = %v, want its own error", err)
	}
	wantRefresh(t, s, refreshToken("q1", "s3"))
	wantSession(t, s, session("s3", "u1"))

	if err := s.RotateRefresh(ctx, core.RefreshRotation{TokenID: "q1", Child: refreshToken("q3", "s3")}); err == nil {
		t.Error("RotateRefresh without a time succeeded")
	}
	noHash := rotation("q1", "q4", "s3", time.Minute)
	noHash.Child.Hash = nil
	if err := s.RotateRefresh(ctx, noHash); err == nil {
		t.Error("RotateRefresh of a successor without a hash succeeded")
	}
}

// Racing rotations of one token: exactly one wins and only its successor
// is stored. Several chains rotate at once beside it, each with its own
// outcome (on a store that writes rotations together, they share
// transactions).
func testRotateRefreshConcurrently(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	const chains, racers = 6, 5
	for c := range chains {
		insertSession(t, s, session(fmt.Sprintf("s%d", c), "u1"))
		insertRefresh(t, s, refreshToken(fmt.Sprintf("c%d", c), fmt.Sprintf("s%d", c)))
	}
	rot := func(i int) core.RefreshRotation {
		c := i % chains
		return rotation(fmt.Sprintf("c%d", c), fmt.Sprintf("c%d-succ%d", c, i/chains),
			fmt.Sprintf("s%d", c), time.Duration(i+1)*time.Second)
	}
	errs := race(chains*racers, func(i int) error { return s.RotateRefresh(ctx, rot(i)) })
	for c := range chains {
		var chainErrs []error
		for i := c; i < len(errs); i += chains {
			chainErrs = append(chainErrs, errs[i])
		}
		winner := onlyOneWins(t, fmt.Sprintf("rotations of chain %d", c), chainErrs, core.ErrConflict)
		if winner < 0 {
			continue
		}
		for k := range racers {
			r := rot(c + k*chains)
			if k == winner {
				wantRefresh(t, s, r.Child)
				continue
			}
			wantNoRefresh(t, s, fmt.Sprintf("successor of losing rotation %d of chain %d", k, c), r.Child)
		}
	}
}

func testRefreshTokenUse(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "a@example.com")
	insertUser(t, s, u)
	sess := session("s1", "u1")
	insertSession(t, s, sess)
	rt := refreshToken("r1", "s1")
	rt.ParentID, rt.RotatedAt, rt.SuccessorID, rt.SuccessorSealed = "r0", at(time.Minute), "r2", []byte{0, 0xff}
	insertRefresh(t, s, rt)

	want := core.RefreshUse{Token: rt, Session: sess, User: u}
	got, err := s.RefreshTokenUse(ctx, rt.Hash)
	wantOK(t, "RefreshTokenUse", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RefreshTokenUse (-want +got):\n%s", diff)
	}
	wantOK(t, "PutLoginState", s.PutLoginState(ctx, core.LoginState{UserID: "u1", Failures: 5,
		FirstFailure: at(time.Minute), LockedUntil: at(time.Hour)}))
	want.LockedUntil = at(time.Hour)
	got, err = s.RefreshTokenUse(ctx, rt.Hash)
	wantOK(t, "RefreshTokenUse of a locked user", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RefreshTokenUse of a locked user (-want +got):\n%s", diff)
	}
	for what, hash := range map[string][]byte{"an unknown hash": []byte("sha256\x00\xff:nope"), "an empty hash": nil} {
		_, err := s.RefreshTokenUse(ctx, hash)
		wantErr(t, "RefreshTokenUse of "+what, err, core.ErrNotFound)
	}
}
