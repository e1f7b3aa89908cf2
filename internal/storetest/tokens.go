package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func testTokenRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	want := token("t1", "u1", core.PurposeEmailChange, at(0))
	want.NewEmail = "new+tag@example.com"
	insertToken(t, s, want)

	got, err := s.OneTimeTokenByID(ctx, "t1")
	wantOK(t, "OneTimeTokenByID", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OneTimeTokenByID (-want +got):\n%s", diff)
	}
	_, err = s.OneTimeTokenByID(ctx, "nope")
	wantErr(t, "OneTimeTokenByID of a missing id", err, core.ErrNotFound)
	wantErr(t, "InsertOneTimeToken with a taken id",
		s.InsertOneTimeToken(ctx, token("t1", "u1", core.PurposeVerification, at(0))), core.ErrConflict)
	wantErr(t, "InsertOneTimeToken for a missing user",
		s.InsertOneTimeToken(ctx, token("t2", "ghost", core.PurposeVerification, at(0))), core.ErrNotFound)
}

func testLatestToken(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	// Inserted out of order: "latest" is by creation time.
	insertToken(t, s, token("v1", "u1", core.PurposeVerification, at(1*time.Minute)))
	insertToken(t, s, token("v3", "u1", core.PurposeVerification, at(3*time.Minute)))
	insertToken(t, s, token("v2", "u1", core.PurposeVerification, at(2*time.Minute)))
	insertToken(t, s, token("r1", "u1", core.PurposePasswordReset, at(4*time.Minute)))
	insertToken(t, s, token("v9", "u2", core.PurposeVerification, at(9*time.Minute)))

	tests := []struct {
		user    string
		purpose core.Purpose
		want    string
	}{
		{"u1", core.PurposeVerification, "v3"},
		{"u1", core.PurposePasswordReset, "r1"},
		{"u2", core.PurposeVerification, "v9"},
		{"u1", core.PurposeEmailChange, ""},
		{"ghost", core.PurposeVerification, ""},
	}
	for _, tc := range tests {
		got, err := s.LatestOneTimeToken(ctx, tc.user, tc.purpose)
		if tc.want == "" {
			wantErr(t, fmt.Sprintf("LatestOneTimeToken(%s, %s)", tc.user, tc.purpose), err, core.ErrNotFound)
			continue
		}
		if err != nil || got.ID != tc.want {
			t.Errorf("LatestOneTimeToken(%s, %s) = %q, %v, want %q", tc.user, tc.purpose, got.ID, err, tc.want)
		}
	}

	// Used tokens still count as the latest.
	wantOK(t, "UseOneTimeToken", s.UseOneTimeToken(ctx, "v3", at(5*time.Minute)))
	got, err := s.LatestOneTimeToken(ctx, "u1", core.PurposeVerification)
	if err != nil || got.ID != "v3" || !got.UsedAt.Equal(at(5*time.Minute)) {
		t.Errorf("LatestOneTimeToken after use = %q (used %v), %v, want v3 used at %v", got.ID, got.UsedAt, err, at(5*time.Minute))
	}
}

func testUseToken(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertToken(t, s, token("t1", "u1", core.PurposePasswordReset, at(0)))
	insertToken(t, s, token("t2", "u1", core.PurposePasswordReset, at(0)))

	wantOK(t, "UseOneTimeToken", s.UseOneTimeToken(ctx, "t1", at(time.Minute)))
	wantErr(t, "UseOneTimeToken again", s.UseOneTimeToken(ctx, "t1", at(2*time.Minute)), core.ErrNotFound)
	wantErr(t, "UseOneTimeToken of a missing id", s.UseOneTimeToken(ctx, "nope", at(time.Minute)), core.ErrNotFound)

	got, err := s.OneTimeTokenByID(ctx, "t1")
	wantOK(t, "OneTimeTokenByID", err)
	if !got.UsedAt.Equal(at(time.Minute)) {
		t.Errorf("UsedAt = %v, want the first use %v", got.UsedAt, at(time.Minute))
	}
	other, err := s.OneTimeTokenByID(ctx, "t2")
	wantOK(t, "OneTimeTokenByID", err)
	if !other.UsedAt.IsZero() {
		t.Errorf("using t1 marked t2 used at %v", other.UsedAt)
	}
}

func testUseTokenConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertToken(t, s, token("t1", "u1", core.PurposePasswordReset, at(0)))

	const n = 20
	errs := make(chan error, n)
	var start sync.WaitGroup
	start.Add(1)
	for i := range n {
		go func() {
			start.Wait()
			errs <- s.UseOneTimeToken(t.Context(), "t1", at(time.Duration(i+1)*time.Second))
		}()
	}
	start.Done()
	ok := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, core.ErrNotFound):
			t.Errorf("UseOneTimeToken = %v, want nil or ErrNotFound", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent uses succeeded, want exactly 1", ok, n)
	}
}

func testBurnUserTokens(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertToken(t, s, token("reset", "u1", core.PurposePasswordReset, at(0)))
	insertToken(t, s, token("verify", "u1", core.PurposeVerification, at(0)))
	insertToken(t, s, token("used", "u1", core.PurposeEmailChange, at(0)))
	insertToken(t, s, token("others", "u2", core.PurposePasswordReset, at(0)))
	wantOK(t, "UseOneTimeToken", s.UseOneTimeToken(ctx, "used", at(time.Minute)))

	burnt := at(time.Hour)
	wantOK(t, "BurnUserTokens", s.BurnUserTokens(ctx, "u1", burnt))
	wantOK(t, "BurnUserTokens of a user without tokens", s.BurnUserTokens(ctx, "ghost", burnt))

	want := map[string]time.Time{"reset": burnt, "verify": burnt, "used": at(time.Minute), "others": {}}
	for id, usedAt := range want {
		got, err := s.OneTimeTokenByID(ctx, id)
		wantOK(t, "OneTimeTokenByID", err)
		if !got.UsedAt.Equal(usedAt) {
			t.Errorf("token %s UsedAt = %v, want %v", id, got.UsedAt, usedAt)
		}
	}
	wantErr(t, "UseOneTimeToken of a burnt token", s.UseOneTimeToken(ctx, "reset", burnt), core.ErrNotFound)
}

func testPruneOneTimeTokens(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	before := at(time.Hour)
	// token() expires 30 minutes after creation.
	expired := token("expired", "u1", core.PurposeVerification, at(0))
	usedExpired := token("used-expired", "u1", core.PurposePasswordReset, at(10*time.Minute))
	boundary := token("boundary", "u1", core.PurposePasswordReset, at(30*time.Minute))
	live := token("live", "u1", core.PurposeEmailChange, at(45*time.Minute))
	for _, tok := range []core.OneTimeToken{expired, usedExpired, boundary, live} {
		insertToken(t, s, tok)
	}
	wantOK(t, "UseOneTimeToken", s.UseOneTimeToken(ctx, "used-expired", at(15*time.Minute)))

	n, err := s.PruneOneTimeTokens(ctx, before)
	if err != nil || n != 2 {
		t.Errorf("PruneOneTimeTokens = %d, %v, want 2", n, err)
	}
	for _, id := range []string{"expired", "used-expired"} {
		_, err := s.OneTimeTokenByID(ctx, id)
		wantErr(t, "pruned token "+id, err, core.ErrNotFound)
	}
	// Expiring exactly at `before` is not before it.
	for _, want := range []core.OneTimeToken{boundary, live} {
		got, err := s.OneTimeTokenByID(ctx, want.ID)
		wantOK(t, "OneTimeTokenByID", err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kept token %s (-want +got):\n%s", want.ID, diff)
		}
	}
	if n, err := s.PruneOneTimeTokens(ctx, before); err != nil || n != 0 {
		t.Errorf("second PruneOneTimeTokens = %d, %v, want 0", n, err)
	}
}
