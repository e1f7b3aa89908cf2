package postgres

import (
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// Simultaneous refreshes with one token, through core on PostgreSQL: the
// rotation is one READ COMMITTED statement, so the racers never meet a
// serialization failure; every one gets the same successor (the reuse
// grace) and none is refused as busy. Before issue 16 the rotation ran
// in a SERIALIZABLE transaction, and eight racers under -race could use
// up its ten attempts and answer store_busy.
func TestRefreshRaceOnPostgres(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	now := time.Now()
	keys, err := tokens.LoadOrCreate(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	settings := core.Settings{AppName: "Acme", AppURL: "http://app.test", Issuer: "http://app.test",
		RefreshReuseGrace: 10 * time.Second}
	svc, err := core.New(settings, core.Deps{Store: db, Hasher: h, Signer: keys, Collections: cols})
	if err != nil {
		t.Fatal(err)
	}
	users, _ := cols.Find("users")
	email, password := "race@example.com", "correct horse"
	if _, err := svc.CreateUser(ctx, nil, users, core.UserInput{Email: &email, Password: &password}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.LoginWithPassword(ctx, users, core.PasswordLogin{Identity: email, Password: password, RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	token := res.RefreshToken
	const racers, rounds = 8, 5
	for round := range rounds {
		results := make([]core.AuthResult, racers)
		errs := make([]error, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				<-start
				results[i], errs[i] = svc.RefreshWithToken(ctx, users, token)
			})
		}
		close(start)
		wg.Wait()
		next := ""
		for i := range racers {
			if errs[i] != nil {
				t.Fatalf("round %d, refresh %d: %v", round, i, errs[i])
			}
			if next != "" && results[i].RefreshToken != next {
				t.Fatalf("round %d: two successors for one token", round)
			}
			next = results[i].RefreshToken
		}
		token = next
	}
}
