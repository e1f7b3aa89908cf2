package core_test

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// beginEchoed starts an echoed-state login with idp and returns the
// state the provider was sent.
func (e *env) beginEchoed(t *testing.T, provider, redirect string) string {
	t.Helper()
	st, err := e.svc.BeginOAuth2Echoed(e.users, core.OAuth2Begin{
		Provider: provider, Kind: testKind, CallbackURL: testCallback, Redirect: redirect,
	})
	if err != nil {
		t.Fatalf("BeginOAuth2Echoed: %v", err)
	}
	u, err := url.Parse(st.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("state"); got != st.State || u.Query().Get("redirect_uri") != testCallback {
		t.Fatalf("AuthURL %q: state must be the signed state %q", st.AuthURL, st.State)
	}
	return st.State
}

func (e *env) completeEchoed(provider, state, code string) (core.OAuth2Completion, error) {
	return e.svc.CompleteOAuth2Echoed(context.Background(), e.users, core.OAuth2Complete{
		Provider: provider, Kind: testKind, CallbackURL: testCallback, EchoedState: state, Code: code, RefreshToken: true,
	})
}

func TestOAuth2EchoedState(t *testing.T) {
	e, idp, _ := browserEnv(t)
	state := e.beginEchoed(t, "idp", "https://app.test/after")
	done, err := e.completeEchoed("idp", state, "good")
	if err != nil {
		t.Fatal(err)
	}
	if done.State.Redirect != "https://app.test/after" || done.Result.RefreshToken == "" || done.Result.User.Email != "ann@example.com" {
		t.Errorf("completion = %+v", done)
	}
	if ex := idp.exchanges(); len(ex) != 1 || ex[0][1] == "" {
		t.Errorf("exchanges = %q, want one with the PKCE verifier", ex)
	}
	// Single use: the same state again is refused, before any exchange.
	_, err = e.completeEchoed("idp", state, "good")
	wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
	if n := len(idp.exchanges()); n != 1 {
		t.Errorf("%d exchanges after a replay, want 1", n)
	}
}

func TestOAuth2EchoedStateRefusals(t *testing.T) {
	e, _, _ := browserEnv(t)
	state := e.beginEchoed(t, "idp", "")
	for name, tc := range map[string][2]string{
		"other provider": {"plain", state},
		"tampered":       {"idp", state[:len(state)-3] + "abc"},
		"empty":          {"idp", ""},
		"garbage":        {"idp", "x.y.z"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.completeEchoed(tc[0], tc[1], "good")
			wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
		})
	}
	// A state of another kind (Directus's cookie state) is not ours.
	other, err := e.svc.SignState("other-kind", map[string]string{"provider": "idp", "state": "x"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.completeEchoed("idp", other, "good")
	wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
	// It expires.
	e.clock.Advance(core.DefaultOAuth2StateTTL + time.Second)
	_, err = e.completeEchoed("idp", state, "good")
	wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
}

// TestOAuth2EchoedStateRace: callbacks racing with one state complete
// one login.
func TestOAuth2EchoedStateRace(t *testing.T) {
	e, _, _ := browserEnv(t)
	state := e.beginEchoed(t, "idp", "")
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.completeEchoed("idp", state, "good"); err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d logins from one state, want 1", ok.Load())
	}
}

// TestOAuth2PendingSecondFactor: under a pending-token profile, an OAuth2
// login of a user with an authenticator app answers a pending token too.
func TestOAuth2PendingSecondFactor(t *testing.T) {
	base, _, _ := browserEnv(t)
	e := base.withProfile(t, pendingProfile())
	done, err := e.completeEchoed("idp", e.beginEchoed(t, "idp", ""), "good")
	if err != nil || done.Result.Pending {
		t.Fatalf("first login = %+v, %v", done.Result, err)
	}
	now := e.clock.Now()
	f := core.TOTPFactor{UserID: done.Result.User.ID, Secret: "JBSWY3DPEHPK3PXP", Confirmed: true, Created: now, Updated: now}
	if err := e.db.PutTOTPFactor(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	done, err = e.completeEchoed("idp", e.beginEchoed(t, "idp", ""), "good")
	if err != nil || !done.Result.Pending || done.Result.RefreshToken != "" || done.Result.Session.ID != "" {
		t.Fatalf("login with an app = %+v, %v; want a pending token", done.Result, err)
	}
	pl, err := e.svc.AuthenticatePending(context.Background(), e.users, done.Result.Token)
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.svc.CompletePendingTOTP(context.Background(), pl, rfc6238(t, f.Secret, e.clock.Now()))
	if err != nil || full.RefreshToken == "" || full.Session.AMR[0] != "oauth2" {
		t.Fatalf("completed = %+v, %v", full, err)
	}
}
