package core_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestFoldEmailCaseLogin checks case-insensitive email lookup: it finds
// an address stored with capitals, refuses to guess between two users
// whose addresses differ only in case, and is off by default.
func TestFoldEmailCaseLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ada := e.signUp(t, "Ada@Example.com", "correct horse")
	e.signUp(t, "Bob@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "battery staple")
	// A user whose address merely contains the one sought is no match.
	e.signUp(t, "xada@example.com.au", "correct horse")

	folding := e.withProfile(t, core.Profile{FoldEmailCase: true})
	login := func(email, pw string, fold bool) (core.AuthResult, error) {
		svc := e.svc
		if fold {
			svc = folding.svc
		}
		return svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: email, Password: pw})
	}
	res, err := login("ada@EXAMPLE.com", "correct horse", true)
	if err != nil {
		t.Fatalf("folded login: %v", err)
	}
	if res.User.ID != ada.ID {
		t.Fatalf("folded login found %s, want %s", res.User.ID, ada.ID)
	}
	_, err = login("ada@EXAMPLE.com", "correct horse", false)
	wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)

	// Two spellings exist: only the exact ones log in.
	_, err = login("BOB@example.com", "correct horse", true)
	wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
	if _, err := login("bob@example.com", "battery staple", true); err != nil {
		t.Fatalf("exact spelling among two: %v", err)
	}
	if _, err := login("Bob@example.com", "correct horse", true); err != nil {
		t.Fatalf("exact spelling among two: %v", err)
	}
}

var tokenParam = regexp.MustCompile(`token=([A-Za-z0-9_\-.]+)`)

// linkToken returns the link and its token from the newest mail to addr.
func linkToken(t *testing.T, e *env, addr string) (link, token string) {
	t.Helper()
	for _, m := range slicesReverse(e.DeliverAll(t)) {
		if m.To != addr {
			continue
		}
		for _, line := range strings.Split(m.Text, "\n") {
			if mm := tokenParam.FindStringSubmatch(line); mm != nil {
				return strings.TrimSpace(line), mm[1]
			}
		}
		t.Fatalf("mail to %s has no token link: %q", addr, m.Text)
	}
	t.Fatalf("no mail to %s", addr)
	return "", ""
}

func slicesReverse(ms []core.OutboxMessage) []core.OutboxMessage {
	out := make([]core.OutboxMessage, len(ms))
	for i, m := range ms {
		out[len(ms)-1-i] = m
	}
	return out
}

// TestMailRequestLink checks a surface's own link and case folding on a
// reset request, and that the mailed token resets the password.
func TestMailRequestLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "Ada@Example.com", "correct horse")
	err := e.withProfile(t, core.Profile{FoldEmailCase: true}).svc.RequestPasswordReset(ctx, e.users, core.MailRequest{
		Email: "ada@example.com", ActionURL: "https://app.test/reset?lang=en&token={TOKEN}",
	})
	if err != nil {
		t.Fatal(err)
	}
	link, tok := linkToken(t, e, "Ada@Example.com")
	if want := "https://app.test/reset?lang=en&token=" + tok; link != want {
		t.Errorf("link = %q, want %q", link, want)
	}
	if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "new password"}); err != nil {
		t.Fatal(err)
	}
	// Without folding the other spelling is unknown: nothing is sent.
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.DeliverAll(t)); n != 0 {
		t.Errorf("an unfolded request for another spelling sent %d mails", n)
	}
}
