package core_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

var codeInMail = regexp.MustCompile(`verification code is: (\d{4})\n`)

// codeTo delivers the queued mail and returns the newest code mailed to
// addr.
func (e *env) codeTo(t *testing.T, addr string) string {
	t.Helper()
	msgs := e.DeliverAll(t)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			m := codeInMail.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("mail to %s has no code: %q", addr, msgs[i].Text)
			}
			return m[1]
		}
	}
	t.Fatalf("no mail to %s among %d messages", addr, len(msgs))
	return ""
}

// otherCode returns a 4-digit code that is not code.
func otherCode(code string) string {
	if code == "0000" {
		return "0001"
	}
	return "0000"
}

func TestVerificationCodeFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	req := core.MailRequest{Email: "alice@example.com"}

	if err := e.svc.RequestVerificationCode(ctx, e.users, core.MailRequest{Email: "nobody@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Fatalf("pending mail after an unknown address = %d, want 0", n)
	}
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	code := e.codeTo(t, "alice@example.com")

	// The code is kept hashed, never as it was mailed.
	row, err := e.db.LatestOneTimeToken(ctx, u.ID, core.PurposeVerificationCode)
	if err != nil || string(row.Hash) == code || len(row.Hash) < 32 || !row.Expires.Equal(row.Created.Add(core.VerificationCodeTTL)) {
		t.Fatalf("stored code = %q (created %v, expires %v), %v", row.Hash, row.Created, row.Expires, err)
	}

	err = e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", otherCode(code))
	wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	// Unknown addresses get the very same answer.
	err = e.svc.ConfirmVerificationCode(ctx, e.users, "nobody@example.com", code)
	wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	if err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", code); err != nil {
		t.Fatalf("right code = %v", err)
	}
	got, _ := e.db.UserByID(ctx, e.users.ID, u.ID)
	if !got.Verified {
		t.Fatal("user not verified by the right code")
	}
	// Used; and a verified user is mailed no more codes.
	err = e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", code)
	wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	e.clock.Advance(time.Hour)
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Errorf("pending mail for a verified user = %d, want 0", n)
	}
}

func TestVerificationCodeRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	req := core.MailRequest{Email: "alice@example.com"}

	for _, bad := range []string{"", "123", "12345", "12a4", "١٢٣٤", " 123"} {
		err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", bad)
		wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	}
	err := e.svc.ConfirmVerificationCode(ctx, e.users, "not an email", "1234")
	wantField(t, err, "email", core.FieldIsEmail)
	err = e.svc.RequestVerificationCode(ctx, e.supers, req)
	wantKind(t, err, core.KindInvalid, core.CodeSuperuserVerified)

	// Expired after two minutes.
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	code := e.codeTo(t, "alice@example.com")
	e.clock.Advance(core.VerificationCodeTTL + time.Second)
	err = e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", code)
	wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)

	// Only the newest code counts.
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	first := e.codeTo(t, "alice@example.com")
	e.clock.Advance(3 * time.Minute) // past the throttle
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	second := e.codeTo(t, "alice@example.com")
	if first != second {
		err = e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", first)
		wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	}
	if err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", second); err != nil {
		t.Fatalf("newest code = %v", err)
	}
}

// TestVerificationCodeBruteForce: a code takes five tries, then even the
// right code is refused; an address takes twenty a day across codes.
func TestVerificationCodeBruteForce(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{ResendThrottle: time.Second})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	req := core.MailRequest{Email: "alice@example.com"}
	// Start the day's window fresh, so the test does not straddle two.
	e.clock.Advance(e.clock.Now().Truncate(24 * time.Hour).Add(24*time.Hour + time.Hour).Sub(e.clock.Now()))

	for round := range 3 {
		if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
			t.Fatal(err)
		}
		code := e.codeTo(t, "alice@example.com")
		for range 5 {
			err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", otherCode(code))
			wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
		}
		err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", code)
		ce := wantKind(t, err, core.KindRateLimited, core.CodeVerificationCodeTooMany)
		if ce.RetryAfter <= 0 || ce.RetryAfter > core.VerificationCodeTTL {
			t.Fatalf("round %d: retry after %v, want within the code's life", round, ce.RetryAfter)
		}
		e.clock.Advance(2 * time.Second)
	}
	// 18 tries counted; two more are the address's twenty a day. Past
	// them even a fresh, right code is refused until the day ends.
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	code := e.codeTo(t, "alice@example.com")
	for range 2 {
		err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", otherCode(code))
		wantKind(t, err, core.KindInvalid, core.CodeVerificationCodeInvalid)
	}
	err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", code)
	ce := wantKind(t, err, core.KindRateLimited, core.CodeVerificationCodeTooMany)
	if ce.RetryAfter < time.Hour {
		t.Errorf("daily budget retry after %v, want the rest of the day", ce.RetryAfter)
	}
	// Another spelling of the address shares the budget.
	err = e.svc.ConfirmVerificationCode(ctx, e.users, "ALICE@example.com", code)
	wantKind(t, err, core.KindRateLimited, core.CodeVerificationCodeTooMany)
	e.clock.Advance(24 * time.Hour)
	if err := e.svc.RequestVerificationCode(ctx, e.users, req); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ConfirmVerificationCode(ctx, e.users, "alice@example.com", e.codeTo(t, "alice@example.com")); err != nil {
		t.Fatalf("a new day's code = %v", err)
	}
}
