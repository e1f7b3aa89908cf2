//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestChaosDiskFull runs a SQLite server on a small tmpfs and fills the
// disk while users sign up and log in. While it is full, each request is
// either done (200: SQLite still had room in its log) or refused with 503
// and Retry-After, quickly, never 500; a refused sign-up leaves no
// account behind; reads keep working (a token check, the JWKS;
// docs/deploy.md, "When the database fails"). Once space is freed the server serves again without a
// restart, and after a kill -9 and restart the database is intact and
// holds every acknowledged sign-up.
func TestChaosDiskFull(t *testing.T) {
	chaosOnly(t)
	mnt := mountTmpfs(t, 8<<20) // fulldisk_test.go
	n := startChaosNode(t, filepath.Join(mnt, "data"), "", "", nil)
	const loginUsers = 4
	var acked []string
	for i := range loginUsers {
		acked = append(acked, fmt.Sprintf("l%d@example.com", i))
		n.signUp(t, acked[i], chaosPassword)
	}
	readerID := n.signUp(t, "reader@example.com", chaosPassword)
	acked = append(acked, "reader@example.com")
	token := n.loginToken(t, "users", "reader@example.com", chaosPassword)

	filler := fill(t, mnt)
	var (
		mu            sync.Mutex
		refused       []string
		bad           unexpected
		refusals      = newMilestone(20)
		ctx, stopLoad = context.WithCancel(t.Context())
	)
	wait := load(ctx, 6, func(ctx context.Context, w, round int) {
		var o outcome
		email := fmt.Sprintf("d%d-%d@example.com", w, round)
		if w%2 == 0 {
			o = try(ctx, n.URL, "POST", pathSignUp, signUpBody(email, chaosPassword))
		} else {
			o = try(ctx, n.URL, "POST", pathLogin, loginBody(acked[round%loginUsers], chaosPassword))
			email = ""
		}
		if ctx.Err() != nil {
			return // cut off by the end of the load, not by the server
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case o.Status == 200 && email != "":
			acked = append(acked, email)
		case o.Status == 200:
		case o.Status == 503 && o.Header.Get("Retry-After") != "":
			if email != "" {
				refused = append(refused, email)
			}
			refusals.add()
		default:
			bad.add("request on a full disk", o)
			return
		}
		if o.Took > 5*time.Second {
			bad.add("answer slower than 5s on a full disk", o)
		}
	})
	select {
	case <-refusals.done:
	case <-time.After(10 * time.Second):
	}
	stopLoad()
	wait()
	bad.report(t)
	if got := refusals.count.Load(); got < refusals.target {
		t.Fatalf("only %d requests refused with 503 in 10s on a full disk", got)
	}
	for _, path := range []string{"/api/collections/users/records/" + readerID, "/.well-known/jwks.json"} {
		if o := try(t.Context(), n.URL, "GET", path, nil, "Authorization", token); o.Status != 200 {
			t.Errorf("read %s on a full disk: %s, want 200", path, o)
		}
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	probes := 0
	took := untilOK(t, "sign-up after space was freed", 10*time.Second, func(ctx context.Context) outcome {
		probes++
		email := fmt.Sprintf("freed%d@example.com", probes)
		o := try(ctx, n.URL, "POST", pathSignUp, signUpBody(email, chaosPassword))
		if o.ok() {
			acked = append(acked, email)
		}
		return o
	})
	t.Logf("%d requests refused while the disk was full; serving again %s after space was freed",
		refusals.count.Load(), took.Round(time.Millisecond))

	n.kill(t)
	n.restart(t)
	view := openStoreView(t, n)
	if got := view.strings(t, "PRAGMA integrity_check"); len(got) != 1 || got[0] != "ok" {
		t.Errorf("integrity_check after the full disk: %v", got)
	}
	for _, email := range acked {
		if view.users(t, email) != 1 {
			t.Errorf("acknowledged sign-up %s is gone after the full disk and a restart", email)
		} else if o := try(t.Context(), n.URL, "POST", pathLogin, loginBody(email, chaosPassword)); o.Status != 200 {
			t.Errorf("acknowledged sign-up %s cannot log in: %s", email, o)
		}
	}
	for _, email := range refused {
		if view.users(t, email) != 0 {
			t.Errorf("sign-up %s was refused with 503 but its account exists", email)
		}
	}
}
