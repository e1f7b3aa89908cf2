package core_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// recordingIdP hands out the user registered for each code and
// remembers every exchange it was asked for.
type recordingIdP struct {
	name  string
	pkce  bool
	users map[string]core.OAuthUser
	mu    sync.Mutex
	got   [][3]string // code, verifier, redirect
}

func (f *recordingIdP) Name() string        { return f.name }
func (f *recordingIdP) DisplayName() string { return f.name }
func (f *recordingIdP) PKCE() bool          { return f.pkce }
func (f *recordingIdP) AuthURL(state, challenge string) string {
	u := "https://idp.test/" + f.name + "?state=" + state
	if challenge != "" {
		u += "&code_challenge=" + challenge
	}
	return u + "&redirect_uri="
}

func (f *recordingIdP) Exchange(_ context.Context, code, verifier, redirect string) (core.OAuthUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, [3]string{code, verifier, redirect})
	if u, ok := f.users[code]; ok {
		return u, nil
	}
	return core.OAuthUser{}, fmt.Errorf("unknown code: %w", core.ErrOAuthToken)
}

func (f *recordingIdP) exchanges() [][3]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][3]string(nil), f.got...)
}

const (
	testKind     = "test-oauth2"
	testCallback = "https://auth.test/cb?x=1&y=2"
)

// browserEnv is an env whose users collection signs in with two
// providers: "idp" (PKCE) and "plain" (no PKCE).
func browserEnv(t *testing.T) (*env, *recordingIdP, *recordingIdP) {
	e := newEnv(t)
	idp := &recordingIdP{name: "idp", pkce: true, users: map[string]core.OAuthUser{
		"good": {ID: "ext-1", Email: "ann@example.com", EmailVerified: true, Name: "Ann"},
	}}
	plain := &recordingIdP{name: "plain", users: map[string]core.OAuthUser{}}
	e.users.OAuth2.Enabled = true
	e.users.OAuth2.Providers = []core.OAuthProvider{idp, plain}
	return e, idp, plain
}

// begin starts a login with idp and returns the start and the state and
// challenge the provider was sent.
func (e *env) begin(t *testing.T, provider, redirect string, extra map[string]string) (core.OAuth2Start, string, string) {
	t.Helper()
	st, err := e.svc.BeginOAuth2(e.users, core.OAuth2Begin{
		Provider: provider, Kind: testKind, CallbackURL: testCallback, Redirect: redirect, Extra: extra,
	})
	if err != nil {
		t.Fatalf("BeginOAuth2: %v", err)
	}
	u, err := url.Parse(st.AuthURL)
	if err != nil {
		t.Fatalf("AuthURL %q: %v", st.AuthURL, err)
	}
	if got := u.Query().Get("redirect_uri"); got != testCallback {
		t.Errorf("redirect_uri = %q, want %q", got, testCallback)
	}
	return st, u.Query().Get("state"), u.Query().Get("code_challenge")
}

func (e *env) complete(in core.OAuth2Complete) (core.OAuth2Completion, error) {
	if in.Provider == "" {
		in.Provider = "idp"
	}
	if in.Kind == "" {
		in.Kind = testKind
	}
	in.CallbackURL = testCallback
	return e.svc.CompleteOAuth2(context.Background(), e.users, in)
}

func TestBeginOAuth2(t *testing.T) {
	e, _, _ := browserEnv(t)
	st, state, challenge := e.begin(t, "idp", "/app", map[string]string{"otp": "123456"})
	if st.TTL != core.DefaultOAuth2StateTTL || len(state) < 43 || len(challenge) != 43 {
		t.Errorf("start = %+v, state %q, challenge %q", st, state, challenge)
	}
	data, err := e.svc.VerifyState(testKind, st.State)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data["verifier"]))
	if data["state"] != state || data["provider"] != "idp" || data["redirect"] != "/app" || data["otp"] != "123456" ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
		t.Errorf("state data = %v, for state %q and challenge %q", data, state, challenge)
	}
	// Every start has its own state and verifier.
	st2, state2, challenge2 := e.begin(t, "idp", "/app", nil)
	if state2 == state || challenge2 == challenge || st2.State == st.State {
		t.Error("two starts share a state or a verifier")
	}
	// Without PKCE, no challenge and no verifier.
	st3, _, challenge3 := e.begin(t, "plain", "", nil)
	data3, _ := e.svc.VerifyState(testKind, st3.State)
	if _, has := data3["verifier"]; challenge3 != "" || has {
		t.Errorf("non-PKCE start: challenge %q, data %v", challenge3, data3)
	}
	// The TTL is the surface's, within SignState's hour.
	st4, err := e.svc.BeginOAuth2(e.users, core.OAuth2Begin{Provider: "idp", Kind: testKind, TTL: time.Minute})
	if err != nil || st4.TTL != time.Minute {
		t.Errorf("TTL minute: %+v, %v", st4, err)
	}
}

func TestBeginOAuth2Refusals(t *testing.T) {
	e, _, _ := browserEnv(t)
	begin := func(in core.OAuth2Begin) error {
		_, err := e.svc.BeginOAuth2(e.users, in)
		return err
	}
	wantField(t, begin(core.OAuth2Begin{Provider: "nope", Kind: testKind}), "provider", core.FieldInvalidProvider)
	for _, reserved := range []string{"state", "verifier", "redirect", "provider"} {
		wantKind(t, begin(core.OAuth2Begin{Provider: "idp", Kind: testKind, Extra: map[string]string{reserved: "x"}}), core.KindInternal, "")
	}
	wantKind(t, begin(core.OAuth2Begin{Provider: "idp", Kind: testKind, TTL: 2 * time.Hour}), core.KindInternal, "")
	wantKind(t, begin(core.OAuth2Begin{Provider: "idp"}), core.KindInternal, "") // no kind
	e.users.OAuth2.Enabled = false
	wantKind(t, begin(core.OAuth2Begin{Provider: "idp", Kind: testKind}), core.KindForbidden, core.CodeOAuthDisabled)
}

func TestCompleteOAuth2(t *testing.T) {
	e, idp, _ := browserEnv(t)
	st, state, challenge := e.begin(t, "idp", "https://app.test/after", map[string]string{"otp": "42"})
	done, err := e.complete(core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "good", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	if !done.Verified || done.State.Redirect != "https://app.test/after" || len(done.State.Extra) != 1 || done.State.Extra["otp"] != "42" {
		t.Errorf("completion state = %v %+v", done.Verified, done.State)
	}
	if !done.Meta.IsNew || done.Result.User.Email != "ann@example.com" || done.Result.RefreshToken == "" {
		t.Errorf("completion = %+v", done)
	}
	if _, err := e.svc.AuthenticateIn(context.Background(), e.users, done.Result.Token); err != nil {
		t.Errorf("the login's token: %v", err)
	}
	// The code went to the provider with the verifier of the challenge
	// the provider was sent, and the same redirect_uri.
	ex := idp.exchanges()
	sum := sha256.Sum256([]byte(ex[0][1]))
	if len(ex) != 1 || ex[0][0] != "good" || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge || ex[0][2] != testCallback {
		t.Errorf("exchanges %q for challenge %q", ex, challenge)
	}
}

// TestCompleteOAuth2Session checks a surface may pick the session from
// the verified state: here a refresh token only without a redirect, and
// so the profile's cookie-session lifetime with one.
func TestCompleteOAuth2Session(t *testing.T) {
	base, _, _ := browserEnv(t)
	e := base.withProfile(t, core.Profile{Tokens: core.TokenOptions{AccessTTL: time.Minute, SessionTTL: time.Hour}})
	session := func(st core.OAuth2State) bool { return st.Redirect == "" }
	for _, redirect := range []string{"/app", ""} {
		st, state, _ := e.begin(t, "idp", redirect, nil)
		done, err := e.complete(core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "good", RefreshToken: true, Session: session})
		if err != nil {
			t.Fatal(err)
		}
		wantRefresh, wantTTL := redirect == "", time.Minute
		if redirect != "" {
			wantTTL = time.Hour
		}
		if (done.Result.RefreshToken != "") != wantRefresh || done.Result.AccessTTL != wantTTL {
			t.Errorf("redirect %q: refresh token %v, access TTL %v", redirect, done.Result.RefreshToken != "", done.Result.AccessTTL)
		}
	}
}

// TestCompleteOAuth2Refusals checks every state that must not be trusted
// fails before the provider is asked for anything, and that the
// provider's refusals fail after the state is read.
func TestCompleteOAuth2Refusals(t *testing.T) {
	e, idp, plain := browserEnv(t)
	st, state, _ := e.begin(t, "idp", "/app", map[string]string{"otp": "1"})
	other, err := e.svc.SignState("another-surface", map[string]string{"provider": "idp", "state": state}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	stateRefusals := []struct {
		name string
		in   core.OAuth2Complete
	}{
		{"forged", core.OAuth2Complete{SignedState: st.State[:len(st.State)-4] + "AAAA", EchoedState: state, Code: "good"}},
		{"another kind", core.OAuth2Complete{SignedState: other, EchoedState: state, Code: "good"}},
		{"another provider", core.OAuth2Complete{Provider: "plain", SignedState: st.State, EchoedState: state, Code: "good"}},
		{"echoed state differs", core.OAuth2Complete{SignedState: st.State, EchoedState: state[:len(state)-1] + "x", Code: "good"}},
		{"echoed state missing", core.OAuth2Complete{SignedState: st.State, Code: "good"}},
		// What a surface passes once the state cookie is deleted: reuse.
		{"no state (used already)", core.OAuth2Complete{EchoedState: state, Code: "good"}},
	}
	for _, tc := range stateRefusals {
		done, err := e.complete(tc.in)
		wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
		if done.Verified || done.State.Redirect != "" {
			t.Errorf("%s: completion %+v", tc.name, done)
		}
	}
	for _, tc := range []struct {
		name string
		in   core.OAuth2Complete
	}{
		{"provider error", core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "good", ProviderError: "access_denied"}},
		{"no code", core.OAuth2Complete{SignedState: st.State, EchoedState: state}},
	} {
		done, err := e.complete(tc.in)
		wantKind(t, err, core.KindInvalid, core.CodeOAuthFailed)
		if !done.Verified || done.State.Redirect != "/app" || done.State.Extra["otp"] != "1" {
			t.Errorf("%s: completion %+v, want the state's redirect and extra", tc.name, done)
		}
	}
	if n := len(idp.exchanges()) + len(plain.exchanges()); n != 0 {
		t.Errorf("%d exchanges for refused callbacks", n)
	}
	// A code the provider refuses: LoginWithOAuth2's error, state read.
	done, err := e.complete(core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "bad"})
	wantKind(t, err, core.KindInvalid, core.CodeOAuthToken)
	if !done.Verified || done.State.Redirect != "/app" {
		t.Errorf("refused code: completion %+v", done)
	}
	// Expired: the state lives for its TTL only.
	e.clock.Advance(core.DefaultOAuth2StateTTL)
	_, err = e.complete(core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "good"})
	wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
	// OAuth2 off: refused before the state is read.
	e.users.OAuth2.Enabled = false
	_, err = e.complete(core.OAuth2Complete{SignedState: st.State, EchoedState: state, Code: "good"})
	wantKind(t, err, core.KindForbidden, core.CodeOAuthDisabled)
}
