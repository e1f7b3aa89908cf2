package surfacetest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// The fake is a provider core accepts.
var _ core.OAuthProvider = (*surfacetest.Provider)(nil)

// Provider hands out the registered user, fails the special codes as
// real providers do, and remembers the last exchange.
func TestProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := surfacetest.NewProvider("fake", true)
	if p.Name() != "fake" || p.DisplayName() != "The fake" || !p.PKCE() {
		t.Errorf("provider = %q %q %v", p.Name(), p.DisplayName(), p.PKCE())
	}
	if got, want := p.AuthURL("s1", "c1"), "https://idp.test/fake/auth?client_id=cid&state=s1&code_challenge=c1&code_challenge_method=S256&redirect_uri="; got != want {
		t.Errorf("AuthURL = %q, want %q", got, want)
	}
	plain := surfacetest.NewProvider("plain", false)
	if got, want := plain.AuthURL("s1", ""), "https://idp.test/plain/auth?client_id=cid&state=s1&redirect_uri="; plain.PKCE() || got != want {
		t.Errorf("plain AuthURL = %q (PKCE %v), want %q", got, plain.PKCE(), want)
	}

	p.Set("good", core.OAuthUser{ID: "u1", Email: "ada@example.com"})
	u, err := p.Exchange(ctx, "good", "v", "https://app.test/cb")
	if err != nil || u.ID != "u1" || u.Email != "ada@example.com" {
		t.Errorf("Exchange(good) = %+v, %v", u, err)
	}
	if got := p.Last(); got != (surfacetest.Exchanged{Code: "good", Verifier: "v", Redirect: "https://app.test/cb"}) {
		t.Errorf("Last = %+v", got)
	}
	for code, want := range map[string]error{
		surfacetest.CodeTokenFails: core.ErrOAuthToken,
		surfacetest.CodeUserFails:  core.ErrOAuthUser,
		"unknown":                  core.ErrOAuthToken,
	} {
		if _, err := p.Exchange(ctx, code, "", ""); !errors.Is(err, want) {
			t.Errorf("Exchange(%s) = %v, want %v", code, err, want)
		}
	}
	if got := p.Last().Code; got == "good" {
		t.Error("Last did not follow the later exchanges")
	}
}
