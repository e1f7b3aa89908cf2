package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// loginStride scatters consecutive logins across the dataset (a prime,
// so i x stride mod users visits every user when users is not a multiple
// of it).
const loginStride = 7919

// population is the users of one dataset that the scenarios draw on.
type population struct {
	label  string // "1k", "1M"
	users  int    // seeded argon2id users, userEmail(0..users-1)
	bcrypt int    // seeded imported users, importEmail(0..bcrypt-1)
	// sample is the users logged in before the scenarios, with tokens,
	// spread evenly over the dataset.
	sample []user
	// adminPassword is the superuser's (adminEmail), for the sessions
	// and audit scenarios.
	adminPassword string

	nextLogin  atomic.Uint64
	nextImport atomic.Int64
	nextSignup atomic.Int64
}

// loginEmail returns the next seeded user to log in as.
func (p *population) loginEmail() string {
	i := p.nextLogin.Add(1) - 1
	stride := uint64(loginStride)
	if p.users%loginStride == 0 {
		stride = 1
	}
	return userEmail(int(i * stride % uint64(p.users)))
}

// freshImport returns an imported user who has never logged in, so the
// login verifies bcrypt and rehashes; false once all have been used.
func (p *population) freshImport() (string, bool) {
	i := p.nextImport.Add(1) - 1
	if i >= int64(p.bcrypt) {
		return "", false
	}
	return importEmail(int(i)), true
}

// signupEmail returns an address no user has yet.
func (p *population) signupEmail() string {
	return fmt.Sprintf("signup%07d@bench.local", p.nextSignup.Add(1)-1)
}

// sampleIndex is the seeded user the i-th of n sample users is.
func sampleIndex(i, n, users int) int { return int(int64(i) * int64(users) / int64(n)) }

// logInSample logs n seeded users in (spread over the dataset) through
// auth-with-password, conc at a time, and returns them with their ids
// and tokens.
func logInSample(ctx context.Context, a *api, users, n, conc int) ([]user, error) {
	n = min(n, users)
	out := make([]user, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			email := userEmail(sampleIndex(i, n, users))
			var token, id string
			status, err := whileBusy(ctx, func() (status int, err error) {
				status, token, id, err = a.loginRecord(ctx, email, seedPassword)
				return status, err
			})
			if err != nil || status != http.StatusOK || token == "" || id == "" {
				errs <- fmt.Errorf("log in %s: status %d: %v", email, status, err)
				return
			}
			out[i] = user{id: id, email: email, password: seedPassword, token: token}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// slot is one client's state: a user and the newest tokens it holds. A
// slot serves one request at a time, as one client's requests follow
// each other: a refresh chain is never forked.
type slot struct {
	u user
	// refresh is the token the scenario chains: a Directus refresh
	// token, or a Payload access token.
	refresh string
}

// slotPool hands out slots; it holds at least as many as there are
// connections, so taking one never waits in practice.
type slotPool chan *slot

func newSlotPool(slots []*slot) slotPool {
	p := make(slotPool, len(slots))
	for _, s := range slots {
		p <- s
	}
	return p
}

// take waits for a free slot.
func (p slotPool) take(ctx context.Context) (*slot, error) {
	select {
	case s := <-p:
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put returns a slot.
func (p slotPool) put(s *slot) { p <- s }

// userSlots makes one slot per user.
func userSlots(users []user) []*slot {
	out := make([]*slot, len(users))
	for i, u := range users {
		out[i] = &slot{u: u}
	}
	return out
}
