package sqlite

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// A database created before 00002 keeps its rows through the upgrades
// (sessions from before 00003 read as one-factor, AAL 1), and the later
// migrations roll back and reapply cleanly.
func TestMigrateFromInit(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatalf("UpTo(1) = %v", err)
	}
	// The store's statements target the newest schema, so the old rows
	// are written as version 1 knew them.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO users (id, collection_id, email, created, updated)
		VALUES ('u1', ?, 'a@example.com', 1, 1)`, core.UsersID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO sessions (id, user_id, collection_id, created, expires)
		VALUES ('s1', 'u1', ?, 1, 9000000000000)`, core.UsersID); err != nil {
		t.Fatal(err)
	}
	sess := core.Session{ID: "s1", UserID: "u1", CollectionID: core.UsersID, Created: time.UnixMilli(1).UTC(),
		Expires: time.UnixMilli(9e12).UTC(), AAL: 1}

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate from version 1 = %v", err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("DownTo(1) = %v", err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after DownTo(1) = %v", err)
	}

	got, err := db.SessionByID(ctx, "s1")
	if err != nil {
		t.Fatalf("session after upgrade: %v", err)
	}
	// A user from before migration 00006 is active and has no profile.
	if u, err := db.UserByID(ctx, core.UsersID, "u1"); err != nil || u.Status != core.UserActive || u.Profile != nil {
		t.Errorf("user after upgrade = %+v, %v; want active without a profile", u, err)
	}
	if diff := cmp.Diff(sess, got); diff != "" {
		t.Errorf("session after upgrade (-want +got):\n%s", diff)
	}
	if err := db.InsertRefreshToken(ctx, core.RefreshToken{ID: "r1", SessionID: "s1", Hash: []byte{1},
		Created: time.UnixMilli(1), Expires: time.UnixMilli(2)}); err != nil {
		t.Errorf("InsertRefreshToken on the upgraded database = %v", err)
	}
	if err := db.InsertOTP(ctx, core.OTP{ID: "o1", UserID: "u1", CollectionID: core.UsersID, CodeHash: "h",
		Created: time.UnixMilli(1), Expires: time.UnixMilli(2)}); err != nil {
		t.Errorf("InsertOTP on the upgraded database = %v", err)
	}
	if err := db.InsertIdentity(ctx, core.Identity{ID: "i1", UserID: "u1", CollectionID: core.UsersID,
		Provider: "github", ProviderID: "1", Created: time.UnixMilli(1)}); err != nil {
		t.Errorf("InsertIdentity on the upgraded database = %v", err)
	}
	states, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range states {
		if !s.Applied {
			t.Errorf("migration %s not applied", s.Name)
		}
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"00001_init.sql", "00002_security.sql", "00003_factors.sql", "00004_identities.sql", "00005_email_fold.sql", "00006_user_profile_status.sql", "00007_outbox_claims.sql", "00008_session_client.sql"}, names); diff != "" {
		t.Errorf("migrations (-want +got):\n%s", diff)
	}
}

// A zero time where the schema reads NULL as "never" would store a state
// that lies (a revocation that does not revoke), so those writes fail
// instead, as does a refresh token without a hash.
func TestRejectsZeroInputs(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	if err := db.InsertUser(ctx, core.User{ID: "u1", CollectionID: core.UsersID, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertSession(ctx, core.Session{ID: "s1", UserID: "u1", CollectionID: core.UsersID,
		Created: time.UnixMilli(1), Expires: time.UnixMilli(9e12)}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertRefreshToken(ctx, core.RefreshToken{ID: "r1", SessionID: "s1", Hash: []byte{1},
		Created: time.UnixMilli(1), Expires: time.UnixMilli(2)}); err != nil {
		t.Fatal(err)
	}
	var zero time.Time
	tests := []struct {
		name string
		err  error
	}{
		{"RevokeSession", db.RevokeSession(ctx, "s1", "x", zero)},
		{"RotateRefreshToken", db.RotateRefreshToken(ctx, "r1", zero, "r2", nil)},
		{"InsertRefreshToken without hash", db.InsertRefreshToken(ctx, core.RefreshToken{ID: "r3", SessionID: "s1",
			Created: time.UnixMilli(1), Expires: time.UnixMilli(2)})},
		{"InsertAuditEvent", db.InsertAuditEvent(ctx, core.AuditEvent{ID: "e1", Type: "x"})},
		{"HitRateLimit window", second(db.HitRateLimit(ctx, "k", zero, time.UnixMilli(2)))},
		{"HitRateLimit expiry", second(db.HitRateLimit(ctx, "k", time.UnixMilli(1), zero))},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s with a zero input succeeded", tc.name)
		}
		if errors.Is(tc.err, core.ErrNotFound) || errors.Is(tc.err, core.ErrConflict) {
			t.Errorf("%s with a zero input = %v, want a plain error", tc.name, tc.err)
		}
	}
	// None of them wrote anything.
	if s, err := db.SessionByID(ctx, "s1"); err != nil || !s.RevokedAt.IsZero() {
		t.Errorf("session after zero-time revoke = %+v, %v", s, err)
	}
	if rt, err := db.RefreshTokenByHash(ctx, []byte{1}); err != nil || !rt.RotatedAt.IsZero() || rt.SuccessorID != "" {
		t.Errorf("refresh token after zero-time rotation = %+v, %v", rt, err)
	}
	if page, err := db.ListAuditEvents(ctx, core.AuditQuery{}); err != nil || page.Total != 0 {
		t.Errorf("audit log after zero-time insert = %+v, %v", page, err)
	}
}

func second[T any](_ T, err error) error { return err }
