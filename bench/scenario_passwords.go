package main

import (
	"context"
	"fmt"
)

// runLogin measures password logins of seeded users whose hash is the
// server's current argon2id: one verify each, no rehash. Logins walk the
// whole dataset (not only the logged-in sample), so each finds its user
// through the email index as a real login would.
func runLogin(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "login"}
	return rep, h.measure(ctx, rep, "logins", loginLoad, pairWithCeiling)
}

// loginLoad logs the dataset's users in, walking all of them.
func loginLoad(h *harness, a *api) mixedRequest {
	return single(func(ctx context.Context) (int, error) {
		status, _, err := a.login(ctx, h.pop.loginEmail(), seedPassword)
		return status, err
	})
}

// runLoginBcrypt measures first logins of users imported from PocketBase
// with bcrypt-10 hashes: each verifies bcrypt, then rehashes the password
// to argon2id and stores it. Every login of the measured phases takes a
// user who has never logged in (there is no warm-up, and the dataset
// holds more imported users than the phases can use); a run that ran out
// would show no_fresh_user outcomes.
func runLoginBcrypt(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "login-bcrypt"}
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	send := func(ctx context.Context) (int, error) {
		email, ok := h.pop.freshImport()
		if !ok {
			return 0, errNoFreshUser
		}
		status, _, err := a.login(ctx, email, seedPassword)
		return status, err
	}
	if err := h.maxThenPaced(ctx, rep, "first logins", single(send), false); err != nil {
		return rep, err
	}
	used := min(h.pop.nextImport.Load(), int64(h.pop.bcrypt))
	rep.Notes = append(rep.Notes, fmt.Sprintf(
		"%d of %d imported bcrypt-10 users logged in, each for the first time (bcrypt verify, then argon2id rehash)",
		used, h.pop.bcrypt))
	return rep, nil
}

// runSignup measures POST /api/collections/users/records: a new user
// with a fresh address each time (one argon2id hash and one insert).
func runSignup(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "signup"}
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	send := func(ctx context.Context) (int, error) {
		email := h.pop.signupEmail()
		req, err := a.postJSON(ctx, "/api/collections/users/records",
			map[string]string{"email": email, "password": seedPassword, "passwordConfirm": seedPassword})
		if err != nil {
			return 0, err
		}
		return a.do(req, nil)
	}
	return rep, h.maxThenPaced(ctx, rep, "sign-ups", single(send), true)
}

// bcryptUsersFor sizes the imported users so the login-bcrypt phases
// cannot run out: no more first logins can happen than the hashing pool
// can verify bcrypt hashes, over the closed phase and its paced twin,
// plus the requests in flight at each end, with half again as margin
// for a server faster than the bench's own measurement.
func bcryptUsersFor(o options, workers int, bcryptMs float64) int {
	if bcryptMs <= 0 {
		return 1000
	}
	perSec := float64(workers) * 1000 / bcryptMs
	need := 1.5*perSec*o.duration.Seconds()*(1+o.pacedShare) + float64(4*o.concurrency)
	return max(1000, int(need))
}
