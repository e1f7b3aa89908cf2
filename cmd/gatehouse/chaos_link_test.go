package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/tcpproxy"
)

// linkFault is something done to the TCP link between the nodes and
// PostgreSQL, through the proxy in front of the database.
type linkFault struct {
	// begin starts the fault and returns the function that ends it.
	begin func(p *tcpproxy.Proxy) (end func())
	// mustServe says some requests must still succeed while the fault
	// lasts: a slow link slows the service down, it does not stop it.
	mustServe bool
}

// linkFaultLasts is how long each fault is held while the load runs.
const linkFaultLasts = 3 * time.Second

// linkBound is how long any answer may take while the link is broken:
// every database call fails within db.query_timeout (2s in chaosYAML;
// docs/deploy.md, "When the database fails"), plus slack for a password
// hash and a loaded machine.
const linkBound = 2*time.Second + 2*time.Second

// linkRecovers bounds how long after a fault ends both nodes serve again,
// without a restart.
const linkRecovers = 15 * time.Second

// TestChaosDatabaseLink runs two nodes on one PostgreSQL database through
// a TCP proxy and, under a load of sign-ups, logins and refresh rotations
// spread over both nodes, breaks the link in each way a network does:
// every connection reset (RST) four times a second, 50 ms added each way
// to every packet, or every connection frozen (open, nothing answered).
// While the fault lasts every answer is a success or a 503 with
// Retry-After, within linkBound (and with the delay, some requests still
// succeed); once it ends both nodes serve again within linkRecovers
// without a restart; every acknowledged sign-up exists, a sign-up refused
// with 503 exists whole or not at all, every refresh token has at most
// one successor, and every client's last refresh token (retried after a
// 503, within the reuse grace) still rotates.
func TestChaosDatabaseLink(t *testing.T) {
	chaosOnly(t)
	postgresDSN(t)
	t.Run("reset", func(t *testing.T) {
		linkScenario(t, linkFault{begin: resetLink(250 * time.Millisecond)})
	})
	t.Run("delayed", func(t *testing.T) {
		linkScenario(t, linkFault{mustServe: true, begin: func(p *tcpproxy.Proxy) func() {
			p.Delay(50 * time.Millisecond)
			return func() { p.Delay(0) }
		}})
	})
	t.Run("frozen", func(t *testing.T) {
		linkScenario(t, linkFault{begin: func(p *tcpproxy.Proxy) func() {
			p.Freeze()
			return p.Thaw
		}})
	})
}

// resetLink resets every connection through the proxy every period, new
// connections going through at once, until the fault ends.
func resetLink(period time.Duration) func(p *tcpproxy.Proxy) func() {
	return func(p *tcpproxy.Proxy) func() {
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(period)
			defer tick.Stop()
			for {
				p.Reset()
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		return func() { close(stop); <-done }
	}
}

// linkLoad is what the load did, shared by its workers.
type linkLoad struct {
	mu      sync.Mutex
	acked   []string // sign-ups answered 200
	refused []string // sign-ups answered 503
	bad     unexpected
	// broken is set when the fault begins and stays set while the nodes
	// recover: 503s are allowed, answers are bounded. during is set only
	// while the fault lasts, and okDuring counts its successes.
	broken, during bool
	okDuring       int
	answered       *milestone
}

// record files one answer; it reports whether it was a success.
func (l *linkLoad) record(what string, o outcome, signUp string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case o.ok():
		if signUp != "" {
			l.acked = append(l.acked, signUp)
		}
		if l.during {
			l.okDuring++
		}
	case o.refused() && l.broken:
		if signUp != "" {
			l.refused = append(l.refused, signUp)
		}
		l.bad.refused.Add(1)
	default:
		l.bad.add(what, o)
	}
	if l.broken && o.Took > linkBound {
		l.bad.add(what+" slower than "+linkBound.String()+" while the link was broken", o)
	}
	l.answered.add()
	return o.ok()
}

// set changes the load's phase and returns okDuring.
func (l *linkLoad) set(broken, during bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.broken, l.during = broken, during
	return l.okDuring
}

// linkScenario runs one fault against two nodes under load.
func linkScenario(t *testing.T, f linkFault) {
	p, db := proxiedPostgres(t)
	nodes := []*chaosNode{startChaosNode(t, "", db, "", nil), startChaosNode(t, "", db, "", nil)}
	chains := make([]*chain, 4)
	for i := range chains {
		email := fmt.Sprintf("c%d@example.com", i)
		nodes[i%2].signUp(t, email, chaosPassword)
		_, rt := nodes[(i+1)%2].loginWithRefresh(t, email, chaosPassword)
		chains[i] = &chain{cur: rt}
	}
	l := &linkLoad{answered: newMilestone(20)}
	ctx, stopLoad := context.WithCancel(t.Context())
	wait := load(ctx, 2+len(chains), func(ctx context.Context, w, round int) {
		node := nodes[(w+round)%2]
		var what, signUp string
		var o outcome
		switch {
		case w == 0:
			what, signUp = "sign-up", fmt.Sprintf("u%d@example.com", round)
			o = try(ctx, node.URL, "POST", pathSignUp, signUpBody(signUp, chaosPassword))
		case w == 1:
			what = "login"
			o = try(ctx, node.URL, "POST", pathLogin, loginBody(fmt.Sprintf("c%d@example.com", round%len(chains)), chaosPassword))
		default:
			what = "rotation"
			o = try(ctx, node.URL, "POST", pathRefresh, map[string]any{"refreshToken": chains[w-2].cur})
		}
		if ctx.Err() != nil {
			return // cut off by the end of the load, not by a node
		}
		if l.record(what, o, signUp) && what == "rotation" {
			chains[w-2].cur = o.str("meta.refreshToken")
		}
	})
	l.answered.wait(t, "answers before the fault", 20*time.Second)

	_ = l.set(true, true)
	end := f.begin(p)
	time.Sleep(linkFaultLasts) // the fault's duration, while the load runs
	end()
	if okDuring := l.set(true, false); f.mustServe && okDuring == 0 {
		t.Errorf("no request succeeded in the %s the link was slow", linkFaultLasts)
	}
	for i, n := range nodes {
		took := untilOK(t, fmt.Sprintf("node %d", i), linkRecovers, func(ctx context.Context) outcome {
			return try(ctx, n.URL, "POST", pathLogin, loginBody("c0@example.com", chaosPassword))
		})
		t.Logf("node %d served again %s after the fault ended", i, took.Round(time.Millisecond))
	}
	stopLoad()
	wait()
	l.bad.report(t)

	view := openStoreView(t, nodes[0])
	for _, email := range l.acked {
		if view.users(t, email) != 1 {
			t.Errorf("acknowledged sign-up %s is gone", email)
		}
	}
	kept := 0
	for _, email := range l.refused {
		if view.users(t, email) == 0 {
			continue
		}
		kept++
		if o := try(t.Context(), nodes[0].URL, "POST", pathLogin, loginBody(email, chaosPassword)); o.Status != 200 {
			t.Errorf("sign-up %s answered 503 was stored but cannot log in: %s", email, o)
		}
	}
	view.checkRefreshChains(t)
	for i, c := range chains {
		o := try(t.Context(), nodes[i%2].URL, "POST", pathRefresh, map[string]any{"refreshToken": c.cur})
		if o.Status != 200 {
			t.Errorf("chain %d: the client's last refresh token no longer rotates after the fault: %s", i, o)
		}
	}
	t.Logf("%d answers in all, %d of them 503s; %d successes while the fault lasted; %d sign-ups acknowledged, %d refused with 503 (%d of them stored anyway)",
		l.answered.count.Load(), l.bad.refused.Load(), l.okDuring, len(l.acked), len(l.refused), kept)
}
