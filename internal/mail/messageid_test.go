package mail

import (
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// The SMTP server takes the whole first attempt but never answers; the
// attempt times out and is retried. Both copies carry one Message-ID,
// derived from the outbox id and the sender's domain, so a receiver that
// did keep the first copy can drop the second.
func TestRetryKeepsMessageID(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	srv.HoldNext(1)
	from := Address{Name: "Acme", Email: "auth@mail.example.com"}
	sender, err := NewSMTP(srv.URL(), from, SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{ID: "msg-1", To: "a@example.com", Subject: "s", Text: "t"})
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, SendTimeout: 300 * time.Millisecond,
		RetryBase: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond})
	runWorker(t, w)

	held := srv.WaitHeld(t, 1, 5*time.Second)
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	first, retry := held[0].Header(t).Get("Message-ID"), msgs[0].Header(t).Get("Message-ID")
	if first != "<msg-1@mail.example.com>" || retry != first {
		t.Errorf("Message-ID of the first attempt %q, of the retry %q; want both <msg-1@mail.example.com>", first, retry)
	}
	waitFor(t, 5*time.Second, "marked sent", func() bool { return !store.get(t, ids[0]).SentAt.IsZero() })
	if m := store.get(t, ids[0]); m.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", m.Attempts)
	}
}

// Another worker (another node, or the next start) composes the same
// Message-ID for the same outbox message.
func TestMessageIDStable(t *testing.T) {
	t.Parallel()
	from := Address{Email: "no-reply@example.org"}
	m := core.OutboxMessage{ID: "abc_DEF-123", To: "a@example.com", Subject: "s", Text: "t", Created: time.Now()}
	var got []string
	for range 2 {
		msg, err := compose(from, m, time.Now(), gomail.EncodingQP)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msg.GetMessageID())
	}
	if len(got) != 2 || got[0] != got[1] || got[0] != "<abc_DEF-123@example.org>" {
		t.Errorf("Message-IDs = %q, want <abc_DEF-123@example.org> twice", got)
	}
}

// An id with characters a Message-ID cannot hold is hashed, not
// replaced by a random one: still the same on every attempt, and still
// distinct from another id that differs only in those characters.
func TestMessageIDOfOddIDs(t *testing.T) {
	t.Parallel()
	from := Address{Email: "a@example.com"}
	a, b := messageID("x y", from), messageID("x\ty", from)
	if a != messageID("x y", from) || a == b || a == messageID("xy", from) {
		t.Errorf("Message-IDs %q, %q: want stable and distinct", a, b)
	}
	if got := messageID("", from); got != messageID("", from) {
		t.Errorf("Message-ID of an empty id is not stable: %q", got)
	}
}
