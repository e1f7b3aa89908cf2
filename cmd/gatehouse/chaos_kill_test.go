package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The kill -9 scenarios: a server process under load is killed with
// SIGKILL mid-request and started again on the same data. Whatever was
// acknowledged (answered 2xx) before the kill must hold after the
// restart; a request that got no answer may have taken effect or not, but
// never half.

const chaosPassword = "chaos password 0"

// forEachBackend runs a scenario on SQLite (in the node's data directory)
// and on PostgreSQL (a fresh schema; skipped without
// GATEHOUSE_TEST_POSTGRES_DSN, like every PostgreSQL test).
func forEachBackend(t *testing.T, scenario func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { scenario(t, "") })
	t.Run("postgres", func(t *testing.T) { scenario(t, freshPostgres(t)) })
}

// signUpBody is a PocketBase sign-up.
func signUpBody(email, password string) map[string]any {
	return map[string]any{"email": email, "password": password, "passwordConfirm": password}
}

// loginBody is a PocketBase password login.
func loginBody(email, password string) map[string]any {
	return map[string]any{"identity": email, "password": password}
}

const (
	pathSignUp  = "/api/collections/users/records"
	pathLogin   = "/api/collections/users/auth-with-password"
	pathRefresh = "/api/collections/users/auth-with-refresh-token"
)

// TestChaosKillSignUps kills the server during a sign-up flood. Every
// sign-up answered 2xx exists after the restart and logs in; a sign-up
// without an answer either exists whole (it logs in) or not at all.
func TestChaosKillSignUps(t *testing.T) {
	chaosOnly(t)
	forEachBackend(t, func(t *testing.T, db string) {
		n := startChaosNode(t, "", db, "", nil)
		var (
			mu                sync.Mutex
			acked, unanswered []string
			bad               unexpected
			enough            = newMilestone(40)
			ctx, stopLoad     = context.WithCancel(t.Context())
		)
		wait := load(ctx, 8, func(ctx context.Context, w, round int) {
			email := fmt.Sprintf("s%d-%d@example.com", w, round)
			o := try(ctx, n.URL, "POST", pathSignUp, signUpBody(email, chaosPassword))
			mu.Lock()
			switch {
			case o.ok():
				acked = append(acked, email)
			case o.Status == 0 || o.refused():
				unanswered = append(unanswered, email)
			default:
				bad.add("sign-up", o)
			}
			mu.Unlock()
			if o.ok() {
				enough.add()
			}
			if o.Status == 0 {
				<-ctx.Done() // the server is gone: this worker is done
			}
		})
		enough.wait(t, "acknowledged sign-ups before the kill", 20*time.Second)
		n.killSoon(t)
		stopLoad()
		wait()
		bad.report(t)

		n.restart(t)
		view := openStoreView(t, n)
		for _, email := range acked {
			if got := view.users(t, email); got != 1 {
				t.Errorf("acknowledged sign-up %s: %d accounts after the restart", email, got)
				continue
			}
			if o := try(t.Context(), n.URL, "POST", pathLogin, loginBody(email, chaosPassword)); o.Status != 200 {
				t.Errorf("acknowledged sign-up %s cannot log in after the restart: %s", email, o)
			}
		}
		committed := 0
		for _, email := range unanswered {
			if view.users(t, email) == 0 {
				continue
			}
			committed++
			if o := try(t.Context(), n.URL, "POST", pathLogin, loginBody(email, chaosPassword)); o.Status != 200 {
				t.Errorf("unanswered sign-up %s was stored but cannot log in: %s", email, o)
			}
		}
		n.signUp(t, "after@example.com", chaosPassword)
		t.Logf("%d sign-ups acknowledged before the kill, all kept; %d in flight, %d of them committed",
			len(acked), len(unanswered), committed)
	})
}

// pwUser is one account whose password a worker keeps changing:
// chaosPwd(acked) is the last change answered 200, and inflight says a
// change to chaosPwd(acked+1) got no answer.
type pwUser struct {
	email, id string
	acked     int
	inflight  bool
}

func chaosPwd(k int) string { return fmt.Sprintf("chaos password %d", k) }

// TestChaosKillLogins kills the server while users log in and others
// change their passwords. After the restart every session whose login
// was answered still authenticates, every acknowledged password change is
// in effect (the new password works, the one before does not), and a
// change without an answer left exactly one of the two passwords working.
func TestChaosKillLogins(t *testing.T) {
	chaosOnly(t)
	forEachBackend(t, func(t *testing.T, db string) {
		n := startChaosNode(t, "", db, "", nil)
		const loginUsers = 6
		for i := range loginUsers {
			n.signUp(t, fmt.Sprintf("l%d@example.com", i), chaosPassword)
		}
		pw := make([]*pwUser, 4)
		for i := range pw {
			email := fmt.Sprintf("p%d@example.com", i)
			pw[i] = &pwUser{email: email, id: n.signUp(t, email, chaosPassword)}
		}
		var (
			mu            sync.Mutex
			tokens        []string
			bad           unexpected
			logins        = newMilestone(30)
			changes       = newMilestone(6)
			ctx, stopLoad = context.WithCancel(t.Context())
		)
		wait := load(ctx, 4+len(pw), func(ctx context.Context, w, round int) {
			var answered bool
			if w < 4 {
				answered = chaosLogin(ctx, n, fmt.Sprintf("l%d@example.com", (w+round)%loginUsers), &bad, func(tok string) {
					mu.Lock()
					tokens = append(tokens, tok)
					mu.Unlock()
					logins.add()
				})
			} else {
				answered = chaosChangePassword(ctx, n, pw[w-4], &bad, changes.add)
			}
			if !answered {
				<-ctx.Done()
			}
		})
		logins.wait(t, "acknowledged logins before the kill", 20*time.Second)
		changes.wait(t, "acknowledged password changes before the kill", 20*time.Second)
		n.killSoon(t)
		stopLoad()
		wait()
		bad.report(t)

		n.restart(t)
		for _, tok := range tokens {
			if o := try(t.Context(), n.URL, "POST", "/api/collections/users/auth-refresh", nil, "Authorization", tok); o.Status != 200 {
				t.Errorf("a session whose login was acknowledged is gone after the restart: %s", o)
				break
			}
		}
		for _, u := range pw {
			checkPasswordAfterCrash(t, n, u)
		}
		t.Logf("%d logins and %d password changes acknowledged before the kill", len(tokens), changes.count.Load())
	})
}

// chaosLogin logs email in and hands an acknowledged token to keep. It
// reports whether the request was answered.
func chaosLogin(ctx context.Context, n *chaosNode, email string, bad *unexpected, keep func(string)) bool {
	o := try(ctx, n.URL, "POST", pathLogin, loginBody(email, chaosPassword))
	switch {
	case o.Status == 200 && o.str("token") != "":
		keep(o.str("token"))
	case o.Status != 0 && !o.refused():
		bad.add("login", o)
	}
	return o.Status != 0
}

// chaosChangePassword logs u in with its current password and changes it
// to the next one, counting an acknowledged change with acked. It reports
// whether u's password is still known: false once a change got no answer
// or a 503, after which the worker stops.
func chaosChangePassword(ctx context.Context, n *chaosNode, u *pwUser, bad *unexpected, acked func()) bool {
	o := try(ctx, n.URL, "POST", pathLogin, loginBody(u.email, chaosPwd(u.acked)))
	if o.Status != 200 {
		if o.Status != 0 && !o.refused() {
			bad.add("login before a password change", o)
		}
		return o.Status != 0
	}
	next := chaosPwd(u.acked + 1)
	u.inflight = true
	o = try(ctx, n.URL, "PATCH", "/api/collections/users/records/"+u.id, map[string]any{
		"oldPassword": chaosPwd(u.acked), "password": next, "passwordConfirm": next,
	}, "Authorization", o.str("token"))
	switch {
	case o.Status == 200:
		u.acked, u.inflight = u.acked+1, false
		acked()
	case o.Status == 0 || o.refused():
		return false
	default:
		u.inflight = false
		bad.add("password change", o)
	}
	return true
}

// checkPasswordAfterCrash checks which of u's passwords works after the
// restart: the last acknowledged one, or (only when a change was in
// flight at the kill) the one it was changing to, never both, and never
// the one before the last acknowledged change.
func checkPasswordAfterCrash(t *testing.T, n *chaosNode, u *pwUser) {
	t.Helper()
	works := func(k int) bool {
		o := try(t.Context(), n.URL, "POST", pathLogin, loginBody(u.email, chaosPwd(k)))
		if o.Status != 200 && o.Status != 400 {
			t.Errorf("%s: login = %s, want 200 or 400", u.email, o)
		}
		return o.Status == 200
	}
	last, next := works(u.acked), u.inflight && works(u.acked+1)
	switch {
	case last && next:
		t.Errorf("%s: both password %d and %d work", u.email, u.acked, u.acked+1)
	case !last && !next && u.inflight:
		t.Errorf("%s: neither password %d (acknowledged) nor %d (in flight) works", u.email, u.acked, u.acked+1)
	case !last && !u.inflight:
		t.Errorf("%s: acknowledged password %d does not work after the restart", u.email, u.acked)
	}
	if u.acked > 0 && works(u.acked-1) {
		t.Errorf("%s: password %d works again, although its change to %d was acknowledged", u.email, u.acked-1, u.acked)
	}
}

// chain is one session's refresh tokens as its client sees them: cur is
// the last token an answer handed out, and inflight says a rotation of
// cur got no answer (it may have committed).
type chain struct {
	cur      string
	inflight bool
}

// TestChaosKillRefresh kills the server while clients rotate their
// refresh tokens, some sending each rotation twice at once (two tabs).
// Two answers for one token carry the same successor; in the database
// every token has at most one successor and every rotation is recorded
// on both sides; after the restart each client's last token (retried,
// the reuse grace covering a rotation that committed unanswered) still
// rotates, and so does the token it gets.
func TestChaosKillRefresh(t *testing.T) {
	chaosOnly(t)
	forEachBackend(t, func(t *testing.T, db string) {
		n := startChaosNode(t, "", db, "", nil)
		chains := make([]*chain, 8)
		for i := range chains {
			email := fmt.Sprintf("r%d@example.com", i)
			n.signUp(t, email, chaosPassword)
			_, rt := n.loginWithRefresh(t, email, chaosPassword)
			chains[i] = &chain{cur: rt}
		}
		var (
			bad           unexpected
			rotations     = newMilestone(80)
			ctx, stopLoad = context.WithCancel(t.Context())
		)
		wait := load(ctx, len(chains), func(ctx context.Context, w, round int) {
			copies := 1 + round%2 // every other rotation is sent twice at once
			if !rotateChain(ctx, n, chains[w], copies, &bad) {
				<-ctx.Done()
				return
			}
			if !chains[w].inflight {
				rotations.add()
			}
		})
		rotations.wait(t, "acknowledged rotations before the kill", 20*time.Second)
		n.killSoon(t)
		stopLoad()
		wait()
		bad.report(t)

		n.restart(t)
		view := openStoreView(t, n)
		view.checkRefreshChains(t)
		inflight := 0
		for i, c := range chains {
			if c.inflight {
				inflight++
			}
			for step := range 2 {
				o := try(t.Context(), n.URL, "POST", pathRefresh, map[string]any{"refreshToken": c.cur})
				if o.Status != 200 || o.str("meta.refreshToken") == "" {
					t.Errorf("chain %d (rotation in flight at the kill: %v), rotation %d after the restart: %s", i, c.inflight, step+1, o)
					break
				}
				c.cur = o.str("meta.refreshToken")
			}
		}
		total := view.checkRefreshChains(t)
		t.Logf("%d rotations acknowledged before the kill (503s: %d), %d in flight; %d refresh tokens stored",
			rotations.count.Load(), bad.refused.Load(), inflight, total)
	})
}

// rotateChain rotates c's token, sending the request copies times at
// once. Every answer must be a 200 or a 503 with Retry-After (after which
// the client retries the same token, as a client does), and the 200s
// must name one successor. It reports false when a request got no
// answer: the server is gone.
func rotateChain(ctx context.Context, n *chaosNode, c *chain, copies int, bad *unexpected) bool {
	outs := make([]outcome, copies)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			outs[i] = try(ctx, n.URL, "POST", pathRefresh, map[string]any{"refreshToken": c.cur})
		})
	}
	wg.Wait()
	next, gone := "", false
	for _, o := range outs {
		switch {
		case o.Status == 0:
			gone = true
		case o.refused():
			bad.refused.Add(1)
		case o.Status != 200 || o.str("meta.refreshToken") == "":
			bad.add("rotation", o)
		case next != "" && o.str("meta.refreshToken") != next:
			bad.add("two successors for one refresh token", o)
		default:
			next = o.str("meta.refreshToken")
		}
	}
	if next != "" {
		c.cur, c.inflight = next, false
		return true
	}
	c.inflight = true
	return !gone
}
