package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"time"
)

// The OAuth2 browser flow for surfaces whose clients cannot keep a state
// cookie: Conduit answers the authorization URL as JSON to a script,
// often on another origin, so a cookie set there need not come back with
// the provider's redirect. The signed state itself is then the `state`
// the provider echoes, and the store makes it single use: its random
// value is spent (as a counter that must read 1) when the callback
// comes, on whichever node it comes to.
//
// What a cookie adds and this cannot: binding the login to the browser
// that began it. Someone who begins a login and gets a victim's browser
// to finish it with their own code logs the victim in as themselves
// (login CSRF), as with Conduit itself; the redirect allow list limits
// where that can land.

// BeginOAuth2Echoed is BeginOAuth2 with the signed state as the state the
// provider echoes (OAuth2Start.State is that same value; there is no
// cookie to set).
func (s *Service) BeginOAuth2Echoed(c *Collection, in OAuth2Begin) (OAuth2Start, error) {
	prov, data, challenge, ttl, err := s.oauthState(c, in)
	if err != nil {
		return OAuth2Start{}, err
	}
	signed, err := s.SignState(in.Kind, data, ttl)
	if err != nil {
		return OAuth2Start{}, err
	}
	return OAuth2Start{
		AuthURL: prov.AuthURL(signed, challenge) + url.QueryEscape(in.CallbackURL),
		State:   signed, TTL: ttl,
	}, nil
}

// CompleteOAuth2Echoed finishes a login BeginOAuth2Echoed began: in's
// EchoedState must be a state of ours, of this kind and provider,
// unexpired and never used before (SignedState is ignored). Otherwise it
// answers as CompleteOAuth2 does.
func (s *Service) CompleteOAuth2Echoed(ctx context.Context, c *Collection, in OAuth2Complete) (OAuth2Completion, error) {
	prov, err := c.oauthProvider(in.Provider)
	if err != nil {
		return OAuth2Completion{}, err
	}
	data, err := s.VerifyState(in.Kind, in.EchoedState)
	if err != nil || data[stateProvider] != prov.Name() || data[stateValue] == "" {
		return OAuth2Completion{}, errStateInvalid
	}
	if err := s.spendStateValue(ctx, data[stateValue]); err != nil {
		return OAuth2Completion{}, err
	}
	return s.completeOAuth2(ctx, c, prov, in, data)
}

// spendStateValue makes a state value single use across nodes: the
// first callback to count it reads 1. The key holds a hash of the
// value, not the value, and is kept as long as any state may live.
func (s *Service) spendStateValue(ctx context.Context, value string) error {
	sum := sha256.Sum256([]byte("gatehouse oauth2 state\x00" + value))
	n, err := s.store.HitRateLimit(ctx, "oauth2-state:"+hex.EncodeToString(sum[:16]),
		time.Unix(0, 0).UTC(), s.Now().Add(maxStateTTL))
	if err != nil {
		return Internal(err)
	}
	if n != 1 {
		return errStateInvalid
	}
	return nil
}
