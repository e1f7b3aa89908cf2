package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// exportEpoch is a whole number of milliseconds, the precision the store keeps.
var exportEpoch = time.Date(2025, 6, 1, 12, 0, 0, 123_000_000, time.UTC)

func ts(d time.Duration) time.Time { return exportEpoch.Add(d) }

// populate fills every table through the store's own methods and returns
// how many rows each table should hold.
func populate(t *testing.T, db *DB) map[string]int {
	t.Helper()
	ctx := t.Context()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s = %v", what, err)
		}
	}
	for _, u := range []core.User{
		{ID: "u2", CollectionID: core.UsersID, Email: "b@example.com", Verified: true, Name: "Bea", PasswordHash: "$2b$10$x",
			Status: core.UserSuspended, Created: ts(0), Updated: ts(time.Second)},
		{ID: "u1", CollectionID: core.UsersID, Email: "a@example.com", EmailVisibility: true, Name: "Ann", Avatar: "a.png",
			Profile: map[string]any{"first_name": "Ann", "last_name": "de la Mare", "n": json.Number("1.50")}, Status: core.UserActive,
			Created: ts(0), Updated: ts(0)},
		{ID: "admin", CollectionID: core.SuperusersID, Email: "root@example.com", PasswordHash: "$argon2id$v=19$x", Created: ts(0), Updated: ts(0)},
	} {
		must("InsertUser "+u.ID, db.InsertUser(ctx, u))
	}
	sess := core.Session{ID: "s1", UserID: "u1", CollectionID: core.UsersID, Created: ts(0), LastUsed: ts(time.Minute),
		Expires: ts(time.Hour), IP: "203.0.113.7", UserAgent: "curl/8", AMR: []string{"pwd", "otp"}, AAL: 2}
	must("InsertSession s1", db.InsertSession(ctx, sess))
	sess.ID, sess.UserID, sess.LastUsed, sess.AMR, sess.AAL = "s2", "u2", time.Time{}, []string{"oauth2"}, 1
	must("InsertSession s2", db.InsertSession(ctx, sess))
	must("RevokeSession", db.RevokeSession(ctx, "s2", "logout", ts(2*time.Minute)))
	must("InsertRefreshToken r1", db.InsertRefreshToken(ctx, core.RefreshToken{ID: "r1", SessionID: "s1", Hash: []byte{0, 1, 0xff}, Created: ts(0), Expires: ts(time.Hour)}))
	must("RotateRefreshToken", db.RotateRefreshToken(ctx, "r1", ts(time.Minute), "r2", []byte("sealed\x00")))
	must("InsertRefreshToken r2", db.InsertRefreshToken(ctx, core.RefreshToken{ID: "r2", SessionID: "s1", Hash: []byte{2}, ParentID: "r1", Created: ts(time.Minute), Expires: ts(time.Hour)}))
	must("InsertOneTimeToken", db.InsertOneTimeToken(ctx, core.OneTimeToken{ID: "t1", UserID: "u1", CollectionID: core.UsersID,
		Purpose: core.PurposeEmailChange, Hash: []byte("h"), Email: "a@example.com", NewEmail: "new@example.com", Created: ts(0), Expires: ts(time.Hour)}))
	must("UseOneTimeToken", db.UseOneTimeToken(ctx, "t1", ts(time.Minute)))
	must("PutLoginState", db.PutLoginState(ctx, core.LoginState{UserID: "u2", Failures: 3, FirstFailure: ts(0), LockedUntil: ts(time.Hour)}))
	must("InsertOTP", db.InsertOTP(ctx, core.OTP{ID: "o1", UserID: "u1", CollectionID: core.UsersID, CodeHash: "ch", SentTo: "a@example.com", Created: ts(0), Expires: ts(5 * time.Minute)}))
	must("InsertMFA", db.InsertMFA(ctx, core.MFAChallenge{ID: "m1", UserID: "u1", CollectionID: core.UsersID, Method: "password", Created: ts(0)}))
	must("PutTOTPFactor", db.PutTOTPFactor(ctx, core.TOTPFactor{UserID: "u1", Secret: "JBSWY3DPEHPK3PXP", Confirmed: true, LastStep: 58_000_000, Created: ts(0), Updated: ts(0)}))
	must("ReplaceRecoveryCodes", db.ReplaceRecoveryCodes(ctx, "u1", []core.RecoveryCode{
		{ID: "rc1", UserID: "u1", Hash: []byte("c1"), Created: ts(0)}, {ID: "rc2", UserID: "u1", Hash: []byte("c2"), Created: ts(0)}}))
	must("UseRecoveryCode", db.UseRecoveryCode(ctx, "u1", []byte("c1"), ts(time.Minute)))
	must("InsertIdentity", db.InsertIdentity(ctx, core.Identity{ID: "i1", UserID: "u1", CollectionID: core.UsersID, Provider: "github", ProviderID: "42", Created: ts(0)}))
	must("InsertSigningKey k1", db.InsertSigningKey(ctx, core.SigningKey{ID: "k1", Algorithm: "EdDSA", Private: []byte{1, 2}, Public: []byte{3}, Created: ts(0), RetiredAt: ts(time.Hour)}))
	must("InsertSigningKey k2", db.InsertSigningKey(ctx, core.SigningKey{ID: "k2", Algorithm: "EdDSA", Private: []byte{4}, Public: []byte{5, 6}, Created: ts(time.Hour)}))
	must("EnqueueMail", db.EnqueueMail(ctx, core.OutboxMessage{ID: "mail1", To: "a@example.com", Subject: "Hi", Text: "text", HTML: "<p>html</p>", Created: ts(0), NextAttempt: ts(0)}))
	_, err := db.ClaimMail(ctx, "claim1", ts(0), time.Minute, 10)
	must("ClaimMail", err)
	_, err = db.StartMailAttempt(ctx, "mail1", "claim1", ts(0), time.Minute)
	must("StartMailAttempt", err)
	must("MarkMailFailed", db.MarkMailFailed(ctx, "mail1", "claim1", ts(time.Minute), "421 try later"))
	for range 3 {
		_, err := db.HitRateLimit(ctx, "login:ip:1", ts(0), ts(time.Minute))
		must("HitRateLimit", err)
	}
	_, err = db.HitRateLimit(ctx, "login:ip:2", ts(0), ts(time.Minute))
	must("HitRateLimit", err)
	must("InsertAuditEvent", db.InsertAuditEvent(ctx, core.AuditEvent{ID: "e1", Time: ts(0), Type: "login", ActorID: "u1",
		ActorCollection: core.UsersID, IP: "203.0.113.7", Details: map[string]string{"method": "password"}}))
	return map[string]int{"users": 3, "sessions": 2, "refresh_tokens": 2, "one_time_tokens": 1, "login_states": 1,
		"otps": 1, "mfa_challenges": 1, "totp_factors": 1, "recovery_codes": 2, "identities": 1, "signing_keys": 2,
		"outbox": 1, "rate_limits": 2, "audit_events": 1}
}

// exportAll collects every row of table, all columns, in batches of n.
func exportAll(t *testing.T, db *DB, table string, n int) (cols []string, rows [][]any, batches []int) {
	t.Helper()
	cols, err := db.Columns(t.Context(), table)
	if err != nil {
		t.Fatalf("Columns(%s) = %v", table, err)
	}
	err = db.ExportRows(t.Context(), table, cols, n, func(b [][]any) error {
		batches = append(batches, len(b))
		rows = append(rows, b...)
		return nil
	})
	if err != nil {
		t.Fatalf("ExportRows(%s) = %v", table, err)
	}
	return cols, rows, batches
}

func TestTablesMatchSchema(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	rows, err := db.reader.QueryContext(ctx, `SELECT name FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'goose_db_version' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var schema []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		schema = append(schema, name)
	}
	rows.Close()
	tables := db.Tables()
	if diff := cmp.Diff(schema, slices.Sorted(slices.Values(tables))); diff != "" {
		t.Errorf("Tables() against the schema (-schema +Tables):\n%s", diff)
	}
	// Every foreign key points at a table listed earlier.
	for i, table := range tables {
		var parents []string
		r, err := db.reader.QueryContext(ctx, `SELECT "table" FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var p string
			if err := r.Scan(&p); err != nil {
				t.Fatal(err)
			}
			parents = append(parents, p)
		}
		r.Close()
		for _, p := range parents {
			if j := slices.Index(tables, p); j < 0 || j >= i {
				t.Errorf("%s references %s, which Tables() lists at %d, not before %d", table, p, j, i)
			}
		}
	}
	if got, err := db.Columns(ctx, "users"); err != nil || !slices.Equal(got, []string{"id", "collection_id", "email",
		"email_visibility", "verified", "name", "avatar", "password_hash", "created", "updated", "profile", "status"}) {
		t.Errorf("Columns(users) = %q, %v", got, err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	src, dst := openTest(t), openTest(t)
	want := populate(t, src)

	for _, table := range src.Tables() {
		n, err := src.Count(ctx, table)
		if err != nil || n != want[table] {
			t.Errorf("Count(%s) = %d, %v, want %d", table, n, err, want[table])
		}
		cols, rows, _ := exportAll(t, src, table, 2)
		if len(rows) != want[table] {
			t.Errorf("ExportRows(%s) gave %d rows, want %d", table, len(rows), want[table])
		}
		// Insert in Tables() order into a store with foreign keys on:
		// a child listed before its parent would fail here.
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
		ins := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", ident(table), strings.Join(cols, ", "), ph)
		for _, r := range rows {
			if _, err := dst.writer.ExecContext(ctx, ins, r...); err != nil {
				t.Fatalf("copy row of %s %v: %v", table, r, err)
			}
		}
	}

	// The values come back exactly as the driver types them.
	_, users, _ := exportAll(t, src, "users", 10)
	ms := exportEpoch.UnixMilli()
	wantUsers := [][]any{
		{"admin", core.SuperusersID, "root@example.com", int64(0), int64(0), "", "", "$argon2id$v=19$x", ms, ms, nil, "active"},
		{"u1", core.UsersID, "a@example.com", int64(1), int64(0), "Ann", "a.png", "", ms, ms,
			`{"first_name":"Ann","last_name":"de la Mare","n":1.50}`, "active"},
		{"u2", core.UsersID, "b@example.com", int64(0), int64(1), "Bea", "", "$2b$10$x", ms, ms + 1000, nil, "suspended"},
	}
	if diff := cmp.Diff(wantUsers, users); diff != "" {
		t.Errorf("exported users (-want +got):\n%s", diff)
	}
	_, keys, _ := exportAll(t, src, "signing_keys", 10)
	wantKeys := [][]any{
		{"k1", "EdDSA", []byte{1, 2}, []byte{3}, ms, ms + 3_600_000},
		{"k2", "EdDSA", []byte{4}, []byte{5, 6}, ms + 3_600_000, nil},
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("exported signing keys (-want +got):\n%s", diff)
	}

	// The copy reads back through the store exactly as the original.
	if diff := cmp.Diff(readBack(t, src), readBack(t, dst)); diff != "" {
		t.Errorf("copy reads back differently (-original +copy):\n%s", diff)
	}
}

// readBack reads everything populate wrote through the store's methods.
func readBack(t *testing.T, db *DB) []any {
	t.Helper()
	ctx := t.Context()
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		out = append(out, v)
	}
	for _, id := range []string{"u1", "u2"} {
		add(db.UserByID(ctx, core.UsersID, id))
	}
	add(db.UserByID(ctx, core.SuperusersID, "admin"))
	add(db.SessionByID(ctx, "s1"))
	add(db.SessionByID(ctx, "s2"))
	add(db.RefreshTokenByHash(ctx, []byte{0, 1, 0xff}))
	add(db.RefreshTokenByHash(ctx, []byte{2}))
	add(db.OneTimeTokenByID(ctx, "t1"))
	add(db.LoginState(ctx, "u2"))
	add(db.OTPByID(ctx, "o1"))
	add(db.MFAByID(ctx, "m1"))
	add(db.TOTPFactor(ctx, "u1"))
	add(db.UnusedRecoveryCodes(ctx, "u1"))
	add(db.ListUserIdentities(ctx, "u1"))
	add(db.SigningKeys(ctx))
	add(db.MailByID(ctx, "mail1"))
	add(db.ListAuditEvents(ctx, core.AuditQuery{}))
	// A hit reads the counter back: it goes on from the copied count.
	add(db.HitRateLimit(ctx, "login:ip:1", ts(0), ts(time.Minute)))
	return out
}

func TestExportRejectsUnknownNames(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	for _, table := range []string{"", "nope", "Users", "goose_db_version", "sqlite_schema", `users"; DROP TABLE users; --`} {
		if _, err := db.Columns(ctx, table); err == nil {
			t.Errorf("Columns(%q) succeeded", table)
		}
		if _, err := db.Count(ctx, table); err == nil {
			t.Errorf("Count(%q) succeeded", table)
		}
		if err := db.ExportRows(ctx, table, []string{"id"}, 10, nil); err == nil {
			t.Errorf("ExportRows(%q) succeeded", table)
		}
	}
	populate(t, db)
	for _, tc := range []struct {
		name  string
		cols  []string
		batch int
	}{
		{"unknown column", []string{"id", "nope"}, 10},
		{"column of another table", []string{"id", "session_id"}, 10},
		{"injection", []string{`id" FROM users; --`}, 10},
		{"expression", []string{"count(*)"}, 10},
		{"duplicate column", []string{"id", "id"}, 10},
		{"no columns", nil, 10},
		{"zero batch", []string{"id"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			err := db.ExportRows(ctx, "users", tc.cols, tc.batch, func([][]any) error { called = true; return nil })
			if err == nil || called {
				t.Errorf("ExportRows(users, %q, %d) = %v, fn called %v; want an error and no call", tc.cols, tc.batch, err, called)
			}
		})
	}
	if n, err := db.Count(ctx, "users"); err != nil || n != 3 {
		t.Errorf("Count(users) after the rejected names = %d, %v, want 3", n, err)
	}
}

func TestExportBatches(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	var want [][]any
	for _, id := range []string{"g", "c", "a", "f", "b", "e", "d"} { // not in key order
		if err := db.InsertUser(ctx, core.User{ID: id, CollectionID: "c", Created: ts(0), Updated: ts(0)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		want = append(want, []any{id, "c"})
	}
	for _, tc := range []struct {
		batch int
		sizes []int
	}{
		{1, []int{1, 1, 1, 1, 1, 1, 1}},
		{3, []int{3, 3, 1}},
		{7, []int{7}},
		{100, []int{7}},
	} {
		t.Run(fmt.Sprint(tc.batch), func(t *testing.T) {
			var got [][]any
			var sizes []int
			err := db.ExportRows(ctx, "users", []string{"id", "collection_id"}, tc.batch, func(b [][]any) error {
				sizes = append(sizes, len(b))
				got = append(got, b...)
				return nil
			})
			if err != nil || !slices.Equal(sizes, tc.sizes) {
				t.Errorf("ExportRows(batch %d) = %v, batch sizes %v, want %v", tc.batch, err, sizes, tc.sizes)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("fn error stops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := db.ExportRows(ctx, "users", []string{"id"}, 2, func([][]any) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("ExportRows = %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("snapshot", func(t *testing.T) {
		// Rows written while the export runs are not in it.
		n := 0
		err := db.ExportRows(ctx, "users", []string{"id"}, 1, func([][]any) error {
			n++
			if n == 1 {
				return db.InsertUser(context.WithoutCancel(ctx), core.User{ID: "h" + fmt.Sprint(len(want)), CollectionID: "c", Created: ts(0), Updated: ts(0)})
			}
			return nil
		})
		if err != nil || n != len(want) {
			t.Errorf("ExportRows while inserting = %v, %d rows, want %d", err, n, len(want))
		}
	})
}
