package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// hostile are strings that break naive quoting, escaping or encoding.
func hostile() []string {
	return []string{
		`Robert'); DROP TABLE users;--`,
		`"double" 'single' ` + "`back`",
		`100% _under_ \back\slash\`,
		`?, $1, :name, @p, %s, %v`,
		"Zoë Ærøskøbing 😀 日本語 עברית",
		"line\nbreak\r\ttab",
		"  padded  ",
		"/* comment */ -- dash",
	}
}

func testHostileStrings(t *testing.T, s core.Store) {
	ctx := t.Context()
	for i, str := range hostile() {
		u := user(core.UsersID, fmt.Sprintf("h%d", i), str+"@example.com")
		u.Name, u.Avatar, u.PasswordHash = str, str, str
		insertUser(t, s, u)

		got, err := s.UserByEmail(ctx, core.UsersID, u.Email)
		if err != nil {
			t.Errorf("UserByEmail(%q) = %v", u.Email, err)
			continue
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", str, diff)
		}
		for _, f := range []core.Filter{
			core.Cond{Field: "name", Op: core.OpEq, Value: str},
			core.Cond{Field: "avatar", Op: core.OpLike, Value: str},
		} {
			page, err := s.ListUsers(ctx, core.UsersID, core.UserQuery{Filter: f})
			if err != nil {
				t.Errorf("ListUsers(%#v) = %v", f, err)
				continue
			}
			if len(page.Users) != 1 || page.Users[0].ID != u.ID {
				t.Errorf("ListUsers(%#v) found %v, want only %s", f, ids(page.Users), u.ID)
			}
		}
	}
	n, err := s.CountUsers(ctx, core.UsersID)
	if err != nil || n != len(hostile()) {
		t.Errorf("CountUsers = %d, %v, want %d", n, err, len(hostile()))
	}
}

func testTimeRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	zone := time.FixedZone("UTC-7", -7*3600)
	times := []time.Time{
		time.Date(2031, 12, 31, 23, 59, 59, 999_000_000, zone),
		time.Date(1969, 7, 20, 20, 17, 40, 1_000_000, time.UTC),
		time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
		time.UnixMilli(0).In(zone),
	}
	check := func(what string, got, want time.Time) {
		t.Helper()
		if !got.Equal(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
		if !got.IsZero() && got.Location() != time.UTC {
			t.Errorf("%s is in %v, want UTC", what, got.Location())
		}
	}
	for i, tm := range times {
		u := user(core.UsersID, fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i))
		u.Created, u.Updated = tm, tm.Add(time.Millisecond)
		insertUser(t, s, u)
		got, err := s.UserByID(ctx, core.UsersID, u.ID)
		wantOK(t, "UserByID", err)
		check("Created", got.Created, u.Created)
		check("Updated", got.Updated, u.Updated)
	}

	// Zero times (never used, never revoked, never sent) stay zero.
	insertUser(t, s, user(core.UsersID, "z", "z@example.com"))
	sess := session("s", "z")
	sess.LastUsed = time.Time{}
	insertSession(t, s, sess)
	gotS, err := s.SessionByID(ctx, "s")
	wantOK(t, "SessionByID", err)
	check("Session.LastUsed", gotS.LastUsed, time.Time{})
	check("Session.RevokedAt", gotS.RevokedAt, time.Time{})
	check("Session.Expires", gotS.Expires, sess.Expires)

	insertToken(t, s, token("t", "z", core.PurposePasswordReset, times[0]))
	gotT, err := s.OneTimeTokenByID(ctx, "t")
	wantOK(t, "OneTimeTokenByID", err)
	check("Token.Created", gotT.Created, times[0])
	check("Token.UsedAt", gotT.UsedAt, time.Time{})

	wantOK(t, "InsertSigningKey", s.InsertSigningKey(ctx, core.SigningKey{
		ID: "k", Algorithm: "EdDSA", Private: []byte{1}, Public: []byte{2}, Created: times[1],
	}))
	keys, err := s.SigningKeys(ctx)
	wantOK(t, "SigningKeys", err)
	check("Key.Created", keys[0].Created, times[1])
	check("Key.RetiredAt", keys[0].RetiredAt, time.Time{})

	wantOK(t, "EnqueueMail", s.EnqueueMail(ctx, core.OutboxMessage{
		ID: "m", To: "z@example.com", Subject: "s", Created: times[3],
	}))
	msgs, err := s.ClaimMail(ctx, "claim", epoch(), time.Minute, 10)
	wantOK(t, "ClaimMail", err)
	if len(msgs) != 1 {
		t.Fatalf("ClaimMail got %d messages, want 1", len(msgs))
	}
	check("Mail.Created", msgs[0].Created, times[3])
	check("Mail.NextAttempt", msgs[0].NextAttempt, time.Time{})
	check("Mail.SentAt", msgs[0].SentAt, time.Time{})
	check("Mail.Sending", msgs[0].Sending, time.Time{})
	check("Mail.LeaseUntil", msgs[0].LeaseUntil, epoch().Add(time.Minute))
}

func ids(users []core.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}
