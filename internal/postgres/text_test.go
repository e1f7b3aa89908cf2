package postgres

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// PostgreSQL text cannot hold NUL bytes or invalid UTF-8, which SQLite
// stores as given. These tests pin what the store does with them.

// Core builds rate-limit keys from NUL-separated parts and raw hashes:
// they count exactly, byte for byte.
func TestHitRateLimitBinaryKeys(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	w, exp := time.UnixMilli(1_700_000_000_000), time.UnixMilli(1_700_000_060_000)
	keys := []string{"c\x00a@example.com", "c\x00b@example.com", "refresh\x00\xff\xfe\x80", "refresh\x00\xff\xfe\x81", "c"}
	for round := 1; round <= 2; round++ {
		for _, k := range keys {
			n, err := db.HitRateLimit(t.Context(), k, w, exp)
			if err != nil || n != round {
				t.Errorf("HitRateLimit(%q) round %d = %d, %v, want %d", k, round, n, err, round)
			}
		}
	}
}

// Recorded free text (user agents, reasons, mail bodies) is made
// storable instead of failing the login or the mail that carries it.
func TestFreeTextIsMadeStorable(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	at := time.UnixMilli(1_700_000_000_000).UTC()
	insertCounter(t, db, "u1")
	s := core.Session{ID: "s1", UserID: "u1", CollectionID: core.UsersID, Created: at, Expires: at.Add(time.Hour),
		IP: "203.0.113.7", UserAgent: "agent\xff\x00/1.0 😀"}
	if err := db.InsertSession(ctx, s); err != nil {
		t.Fatalf("InsertSession with a raw user agent = %v", err)
	}
	got, err := db.SessionByID(ctx, "s1")
	if err != nil || got.UserAgent != "agent\uFFFD\uFFFD/1.0 😀" {
		t.Errorf("stored user agent = %q, %v, want the bad bytes replaced", got.UserAgent, err)
	}
	m := core.OutboxMessage{ID: "m1", To: "a@example.com", Subject: "Hi \x00", Text: "x\xc3", Created: at}
	if err := db.EnqueueMail(ctx, m); err != nil {
		t.Fatalf("EnqueueMail with raw bytes = %v", err)
	}
	if _, err := db.ClaimMail(ctx, "c1", at, time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartMailAttempt(ctx, "m1", "c1", at, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkMailFailed(ctx, "m1", "c1", at, "smtp: \xff"); err != nil {
		t.Fatalf("MarkMailFailed with raw bytes = %v", err)
	}
	mail, err := db.MailByID(ctx, "m1")
	want := core.OutboxMessage{ID: "m1", To: "a@example.com", Subject: "Hi \uFFFD", Text: "x\uFFFD", Created: at,
		Attempts: 1, NextAttempt: at, LastError: "smtp: \uFFFD"}
	if diff := cmp.Diff(want, mail); err != nil || diff != "" {
		t.Errorf("MailByID = %v (-want +got):\n%s", err, diff)
	}
}

// Keys that cannot be stored match nothing: lookups read as not found,
// like any other unknown key, and writes of such values fail plainly.
func TestUnstorableKeys(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	insertCounter(t, db, "u1")
	for _, key := range []string{"u1\x00", "u\xff1"} {
		_, err := db.UserByID(ctx, core.UsersID, key)
		wantNotFound(t, "UserByID", err)
		_, err = db.UserByEmail(ctx, core.UsersID, key)
		wantNotFound(t, "UserByEmail", err)
		_, err = db.SessionByID(ctx, key)
		wantNotFound(t, "SessionByID", err)
		_, err = db.OTPByID(ctx, key)
		wantNotFound(t, "OTPByID", err)
		wantNotFound(t, "DeleteOTP", db.DeleteOTP(ctx, key))
		wantNotFound(t, "UseOneTimeToken", db.UseOneTimeToken(ctx, key, time.UnixMilli(1)))
		_, err = db.IdentityByProvider(ctx, core.UsersID, "github", key)
		wantNotFound(t, "IdentityByProvider", err)

		u := core.User{ID: "x", CollectionID: core.UsersID, Name: key, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}
		err = db.InsertUser(ctx, u)
		if err == nil || errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrConflict) || errors.Is(err, core.ErrUnavailable) {
			t.Errorf("InsertUser with name %q = %v, want a plain error", key, err)
		}
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("%s of an unstorable key = %v, want one wrapping core.ErrNotFound", what, err)
	}
}

// Filter values PostgreSQL cannot hold as text still compare as SQLite
// compares them: bytewise, and never equal to stored text.
func TestListUsersUnstorableFilterValues(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	for _, id := range []string{"a", "b\xc3\xa9", "c"} { // "bé"
		insertCounter(t, db, id)
	}
	tests := []struct {
		name string
		f    core.Filter
		want []string
	}{
		{"eq", core.Cond{Field: "id", Op: core.OpEq, Value: "a\x00"}, nil},
		{"neq", core.Cond{Field: "id", Op: core.OpNeq, Value: "a\x00"}, []string{"a", "b\xc3\xa9", "c"}},
		{"gt bytewise", core.Cond{Field: "id", Op: core.OpGt, Value: "a\x00"}, []string{"b\xc3\xa9", "c"}},
		{"lt bytewise", core.Cond{Field: "id", Op: core.OpLt, Value: "b\xc3"}, []string{"a"}},
		{"gte bytewise", core.Cond{Field: "id", Op: core.OpGte, Value: "b\xc3"}, []string{"b\xc3\xa9", "c"}},
		{"like", core.Cond{Field: "id", Op: core.OpLike, Value: "\xff"}, nil},
		{"not like", core.Cond{Field: "id", Op: core.OpNotLike, Value: "\x00"}, []string{"a", "b\xc3\xa9", "c"}},
	}
	for _, tc := range tests {
		page, err := db.ListUsers(t.Context(), core.UsersID, core.UserQuery{Filter: tc.f})
		if err != nil {
			t.Errorf("%s: ListUsers = %v", tc.name, err)
			continue
		}
		var got []string
		for _, u := range page.Users {
			got = append(got, u.ID)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || page.Total != len(tc.want) {
			t.Errorf("%s: total %d; ids (-want +got):\n%s", tc.name, page.Total, diff)
		}
	}
}
