package core

import (
	"context"
	"errors"
	"time"
)

// OAuthProvider is one configured sign-in provider (an OpenID Connect
// issuer, GitHub, ...). The oauth package implements it; core only sees
// this interface, so no OAuth library reaches the domain.
type OAuthProvider interface {
	// Name is the provider's key ("google", "oidc"), DisplayName what a
	// login button says.
	Name() string
	DisplayName() string
	// PKCE reports whether authorization requests carry a PKCE challenge.
	PKCE() bool
	// AuthURL is the provider's authorization URL for this state and PKCE
	// challenge ("" without PKCE), ending in "redirect_uri=" so a client
	// can append its own redirect (PocketBase's convention).
	AuthURL(state, codeChallenge string) string
	// Exchange trades an authorization code (with its PKCE verifier and
	// the redirect used) for the user. Failures wrap ErrOAuthToken or
	// ErrOAuthUser.
	Exchange(ctx context.Context, code, codeVerifier, redirectURL string) (OAuthUser, error)
}

// Exchange failures, which surfaces report differently.
var (
	ErrOAuthToken = errors.New("oauth: token exchange failed")
	ErrOAuthUser  = errors.New("oauth: user fetch failed")
)

// OAuthUser is what a provider says about the person signing in.
type OAuthUser struct {
	// ID is the provider's stable id for the user.
	ID    string
	Email string
	// EmailVerified is the provider's assurance that Email belongs to
	// the user. Only a verified email may link to or verify a record.
	EmailVerified bool
	Name          string
	Username      string
	AvatarURL     string
	AccessToken   string
	RefreshToken  string
	Expiry        time.Time
	// Raw is the provider's own user document, as received.
	Raw map[string]any
}

// OAuth2Options configure a collection's OAuth2 sign-in.
type OAuth2Options struct {
	Enabled   bool
	Providers []OAuthProvider
	// MappedFields maps provider user attributes ("name", "username",
	// "avatarURL") to record fields ("name", "avatar") filled in when a
	// record is created.
	MappedFields map[string]string
}

// Provider returns the collection's provider with this name.
func (o OAuth2Options) Provider(name string) (OAuthProvider, bool) {
	for _, p := range o.Providers {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// Identity links a user to an account at an OAuth provider.
type Identity struct {
	ID           string
	UserID       string
	CollectionID string
	Provider     string
	ProviderID   string
	Created      time.Time
}
