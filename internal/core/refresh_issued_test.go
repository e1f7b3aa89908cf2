package core_test

import (
	"context"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// usesCounted is a store that counts refresh reads (RefreshTokenUse):
// a rotation decided from this node's memo and cache makes none.
type usesCounted struct {
	core.Store
	uses atomic.Int32
}

func (s *usesCounted) RefreshTokenUse(ctx context.Context, hash []byte) (core.RefreshUse, error) {
	s.uses.Add(1)
	return s.Store.RefreshTokenUse(ctx, hash)
}

// node is one node of a cluster on e's database: a Service with its own
// caches (the session cache on, with ttl), profile p, the grace and
// lockout given, over store (e's database when nil).
type node struct {
	svc   *core.Service
	users *core.Collection
	store *usesCounted
}

type nodeOpts struct {
	ttl, grace time.Duration
	lockout    core.LockoutPolicy
	profile    core.Profile
}

func (e *env) node(t *testing.T, o nodeOpts) *node {
	t.Helper()
	ctx := context.Background()
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	keys, err := tokens.LoadOrCreate(ctx, e.db, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	store := &usesCounted{Store: e.db}
	settings := core.Settings{AppName: coretest.AppName, AppURL: coretest.AppURL, Issuer: coretest.AppURL,
		SessionCacheTTL: o.ttl, RefreshReuseGrace: o.grace, Lockout: o.lockout}
	svc, err := core.New(settings, core.Deps{Store: store, Hasher: h, Signer: keys, Collections: cols, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if svc, err = svc.WithProfile(coretest.Unpadded(o.profile)); err != nil {
		t.Fatal(err)
	}
	users, _ := svc.Collection("users")
	return &node{svc: svc, users: users, store: store}
}

// login signs email in on n with a refresh token.
func (n *node) login(t *testing.T, email, password string) core.AuthResult {
	t.Helper()
	res, err := n.svc.LoginWithPassword(context.Background(), n.users,
		core.PasswordLogin{Identity: email, Password: password, RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// rotate refreshes with token on n, failing the test on an error.
func (n *node) rotate(t *testing.T, token string) core.AuthResult {
	t.Helper()
	res, err := n.svc.RefreshWithToken(context.Background(), n.users, token)
	if err != nil {
		t.Fatalf("RefreshWithToken: %v", err)
	}
	return res
}

// storedToken reads token's row from the store.
func (e *env) storedToken(t *testing.T, token string) core.RefreshToken {
	t.Helper()
	sum := sha256.Sum256([]byte(token))
	rt, err := e.db.RefreshTokenByHash(context.Background(), sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// directus is the profile the Directus surface rotates with.
var directus = core.Profile{RefuseLockedRefresh: true, NoReuseGrace: true}

// A token this node issued rotates without a read, and the chain goes on
// doing so; the tokens it hands out are real (stored, authenticating).
func TestIssuedRotationSkipsTheRead(t *testing.T) {
	e := newEnv(t)
	e.signUp(t, "ann@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: time.Minute, profile: directus,
		lockout: core.LockoutPolicy{MaxFailures: 3, Window: time.Hour, Duration: time.Hour}})
	res := n.login(t, "ann@example.com", "correct horse")
	res = n.rotate(t, res.RefreshToken) // a login's token: read
	if got := n.store.uses.Load(); got != 1 {
		t.Fatalf("first rotation read %d times, want 1", got)
	}
	// The second moves the session's expiry (once a minute), which
	// drops its cached entry: the third reads again.
	e.clock.Advance(time.Second)
	res = n.rotate(t, res.RefreshToken)
	e.clock.Advance(time.Second)
	res = n.rotate(t, res.RefreshToken)
	if got := n.store.uses.Load(); got != 2 {
		t.Fatalf("three rotations read %d times, want 2", got)
	}
	for i := range 5 {
		e.clock.Advance(time.Second)
		prev := res.RefreshToken
		res = n.rotate(t, prev)
		if got := n.store.uses.Load(); got != 2 {
			t.Fatalf("rotation %d of an issued token read the store (%d reads)", i+4, got)
		}
		if rt := e.storedToken(t, prev); rt.RotatedAt.IsZero() || rt.SuccessorID != e.storedToken(t, res.RefreshToken).ID {
			t.Fatalf("rotation %d: the used token's row is not marked with its successor: %+v", i+2, rt)
		}
	}
	if _, err := n.svc.Authenticate(context.Background(), res.Token); err != nil {
		t.Fatalf("access token of a cached rotation: %v", err)
	}
}

// A token this node issued but another node already rotated is a replay
// when it comes back here: the memo's rotation loses the conditional
// write, and the read that follows revokes the session and audits.
func TestIssuedRotationDetectsReplay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "bea@example.com", "correct horse")
	opts := nodeOpts{ttl: time.Minute, profile: directus}
	a, b := e.node(t, opts), e.node(t, opts)
	res := a.login(t, "bea@example.com", "correct horse")
	t1 := a.rotate(t, res.RefreshToken) // issued by a: in its memo
	t2 := b.rotate(t, t1.RefreshToken)  // the thief, or the client, on b

	_, err := a.svc.RefreshWithToken(ctx, a.users, t1.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshReuse)
	if s, err := e.db.SessionByID(ctx, res.Session.ID); err != nil || s.RevokedAt.IsZero() {
		t.Fatalf("session after a replay = %+v, %v; want revoked", s, err)
	}
	page, err := e.db.ListAuditEvents(ctx, core.AuditQuery{Types: []string{core.AuditRefreshReuse}})
	if err != nil || page.Total != 1 {
		t.Fatalf("reuse audit = %+v, %v; want one event", page, err)
	}
	for _, n := range []*node{a, b} {
		if _, err := n.svc.RefreshWithToken(ctx, n.users, t2.RefreshToken); err == nil {
			t.Error("the successor of a replayed token still rotates")
		}
	}
	if _, err := a.svc.Authenticate(ctx, t2.Token); err == nil {
		t.Error("an access token of the revoked session still authenticates on the node that revoked it")
	}
}

// Within the grace, a token this node issued and another node rotated
// gets the other node's successor: one successor, whichever node asks.
func TestIssuedRotationGraceAcrossNodes(t *testing.T) {
	e := newEnv(t)
	e.signUp(t, "cleo@example.com", "correct horse")
	opts := nodeOpts{ttl: time.Minute, grace: 10 * time.Second}
	a, b := e.node(t, opts), e.node(t, opts)
	t1 := a.rotate(t, a.login(t, "cleo@example.com", "correct horse").RefreshToken)
	t2 := b.rotate(t, t1.RefreshToken)
	e.clock.Advance(2 * time.Second)
	retry := a.rotate(t, t1.RefreshToken)
	if retry.RefreshToken != t2.RefreshToken {
		t.Fatal("a retry within the grace on the issuing node made a second successor")
	}
	// After the grace it is a replay.
	e.clock.Advance(10 * time.Second)
	_, err := a.svc.RefreshWithToken(context.Background(), a.users, t1.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshReuse)
}

// A session revoked straight in the store (another node, an operator) is
// still in this node's cache as active: the memo's rotation must not go
// through, because the conditional write checks the session itself.
func TestIssuedRotationRespectsRevocationInTheStore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "dee@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: time.Minute, profile: directus})
	res := n.login(t, "dee@example.com", "correct horse")
	t1 := n.rotate(t, res.RefreshToken)
	t2 := n.rotate(t, t1.RefreshToken) // cached now: session, user, memo
	if err := e.db.RevokeSession(ctx, res.Session.ID, "other node", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := n.svc.RefreshWithToken(ctx, n.users, t2.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshInvalid)
	if rt := e.storedToken(t, t2.RefreshToken); !rt.RotatedAt.IsZero() {
		t.Fatalf("a token of a revoked session was rotated: %+v", rt)
	}
	page, err := e.db.ListAuditEvents(ctx, core.AuditQuery{Types: []string{core.AuditRefreshReuse}})
	if err != nil || page.Total != 0 {
		t.Fatalf("reuse audit = %+v, %v; a revoked session's token is no replay", page, err)
	}
}

// A lock written on this node is refused by the very next rotation of
// a token this node issued: the cached lockout ends are forgotten.
func TestIssuedRotationSeesLock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "eva@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: time.Minute, profile: directus,
		lockout: core.LockoutPolicy{MaxFailures: 3, Window: time.Hour, Duration: time.Hour}})
	t1 := n.rotate(t, n.login(t, "eva@example.com", "correct horse").RefreshToken)
	t2 := n.rotate(t, t1.RefreshToken)
	for range 3 {
		_, err := n.svc.LoginWithPassword(ctx, n.users, core.PasswordLogin{Identity: "eva@example.com", Password: "wrong"})
		if err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	_, err := n.svc.RefreshWithToken(ctx, n.users, t2.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeAccountLocked)
	e.clock.Advance(time.Hour + time.Second) // the lock ends; the token still works
	n.rotate(t, t2.RefreshToken)
}

// suspendInStore suspends user id straight in the store, as another node
// would.
func (e *env) suspendInStore(t *testing.T, collectionID, id string) {
	t.Helper()
	u, err := e.db.UserByID(context.Background(), collectionID, id)
	if err != nil {
		t.Fatal(err)
	}
	u.Status = core.UserSuspended
	if err := e.db.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// A user suspended elsewhere (straight in the store) may still rotate on
// this node within the cache's TTL, as an access token is still accepted
// then, and no longer.
func TestIssuedRotationSeesSuspensionWithinTTL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const ttl = 300 * time.Millisecond
	u := e.signUp(t, "gia@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: ttl})
	t1 := n.rotate(t, n.login(t, "gia@example.com", "correct horse").RefreshToken)
	token := n.rotate(t, t1.RefreshToken).RefreshToken
	e.suspendInStore(t, n.users.ID, u.ID)
	suspended := time.Now()
	for {
		// Timed from the attempt's start: the cache entry is judged
		// then, and a slow rotation (-race, a busy machine) may end
		// well after.
		began := time.Now()
		res, err := n.svc.RefreshWithToken(ctx, n.users, token)
		if err != nil {
			wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshInvalid)
			break
		}
		if late := began.Sub(suspended); late > ttl+100*time.Millisecond {
			t.Fatalf("a user suspended elsewhere still rotated %s later (TTL %s)", late, ttl)
		}
		token = res.RefreshToken
		time.Sleep(10 * time.Millisecond)
	}
}

// A cached entry that already shows the suspension refuses the rotation
// of a token in this node's memo at once.
func TestIssuedRotationChecksTheCachedUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "hal@example.com", "correct horse")
	e.signUp(t, "ivo@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: time.Minute})
	t1 := n.rotate(t, n.login(t, "hal@example.com", "correct horse").RefreshToken)
	res := n.rotate(t, t1.RefreshToken) // in the memo
	e.suspendInStore(t, n.users.ID, u.ID)
	// A logout on this node empties the cache; the next check of hal's
	// access token reads the suspension and caches it.
	other := n.login(t, "ivo@example.com", "correct horse")
	p, err := n.svc.Authenticate(ctx, other.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.svc.Logout(ctx, p, n.users); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Authenticate(ctx, res.Token); err == nil {
		t.Fatal("a suspended user's access token was accepted after a fresh read")
	}
	_, err = n.svc.RefreshWithToken(ctx, n.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshInvalid)
	if rt := e.storedToken(t, res.RefreshToken); !rt.RotatedAt.IsZero() {
		t.Fatalf("a suspended user's token was rotated: %+v", rt)
	}
}

// Racing presentations of one issued token, with a grace: exactly one
// rotation, and every caller gets its successor.
func TestIssuedRotationRace(t *testing.T) {
	e := newEnv(t)
	e.signUp(t, "fay@example.com", "correct horse")
	n := e.node(t, nodeOpts{ttl: time.Minute, grace: 10 * time.Second})
	t1 := n.rotate(t, n.login(t, "fay@example.com", "correct horse").RefreshToken)
	const racers = 20
	results := make([]core.AuthResult, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = n.svc.RefreshWithToken(context.Background(), n.users, t1.RefreshToken)
		}()
	}
	close(start)
	wg.Wait()
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if results[i].RefreshToken != results[0].RefreshToken {
			t.Fatal("racing presentations of one issued token got different successors")
		}
	}
	if rt := e.storedToken(t, t1.RefreshToken); rt.SuccessorID != e.storedToken(t, results[0].RefreshToken).ID {
		t.Fatalf("the stored successor is not the one handed out: %+v", rt)
	}
	n.rotate(t, results[0].RefreshToken)
}
