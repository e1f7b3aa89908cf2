package postgres

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"

	"github.com/jackc/pgx/v5"
)

// CopyTables lists every table of the schema but goose's and the relay's,
// each after the tables its foreign keys reference.
func TestCopyTablesOrder(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	type ref struct{ child, parent string }
	refs, err := list(ctx, db.queries, "foreign keys", `SELECT tc.table_name, ccu.table_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.constraint_column_usage ccu
			ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
		WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`, nil,
		func(r pgx.Row) (ref, error) {
			var f ref
			err := r.Scan(&f.child, &f.parent)
			return f, err
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) == 0 {
		t.Fatal("found no foreign keys to check the order against")
	}
	order := db.CopyTables()
	for _, f := range refs {
		if slices.Contains(relayTables(), f.child) && slices.Contains(relayTables(), f.parent) {
			continue
		}
		if c, p := slices.Index(order, f.child), slices.Index(order, f.parent); c < 0 || p < 0 || p > c {
			t.Errorf("CopyTables %v: %s (at %d) references %s (at %d), which must come first", order, f.child, c, f.parent, p)
		}
	}
	tables, err := list(ctx, db.queries, "tables", `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version' ORDER BY table_name`, nil,
		func(r pgx.Row) (string, error) {
			var s string
			err := r.Scan(&s)
			return s, err
		})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(append(slices.Clone(order), relayTables()...)))
	if diff := cmp.Diff(tables, want); diff != "" {
		t.Errorf("CopyTables does not list the schema's tables (-schema +CopyTables):\n%s", diff)
	}
}

func TestColumns(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	got, err := db.Columns(t.Context(), "users")
	want := []string{"id", "collection_id", "email", "email_visibility", "verified", "name", "avatar", "password_hash", "created", "updated", "profile", "status"}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("Columns(users) = %v (-want +got):\n%s", err, diff)
	}
	for _, table := range []string{"goose_db_version", "pg_class", `users"; DROP TABLE users; --`, "Users", ""} {
		if cols, err := db.Columns(t.Context(), table); err == nil {
			t.Errorf("Columns(%q) = %v, want an error", table, cols)
		}
		if _, err := db.Count(t.Context(), table); err == nil {
			t.Errorf("Count(%q) succeeded, want an error", table)
		}
		if _, err := db.ImportRows(t.Context(), table, []string{"id"}, [][]any{{"x"}}); err == nil {
			t.Errorf("ImportRows(%q) succeeded, want an error", table)
		}
	}
	// A store that was never migrated has no tables to copy.
	bare := openDSN(t, freshSchema(t), Options{})
	if _, err := bare.Columns(t.Context(), "users"); err == nil {
		t.Error("Columns(users) of an unmigrated schema succeeded")
	}
}

// Rows as database/sql reads them from SQLite: integers for flags and
// times, strings for text, bytes for blobs.
func TestImportRows(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	ms := int64(1_700_000_000_123)
	userCols := []string{"id", "collection_id", "email", "email_visibility", "verified", "name", "avatar", "password_hash", "created", "updated", "profile", "status"}
	users := [][]any{
		{"u1", core.UsersID, "a@example.com", int64(1), int64(0), "Ann 😀", "", "$argon2id$x", ms, ms + 1,
			`{"first_name":"Ann Marie","n":12345678901234567890,"tags":["a","😀"]}`, "suspended"},
		{"u2", core.UsersID, "", int64(0), int64(1), "", "b.png", "", ms, ms, nil, "active"},
	}
	n, err := db.ImportRows(ctx, "users", userCols, users)
	if err != nil || n != 2 {
		t.Fatalf("ImportRows(users) = %d, %v, want 2", n, err)
	}
	got, err := db.UserByID(ctx, core.UsersID, "u1")
	want := core.User{ID: "u1", CollectionID: core.UsersID, Email: "a@example.com", EmailVisibility: true,
		Name: "Ann 😀", PasswordHash: "$argon2id$x", Created: time.UnixMilli(ms).UTC(), Updated: time.UnixMilli(ms + 1).UTC(),
		Profile: map[string]any{"first_name": "Ann Marie", "n": json.Number("12345678901234567890"), "tags": []any{"a", "😀"}},
		Status:  core.UserSuspended}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("imported user = %v (-want +got):\n%s", err, diff)
	}
	if got, err := db.UserByID(ctx, core.UsersID, "u2"); err != nil || got.Profile != nil || got.Status != core.UserActive {
		t.Errorf("imported user without a profile = %+v, %v", got, err)
	}

	// Rows already there (by any unique key) are skipped, not errors.
	clash := [][]any{users[0], {"u3", core.UsersID, "a@example.com", int64(0), int64(0), "", "", "", ms, ms, nil, "active"}}
	if n, err := db.ImportRows(ctx, "users", userCols, clash); err != nil || n != 0 {
		t.Errorf("ImportRows of existing rows = %d, %v, want 0 inserted", n, err)
	}

	// A subset of columns in another order; the rest take their defaults.
	n, err = db.ImportRows(ctx, "sessions", []string{"user_id", "id", "collection_id", "created", "expires", "last_used", "revoked_at"},
		[][]any{{"u1", "s1", core.UsersID, ms, ms + 3_600_000, nil, nil}})
	if err != nil || n != 1 {
		t.Fatalf("ImportRows(sessions) = %d, %v, want 1", n, err)
	}
	sess, err := db.SessionByID(ctx, "s1")
	if err != nil || sess.AAL != 1 || !sess.LastUsed.IsZero() || sess.AMR != nil || !sess.Expires.Equal(time.UnixMilli(ms+3_600_000)) {
		t.Errorf("imported session = %+v, %v, want defaults and NULL times as zero", sess, err)
	}

	// Blobs from bytes or strings; rate-limit keys holding NUL bytes.
	n, err = db.ImportRows(ctx, "refresh_tokens", []string{"id", "session_id", "hash", "created", "expires", "successor_sealed"},
		[][]any{{"r1", "s1", []byte{0, 0xff}, ms, ms, nil}, {"r2", "s1", "sha\x00", ms, ms, []byte("sealed")}})
	if err != nil || n != 2 {
		t.Fatalf("ImportRows(refresh_tokens) = %d, %v, want 2", n, err)
	}
	if rt, err := db.RefreshTokenByHash(ctx, []byte("sha\x00")); err != nil || rt.ID != "r2" || string(rt.SuccessorSealed) != "sealed" {
		t.Errorf("imported refresh token = %+v, %v", rt, err)
	}
	if _, err := db.ImportRows(ctx, "rate_limits", []string{"key", "window_start", "count", "expires"},
		[][]any{{"login\x00a@example.com", ms, int64(4), ms + 60_000}}); err != nil {
		t.Fatalf("ImportRows(rate_limits) = %v", err)
	}
	if n, err := db.HitRateLimit(ctx, "login\x00a@example.com", time.UnixMilli(ms), time.UnixMilli(ms+60_000)); err != nil || n != 5 {
		t.Errorf("HitRateLimit after importing a count of 4 = %d, %v, want 5", n, err)
	}

	for table, want := range map[string]int{"users": 2, "sessions": 1, "refresh_tokens": 2, "rate_limits": 1, "audit_events": 0} {
		if n, err := db.Count(ctx, table); err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v, want %d", table, n, err, want)
		}
	}
}

// A bad batch is refused whole: nothing of it is stored.
func TestImportRowsRejects(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	ms := int64(1_700_000_000_000)
	good := []any{"u1", core.UsersID, ms, ms}
	cols := []string{"id", "collection_id", "created", "updated"}
	tests := []struct {
		name  string
		table string
		cols  []string
		rows  [][]any
		want  error
	}{
		{"unknown column", "users", []string{"id", "password"}, [][]any{{"u9", "x"}}, nil},
		{"hostile column", "users", []string{`id") VALUES ('x'); --`}, [][]any{{"u9"}}, nil},
		{"column twice", "users", []string{"id", "id"}, [][]any{{"u9", "u9"}}, nil},
		{"no columns", "users", nil, [][]any{{}}, nil},
		{"short row", "users", cols, [][]any{good, {"u2", core.UsersID, ms}}, nil},
		{"flag not 0 or 1", "users", append(cols, "verified"), [][]any{append(good, int64(2))}, nil},
		{"text for a number", "users", cols, [][]any{{"u2", core.UsersID, "yesterday", ms}}, nil},
		{"NUL in text", "users", cols, [][]any{{"u\x00", core.UsersID, ms, ms}}, nil},
		{"int out of range", "outbox", []string{"id", "recipient", "created", "attempts"}, [][]any{{"m", "a@x", ms, int64(1) << 40}}, nil},
		{"missing parent", "sessions", []string{"id", "user_id", "collection_id", "created", "expires"},
			[][]any{{"s1", "ghost", core.UsersID, ms, ms}}, core.ErrNotFound},
	}
	for _, tc := range tests {
		rows := append([][]any{good}, tc.rows...)
		if tc.table != "users" {
			rows = tc.rows
		}
		_, err := db.ImportRows(ctx, tc.table, tc.cols, rows)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: ImportRows = %v, want an error (%v)", tc.name, err, tc.want)
		}
	}
	if n, err := db.Count(ctx, "users"); err != nil || n != 0 {
		t.Errorf("users after refused batches = %d, %v, want 0", n, err)
	}
}

// A profile that is not a JSON object, or a status that is not one of
// core's, fails the batch that holds it, whatever came before it.
func TestImportRowsRejectsBadUserFields(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	ms := int64(1_700_000_000_000)
	cols := []string{"id", "collection_id", "created", "updated", "profile", "status"}
	good := []any{"u1", core.UsersID, ms, ms, `{"a":1}`, "active"}
	for name, bad := range map[string][]any{
		"text that is not JSON":      {"u2", core.UsersID, ms, ms, `{"a":`, "active"},
		"JSON that is not an object": {"u2", core.UsersID, ms, ms, `[1]`, "active"},
		"a number for a profile":     {"u2", core.UsersID, ms, ms, int64(1), "active"},
		"unknown status":             {"u2", core.UsersID, ms, ms, nil, "banned"},
	} {
		if _, err := db.ImportRows(ctx, "users", cols, [][]any{good, bad}); err == nil {
			t.Errorf("%s: ImportRows succeeded, want an error", name)
		}
	}
	if n, err := db.Count(ctx, "users"); err != nil || n != 0 {
		t.Errorf("users after refused batches = %d, %v, want 0", n, err)
	}
}

// A batch bigger than one statement's parameter limit still goes in
// whole.
func TestImportRowsLargeBatch(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	const n = 20_000 // 4 columns each: past 65535 parameters
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{[]byte{byte(i), byte(i >> 8)}, int64(i), int64(1), int64(i)}
	}
	got, err := db.ImportRows(t.Context(), "rate_limits", []string{"key", "window_start", "count", "expires"}, rows)
	if err != nil || got != n {
		t.Fatalf("ImportRows = %d, %v, want %d", got, err, n)
	}
	if c, err := db.Count(t.Context(), "rate_limits"); err != nil || c != n {
		t.Errorf("Count = %d, %v, want %d", c, err, n)
	}
}
