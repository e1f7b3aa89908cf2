package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// ListUserSessions orders by last use, newest first. A session never used
// (zero LastUsed) counts as used when it was created, so the order never
// depends on where a database sorts NULLs. Ties go to the newer session,
// then to the smaller id.
func testListUserSessions(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	now := at(30 * time.Minute)

	mk := func(id string, created, lastUsed time.Duration) core.Session {
		sess := session(id, "u1")
		sess.Created, sess.LastUsed = at(created), at(lastUsed)
		return sess
	}
	a := mk("a", 0, 5*time.Minute)
	b := mk("b", time.Minute, 5*time.Minute)
	c := mk("c", 2*time.Minute, 10*time.Minute)
	d := mk("d", 3*time.Minute, 0)
	d.LastUsed = time.Time{}
	e := mk("e", 0, time.Minute)
	f := mk("f", 0, time.Minute)
	f.AMR, f.ImpersonatorID = []string{"impersonate"}, "root1"
	c.AMR, c.AAL = []string{"pwd", "otp"}, 2
	revoked := mk("revoked", 0, 20*time.Minute)
	revoked.RevokedAt, revoked.RevokedReason = at(21*time.Minute), "logout"
	expired := mk("expired", 0, 20*time.Minute)
	expired.Expires = at(29 * time.Minute)
	expiresNow := mk("expires-now", 0, 20*time.Minute)
	expiresNow.Expires = now
	others := session("others", "u2")
	others.LastUsed = at(25 * time.Minute)
	for _, sess := range []core.Session{f, e, d, c, b, a, revoked, expired, expiresNow, others} {
		insertSession(t, s, sess)
	}

	got, err := s.ListUserSessions(ctx, "u1", now)
	wantOK(t, "ListUserSessions", err)
	if diff := cmp.Diff([]core.Session{c, b, a, d, e, f}, got); diff != "" {
		t.Errorf("ListUserSessions (-want +got):\n%s", diff)
	}
	wantSpans(t, s, "u1", now, []core.Session{c, b, a, d, e, f})
	// Touching a session moves it by its new last use and expiry: later,
	// it is the only one left.
	wantOK(t, "TouchSession", s.TouchSession(ctx, "e", at(40*time.Minute), at(2*time.Hour)))
	got, err = s.ListUserSessions(ctx, "u1", at(90*time.Minute))
	wantOK(t, "ListUserSessions later", err)
	e.LastUsed, e.Expires = at(40*time.Minute), at(2*time.Hour)
	if diff := cmp.Diff([]core.Session{e}, got); diff != "" {
		t.Errorf("ListUserSessions after the others expired (-want +got):\n%s", diff)
	}
	wantSpans(t, s, "u1", at(90*time.Minute), []core.Session{e})

	got, err = s.ListUserSessions(ctx, "ghost", now)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ListUserSessions(ghost) = %#v, %v, want an empty list", got, err)
	}
	spans, err := s.ListUserSessionSpans(ctx, "ghost", now)
	if err != nil || spans == nil || len(spans) != 0 {
		t.Errorf("ListUserSessionSpans(ghost) = %#v, %v, want an empty list", spans, err)
	}
}

// wantSpans checks ListUserSessionSpans against the sessions
// ListUserSessions is expected to return: the same ones, in the same
// order, with their ids and lifetimes.
func wantSpans(t *testing.T, s core.Store, userID string, now time.Time, want []core.Session) {
	t.Helper()
	got, err := s.ListUserSessionSpans(t.Context(), userID, now)
	wantOK(t, "ListUserSessionSpans", err)
	spans := []core.SessionSpan{}
	for _, sess := range want {
		spans = append(spans, core.SessionSpan{ID: sess.ID, Created: sess.Created, Expires: sess.Expires})
	}
	if diff := cmp.Diff(spans, got); diff != "" {
		t.Errorf("ListUserSessionSpans (-want +got):\n%s", diff)
	}
}

func testRevokeSession(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	now := at(30 * time.Minute)
	target, other := session("target", "u1"), session("other", "u1")
	expired := session("expired", "u1")
	expired.Expires = at(10 * time.Minute)
	boundary := session("boundary", "u1")
	boundary.Expires = now
	for _, sess := range []core.Session{target, other, expired, boundary} {
		insertSession(t, s, sess)
	}

	wantOK(t, "RevokeSession", s.RevokeSession(ctx, "target", "logout", now))
	target.RevokedAt, target.RevokedReason = now, "logout"
	// A revoked session keeps its first revocation; expired ones (Expires
	// not after `at`) and missing ones are not active.
	wantErr(t, "RevokeSession again", s.RevokeSession(ctx, "target", "admin", now.Add(time.Second)), core.ErrNotFound)
	wantErr(t, "RevokeSession of an expired session", s.RevokeSession(ctx, "expired", "admin", now), core.ErrNotFound)
	wantErr(t, "RevokeSession expiring at `at`", s.RevokeSession(ctx, "boundary", "admin", now), core.ErrNotFound)
	wantErr(t, "RevokeSession of a missing id", s.RevokeSession(ctx, "nope", "admin", now), core.ErrNotFound)
	wantSessions(t, s, target, other, expired, boundary)
}

func testRevokeSessionConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertSession(t, s, session("s1", "u1"))
	errs := race(20, func(i int) error {
		return s.RevokeSession(t.Context(), "s1", "logout", at(time.Duration(i+1)*time.Second))
	})
	winner := onlyOneWins(t, "RevokeSession", errs, core.ErrNotFound)
	if winner < 0 {
		return
	}
	got, err := s.SessionByID(t.Context(), "s1")
	wantOK(t, "SessionByID", err)
	if want := at(time.Duration(winner+1) * time.Second); !got.RevokedAt.Equal(want) {
		t.Errorf("RevokedAt = %v, want the winner's %v", got.RevokedAt, want)
	}
}

func testPruneSessions(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	before := at(30 * time.Minute)

	expiredOld := session("expired-old", "u1")
	expiredOld.Expires = at(10 * time.Minute)
	revokedOld := session("revoked-old", "u1")
	revokedOld.RevokedAt, revokedOld.RevokedReason = at(5*time.Minute), "logout"
	active := session("active", "u1")
	revokedRecent := session("revoked-recent", "u1")
	revokedRecent.RevokedAt, revokedRecent.RevokedReason = before, "logout"
	boundary := session("boundary", "u1")
	boundary.Expires = before
	for _, sess := range []core.Session{expiredOld, revokedOld, active, revokedRecent, boundary} {
		insertSession(t, s, sess)
		insertRefresh(t, s, refreshToken("rt-"+sess.ID, sess.ID))
	}

	n, err := s.PruneSessions(ctx, before)
	if err != nil || n != 2 {
		t.Errorf("PruneSessions = %d, %v, want 2", n, err)
	}
	for _, id := range []string{"expired-old", "revoked-old"} {
		_, err := s.SessionByID(ctx, id)
		wantErr(t, "pruned session "+id, err, core.ErrNotFound)
		_, err = s.RefreshTokenByHash(ctx, refreshToken("rt-"+id, id).Hash)
		wantErr(t, "refresh token of pruned session "+id, err, core.ErrNotFound)
	}
	// Expiring or revoked exactly at `before` is not before it.
	wantSessions(t, s, active, revokedRecent, boundary)
	for _, id := range []string{"active", "revoked-recent", "boundary"} {
		if _, err := s.RefreshTokenByHash(ctx, refreshToken("rt-"+id, id).Hash); err != nil {
			t.Errorf("refresh token of kept session %s: %v", id, err)
		}
	}
	if n, err := s.PruneSessions(ctx, before); err != nil || n != 0 {
		t.Errorf("second PruneSessions = %d, %v, want 0", n, err)
	}
}

// onlyOneWins checks that exactly one of errs is nil and every other wraps
// loser. It returns the winner's index, or -1.
func onlyOneWins(t *testing.T, what string, errs []error, loser error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("%s: calls %d and %d both succeeded", what, winner, i)
			return -1
		case err == nil:
			winner = i
		case !errors.Is(err, loser):
			t.Errorf("%s #%d = %v, want nil or one wrapping %v", what, i, err, loser)
		}
	}
	if winner < 0 {
		t.Errorf("%s: none of %d concurrent calls succeeded, want exactly 1", what, len(errs))
	}
	return winner
}
