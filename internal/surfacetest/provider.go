package surfacetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Codes that make Provider.Exchange fail the way a real provider does.
const (
	// CodeTokenFails fails the code exchange (core.ErrOAuthToken).
	CodeTokenFails = "token-fails"
	// CodeUserFails fails fetching the user (core.ErrOAuthUser).
	CodeUserFails = "user-fails"
)

// Provider is a fake OAuth2 provider (a core.OAuthProvider): it hands
// out the user registered for each code, fails CodeTokenFails and
// CodeUserFails, fails any other unknown code at the token exchange, and
// remembers its last exchange so a test can check what the surface
// passed on. It is safe for concurrent use.
type Provider struct {
	name string
	pkce bool

	mu    sync.Mutex
	users map[string]core.OAuthUser
	last  Exchanged
}

// Exchanged is what one Exchange call received.
type Exchanged struct{ Code, Verifier, Redirect string }

// NewProvider returns a provider named name ("The <name>" on screen)
// that uses PKCE when pkce is set.
func NewProvider(name string, pkce bool) *Provider {
	return &Provider{name: name, pkce: pkce, users: map[string]core.OAuthUser{}}
}

// Name is the provider's key in settings and URLs.
func (p *Provider) Name() string { return p.name }

// DisplayName is "The " and the name.
func (p *Provider) DisplayName() string { return "The " + p.name }

// PKCE reports whether the provider takes a code challenge.
func (p *Provider) PKCE() bool { return p.pkce }

// AuthURL is an authorization URL at https://idp.test/<name>/auth that
// carries the state and, with PKCE, the challenge; it ends in
// "redirect_uri=" for the surface to complete.
func (p *Provider) AuthURL(state, challenge string) string {
	u := "https://idp.test/" + p.name + "/auth?client_id=cid&state=" + state
	if challenge != "" {
		u += "&code_challenge=" + challenge + "&code_challenge_method=S256"
	}
	return u + "&redirect_uri="
}

// Exchange returns the user registered for code, or fails as the codes
// above say.
func (p *Provider) Exchange(_ context.Context, code, verifier, redirect string) (core.OAuthUser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = Exchanged{code, verifier, redirect}
	switch code {
	case CodeTokenFails:
		return core.OAuthUser{}, fmt.Errorf("invalid_grant: %w", core.ErrOAuthToken)
	case CodeUserFails:
		return core.OAuthUser{}, fmt.Errorf("userinfo 500: %w", core.ErrOAuthUser)
	}
	u, ok := p.users[code]
	if !ok {
		return core.OAuthUser{}, fmt.Errorf("unknown code: %w", core.ErrOAuthToken)
	}
	return u, nil
}

// Set registers the user code exchanges for.
func (p *Provider) Set(code string, u core.OAuthUser) {
	p.mu.Lock()
	p.users[code] = u
	p.mu.Unlock()
}

// Last returns what the last Exchange received.
func (p *Provider) Last() Exchanged {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}
