package postgres

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// pgNode is a core.Service on db with its own session cache and memo of
// issued refresh tokens: one node of a cluster.
func pgNode(t *testing.T, db *DB, profile core.Profile) (*core.Service, *core.Collection) {
	t.Helper()
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	keys, err := tokens.LoadOrCreate(t.Context(), db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	settings := core.Settings{AppName: "Acme", AppURL: "http://app.test", Issuer: "http://app.test",
		SessionCacheTTL: time.Minute}
	svc, err := core.New(settings, core.Deps{Store: db, Hasher: h, Signer: keys, Collections: cols})
	if err == nil {
		svc, err = svc.WithProfile(profile)
	}
	if err != nil {
		t.Fatal(err)
	}
	users, _ := cols.Find("users")
	return svc, users
}

// Two nodes on one PostgreSQL database, rotating with Directus's
// profile: a token node a issued (in its memo) but node b rotated is a
// replay when it comes back to a (the session is revoked and audited);
// a session revoked straight in the store is refused by a's memo path.
func TestIssuedRotationAcrossNodesOnPostgres(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	profile := core.Profile{RefuseLockedRefresh: true, NoReuseGrace: true}
	a, users := pgNode(t, db, profile)
	b, usersB := pgNode(t, db, profile)
	email, password := "nodes@example.com", "correct horse"
	if _, err := a.CreateUser(ctx, nil, users, core.UserInput{Email: &email, Password: &password}); err != nil {
		t.Fatal(err)
	}
	login := func() core.AuthResult {
		res, err := a.LoginWithPassword(ctx, users, core.PasswordLogin{Identity: email, Password: password, RefreshToken: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	rotate := func(svc *core.Service, c *core.Collection, token string) core.AuthResult {
		t.Helper()
		res, err := svc.RefreshWithToken(ctx, c, token)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	first := login()
	t1 := rotate(a, users, first.RefreshToken)
	t2 := rotate(a, users, t1.RefreshToken) // a's memo path
	rotate(b, usersB, t2.RefreshToken)
	if _, err := a.RefreshWithToken(ctx, users, t2.RefreshToken); core.AsError(err).Code != core.CodeRefreshReuse {
		t.Fatalf("replay of a token rotated on another node = %v, want %s", err, core.CodeRefreshReuse)
	}
	if s, err := db.SessionByID(ctx, first.Session.ID); err != nil || s.RevokedAt.IsZero() {
		t.Fatalf("session after the replay = %+v, %v; want revoked", s, err)
	}

	second := login()
	u1 := rotate(a, users, second.RefreshToken)
	u2 := rotate(a, users, u1.RefreshToken) // cached on a now
	if err := db.RevokeSession(ctx, second.Session.ID, "other node", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RefreshWithToken(ctx, users, u2.RefreshToken); core.AsError(err).Code != core.CodeRefreshInvalid {
		t.Fatalf("rotation in a session revoked in the store = %v, want %s", err, core.CodeRefreshInvalid)
	}
	sum := sha256.Sum256([]byte(u2.RefreshToken))
	if rt, err := db.RefreshTokenByHash(ctx, sum[:]); err != nil || !rt.RotatedAt.IsZero() {
		t.Fatalf("token of the revoked session = %+v, %v; want unrotated", rt, err)
	}
}
