package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// chaosMailLease is the outbox lease the mail scenario runs with: a
// crashed worker's mail is claimable this long after its last renewal.
const chaosMailLease = 3 * time.Second

// mailAfterCrash bounds how long after a kill the mail the killed worker
// held is delivered, by the restarted node or by another node: one lease
// (docs/configuration.md, mail.lease), plus the restart and a margin for
// a busy machine.
const mailAfterCrash = chaosMailLease + 10*time.Second

const (
	pathResetRequest = "/api/collections/users/request-password-reset"
	pathResetConfirm = "/api/collections/users/confirm-password-reset"
)

// TestChaosKillMail kills the server while its mail worker is in the
// middle of a delivery (the SMTP server has the whole message and has not
// confirmed it) and while password resets are being requested; then,
// with the mailed links, kills it again while the resets are confirmed,
// each link sent twice at once. Invariants: every acknowledged reset
// request's mail is delivered soon after the restart (on PostgreSQL also
// by another node that keeps running, without any restart), and a mail
// that went out twice carries one Message-ID; the outbox empties; a reset
// link works at most once, across the crash too; an acknowledged reset is
// in effect after the restart, and an unanswered one either is (the new
// password works, the link is spent) or is not (the old password works,
// the link still works once).
func TestChaosKillMail(t *testing.T) {
	chaosOnly(t)
	forEachBackend(t, func(t *testing.T, db string) { killMailScenario(t, db, false) })
	t.Run("postgres, the other node delivers", func(t *testing.T) { killMailScenario(t, freshPostgres(t), true) })
}

// killMailScenario is TestChaosKillMail on one database. With otherNode,
// a second node on the same database, with its own mail relay, must
// deliver what the killed node held, and the killed node stays dead.
func killMailScenario(t *testing.T, db string, otherNode bool) {
	relay := smtptest.Start(t)
	relay.HoldNext(1) // the first mail stalls after its DATA, unconfirmed
	env := map[string]string{"GATEHOUSE_SMTP_URL": relay.URL(), "GATEHOUSE_MAIL_LEASE": chaosMailLease.String()}
	n := startChaosNode(t, "", db, "", env)
	deliverer, relays := n, []*smtptest.Server{relay}
	if otherNode {
		other := smtptest.Start(t)
		relays = append(relays, other)
		deliverer = startChaosNode(t, "", db, "", map[string]string{
			"GATEHOUSE_SMTP_URL": other.URL(), "GATEHOUSE_MAIL_LEASE": chaosMailLease.String()})
	}
	emails := make([]string, 16)
	for i := range emails {
		emails[i] = fmt.Sprintf("m%d@example.com", i)
		n.signUp(t, emails[i], chaosPassword)
	}

	acked, unanswered := requestResets(t, n, emails, relay)
	killed := time.Now()
	if !otherNode {
		n.restart(t)
	}
	msgs := waitResetMails(t, relays, acked, killed)
	t.Logf("%d resets acknowledged before the kill, %d in flight; their mail arrived %s after the kill (lease %s)",
		len(acked), len(unanswered), time.Since(killed).Round(time.Millisecond), chaosMailLease)
	checkOneMessageID(t, msgs)
	checkResent(t, relay.Held()[0], msgs)
	view := openStoreView(t, deliverer)
	untilTrue(t, "outbox empty after the kill", 10*time.Second, func() bool { return view.unsentMail(t) == 0 })

	tokens := map[string]string{} // the first reset link each user got
	for _, m := range msgs {
		if _, ok := tokens[m.To[0]]; !ok {
			tokens[m.To[0]] = tokenIn(t, m.Text(t), "confirm-password-reset")
		}
	}
	confirmed := confirmResets(t, deliverer, tokens)
	deliverer.restart(t)
	for email, tok := range tokens {
		checkResetAfterCrash(t, deliverer, email, tok, confirmed[email])
	}
}

// requestResets asks for a password reset for every email, four at a
// time, and kills n once relay holds a mail mid-delivery and half the
// requests were answered. It returns the emails whose request was
// acknowledged and those whose request got no answer (or a 503).
func requestResets(t *testing.T, n *chaosNode, emails []string, relay *smtptest.Server) (acked, unanswered []string) {
	t.Helper()
	var (
		mu            sync.Mutex
		bad           unexpected
		next          atomic.Int64
		half          = newMilestone(len(emails) / 2)
		ctx, stopLoad = context.WithCancel(t.Context())
	)
	wait := load(ctx, 4, func(ctx context.Context, _, _ int) {
		i := int(next.Add(1)) - 1
		if i >= len(emails) {
			<-ctx.Done()
			return
		}
		o := try(ctx, n.URL, "POST", pathResetRequest, map[string]any{"email": emails[i]})
		mu.Lock()
		switch {
		case o.Status == 204:
			acked = append(acked, emails[i])
		case o.Status == 0 || o.refused():
			unanswered = append(unanswered, emails[i])
		default:
			bad.add("reset request", o)
		}
		mu.Unlock()
		if o.Status == 204 {
			half.add()
		}
		if o.Status == 0 {
			<-ctx.Done()
		}
	})
	relay.WaitHeld(t, 1, 15*time.Second)
	half.wait(t, "acknowledged reset requests before the kill", 15*time.Second)
	n.kill(t)
	stopLoad()
	wait()
	bad.report(t)
	return acked, unanswered
}

// checkResent checks that the mail the SMTP server held when the worker
// died was delivered after the restart, under the same Message-ID: the
// receiver (who may already have it) can tell it is the same mail.
func checkResent(t *testing.T, held smtptest.Message, msgs []smtptest.Message) {
	t.Helper()
	id := held.Header(t).Get("Message-ID")
	for _, m := range msgs {
		if m.Header(t).Get("Message-ID") == id {
			return
		}
	}
	t.Errorf("the mail held at the crash (%s to %v) was not delivered again after it", id, held.To)
}

// waitResetMails waits until every acknowledged reset's mail has reached
// one of the relays, within mailAfterCrash of since (the kill), and
// returns every message they received.
func waitResetMails(t *testing.T, relays []*smtptest.Server, acked []string, since time.Time) []smtptest.Message {
	t.Helper()
	for {
		var msgs []smtptest.Message
		for _, r := range relays {
			msgs = append(msgs, r.Messages()...)
		}
		got := map[string]bool{}
		for _, m := range msgs {
			got[m.To[0]] = true
		}
		var missing []string
		for _, e := range acked {
			if !got[e] {
				missing = append(missing, e)
			}
		}
		if len(missing) == 0 {
			return msgs
		}
		if time.Since(since) > mailAfterCrash {
			t.Fatalf("%d of %d acknowledged reset mails not delivered %s after the kill: %v",
				len(missing), len(acked), mailAfterCrash, missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkOneMessageID fails if a recipient (who asked for one reset) got
// mails with different Message-IDs: a mail sent again after a crash must
// be recognisable as the same mail.
func checkOneMessageID(t *testing.T, msgs []smtptest.Message) {
	t.Helper()
	ids := map[string]map[string]int{}
	for _, m := range msgs {
		to, id := m.To[0], m.Header(t).Get("Message-ID")
		if id == "" {
			t.Errorf("mail to %s has no Message-ID", to)
		}
		if ids[to] == nil {
			ids[to] = map[string]int{}
		}
		ids[to][id]++
	}
	dups := 0
	for to, byID := range ids {
		if len(byID) > 1 {
			t.Errorf("%s asked for one reset and got %d different mails: %v", to, len(byID), byID)
		}
		for _, k := range byID {
			dups += k - 1
		}
	}
	t.Logf("%d mails delivered to %d recipients; %d sent again with the same Message-ID", len(msgs), len(ids), dups)
}

// confirmResets confirms each user's reset link, two requests at once per
// link, and kills n once half of them were acknowledged. A link accepted
// twice fails the test. It returns the users whose reset was
// acknowledged.
func confirmResets(t *testing.T, n *chaosNode, tokens map[string]string) map[string]bool {
	t.Helper()
	var users []string
	for e := range tokens {
		users = append(users, e)
	}
	var (
		mu            sync.Mutex
		bad           unexpected
		confirmed     = map[string]bool{}
		next          atomic.Int64
		half          = newMilestone(len(users) / 2)
		ctx, stopLoad = context.WithCancel(t.Context())
	)
	wait := load(ctx, 2, func(ctx context.Context, _, _ int) {
		i := int(next.Add(1)) - 1
		if i >= len(users) {
			<-ctx.Done()
			return
		}
		email := users[i]
		pw := "reset " + email
		body := map[string]any{"token": tokens[email], "password": pw, "passwordConfirm": pw}
		var outs [2]outcome
		var wg sync.WaitGroup
		for k := range outs {
			wg.Go(func() { outs[k] = try(ctx, n.URL, "POST", pathResetConfirm, body) })
		}
		wg.Wait()
		accepted, answered, gone := 0, 0, false
		for _, o := range outs {
			switch {
			case o.Status == 204:
				accepted++
				answered++
			case o.Status == 400:
				answered++
			case o.Status == 0:
				gone = true
			case o.refused(): // may have taken effect: checked after the restart
			default:
				bad.add("reset confirmation", o)
			}
		}
		if accepted > 1 {
			bad.add("one reset link accepted twice", outs[1])
		}
		if answered == 2 && accepted == 0 {
			bad.add("fresh reset link refused by both requests", outs[0])
		}
		if accepted > 0 {
			mu.Lock()
			confirmed[email] = true
			mu.Unlock()
			half.add()
		}
		if gone {
			<-ctx.Done()
		}
	})
	half.wait(t, "acknowledged reset confirmations before the kill", 15*time.Second)
	n.kill(t) // at once: the other worker's confirmation is in flight
	stopLoad()
	wait()
	bad.report(t)
	t.Logf("%d of %d reset confirmations acknowledged before the second kill", len(confirmed), len(users))
	return confirmed
}

// checkResetAfterCrash checks a reset link and the user's passwords after
// the restart. An acknowledged reset is in effect; an unanswered one left
// exactly one password working, and if it was the old one the link still
// works, once. In every case the link is spent at the end.
func checkResetAfterCrash(t *testing.T, n *chaosNode, email, token string, acked bool) {
	t.Helper()
	newPw := "reset " + email
	works := func(pw string) bool {
		o := try(t.Context(), n.URL, "POST", pathLogin, loginBody(email, pw))
		if o.Status != 200 && o.Status != 400 {
			t.Errorf("%s: login = %s, want 200 or 400", email, o)
		}
		return o.Status == 200
	}
	confirm := func() outcome {
		return try(t.Context(), n.URL, "POST", pathResetConfirm, map[string]any{"token": token, "password": newPw, "passwordConfirm": newPw})
	}
	oldOK, newOK := works(chaosPassword), works(newPw)
	switch {
	case oldOK && newOK:
		t.Errorf("%s: both the old and the reset password work", email)
	case acked && !newOK:
		t.Errorf("%s: the acknowledged reset is not in effect after the restart (old password works: %v)", email, oldOK)
	case !oldOK && !newOK:
		t.Errorf("%s: neither the old nor the reset password works", email)
	case oldOK:
		// The reset never committed: its link must still work, once.
		if o := confirm(); o.Status != 204 {
			t.Errorf("%s: unused reset link refused after the restart: %s", email, o)
		}
	}
	if o := confirm(); o.Status != 400 {
		t.Errorf("%s: a spent reset link answered %s, want 400", email, o)
	}
}

// untilTrue polls cond until it holds, failing the test after limit.
func untilTrue(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
