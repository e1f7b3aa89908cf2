package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func testSessionRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	full := session("s1", "u1")
	full.AMR, full.AAL = []string{"pwd", "otp", "mfa"}, 2
	full.ImpersonatorID = "root1"
	full.Client = "anonymous-client"
	full.UserAgent = `curl/8.0 "quoted" 'x' 😀`
	insertSession(t, s, full)
	// AAL is stored exactly as given, so a session built without one
	// reads back without one (core always sets 1 or 2).
	bare := core.Session{ID: "s2", UserID: "u1", CollectionID: core.UsersID, Created: at(0), Expires: at(time.Hour)}
	insertSession(t, s, bare)
	oneFactor := session("s4", "u1")
	insertSession(t, s, oneFactor)

	for _, want := range []core.Session{full, bare, oneFactor} {
		got, err := s.SessionByID(ctx, want.ID)
		wantOK(t, "SessionByID", err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SessionByID(%s) (-want +got):\n%s", want.ID, diff)
		}
	}
	_, err := s.SessionByID(ctx, "nope")
	wantErr(t, "SessionByID of a missing id", err, core.ErrNotFound)

	// SessionWithUser reads the same session plus its user.
	u1, err := s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	for _, want := range []core.Session{full, bare} {
		gotS, gotU, err := s.SessionWithUser(ctx, want.ID)
		wantOK(t, "SessionWithUser", err)
		if diff := cmp.Diff(want, gotS); diff != "" {
			t.Errorf("SessionWithUser(%s) session (-want +got):\n%s", want.ID, diff)
		}
		if diff := cmp.Diff(u1, gotU); diff != "" {
			t.Errorf("SessionWithUser(%s) user (-want +got):\n%s", want.ID, diff)
		}
	}
	_, _, err = s.SessionWithUser(ctx, "nope")
	wantErr(t, "SessionWithUser of a missing id", err, core.ErrNotFound)
	wantErr(t, "InsertSession with a taken id", s.InsertSession(ctx, session("s1", "u1")), core.ErrConflict)
	wantErr(t, "InsertSession for a missing user", s.InsertSession(ctx, session("s3", "ghost")), core.ErrNotFound)
}

func testTouchSession(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	want := session("s1", "u1")
	insertSession(t, s, want)
	insertSession(t, s, session("s2", "u1"))

	want.LastUsed, want.Expires = at(2*time.Hour), at(50*time.Hour)
	wantOK(t, "TouchSession", s.TouchSession(ctx, "s1", want.LastUsed, want.Expires))
	got, err := s.SessionByID(ctx, "s1")
	wantOK(t, "SessionByID", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after TouchSession (-want +got):\n%s", diff)
	}
	other, err := s.SessionByID(ctx, "s2")
	wantOK(t, "SessionByID", err)
	if diff := cmp.Diff(session("s2", "u1"), other); diff != "" {
		t.Errorf("TouchSession changed another session (-want +got):\n%s", diff)
	}
	wantErr(t, "TouchSession of a missing id", s.TouchSession(ctx, "nope", at(0), at(time.Hour)), core.ErrNotFound)
}

func testRevokeUserSessions(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	now := at(30 * time.Minute)

	current, active1, active2 := session("current", "u1"), session("active1", "u1"), session("active2", "u1")
	revoked := session("revoked", "u1")
	revoked.RevokedAt, revoked.RevokedReason = at(time.Minute), "logout"
	expired := session("expired", "u1")
	expired.Expires = at(10 * time.Minute)
	others := session("others", "u2")
	for _, sess := range []core.Session{current, active1, active2, revoked, expired, others} {
		insertSession(t, s, sess)
	}

	// "Sign out everywhere else": the caller's own session survives.
	n, err := s.RevokeUserSessions(ctx, "u1", "current", core.RevokedPasswordChanged, now)
	wantOK(t, "RevokeUserSessions", err)
	if n != 2 {
		t.Errorf("RevokeUserSessions except current revoked %d, want 2", n)
	}
	active1.RevokedAt, active1.RevokedReason = now, core.RevokedPasswordChanged
	active2.RevokedAt, active2.RevokedReason = now, core.RevokedPasswordChanged
	// Already revoked and already expired sessions keep their state, and
	// other users' sessions are untouched.
	wantSessions(t, s, current, active1, active2, revoked, expired, others)

	// An exception naming another user's session spares nothing of u1's.
	later := now.Add(time.Second)
	n, err = s.RevokeUserSessions(ctx, "u1", "others", core.RevokedPasswordReset, later)
	if err != nil || n != 1 {
		t.Errorf("RevokeUserSessions except another user's session = %d, %v, want 1", n, err)
	}
	current.RevokedAt, current.RevokedReason = later, core.RevokedPasswordReset
	wantSessions(t, s, current, active1, active2, revoked, expired, others)

	n, err = s.RevokeUserSessions(ctx, "u1", "", core.RevokedPasswordReset, later.Add(time.Second))
	if err != nil || n != 0 {
		t.Errorf("RevokeUserSessions with none left = %d, %v, want 0", n, err)
	}
	n, err = s.RevokeUserSessions(ctx, "ghost", "", core.RevokedPasswordReset, now)
	if err != nil || n != 0 {
		t.Errorf("RevokeUserSessions(ghost) = %d, %v, want 0", n, err)
	}
	n, err = s.RevokeUserSessions(ctx, "u2", "", core.RevokedEmailChanged, now)
	if err != nil || n != 1 {
		t.Errorf("RevokeUserSessions(u2) without exception = %d, %v, want 1", n, err)
	}
}

// wantSessions fails unless every session is stored exactly as given.
func wantSessions(t *testing.T, s core.Store, want ...core.Session) {
	t.Helper()
	for _, w := range want {
		got, err := s.SessionByID(t.Context(), w.ID)
		if err != nil {
			t.Errorf("SessionByID(%s) = %v", w.ID, err)
			continue
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("session %s (-want +got):\n%s", w.ID, diff)
		}
	}
}
