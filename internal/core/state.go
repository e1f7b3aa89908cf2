package core

import (
	"errors"
	"time"
)

// maxStateTTL bounds a state token's life: state covers a round trip
// through a browser (an OAuth2 login), minutes at most.
const maxStateTTL = time.Hour

var errStateInvalid = NewError(KindUnauthenticated, CodeStateInvalid)

// SignState signs short-lived data a surface hands to a client to get
// back unchanged later, such as the Directus surface's OAuth2 cookie
// (state, PKCE verifier, redirect). The data is signed, not encrypted:
// it must hold nothing the client may not see. kind names the use; a
// state token verifies only as its own kind, and never as an access or
// one-time token (its type claim differs from theirs).
func (s *Service) SignState(kind string, data map[string]string, ttl time.Duration) (string, error) {
	if kind == "" || ttl <= 0 || ttl > maxStateTTL {
		return "", Internal(errors.New("core: SignState: invalid state kind or ttl"))
	}
	now := s.Now()
	payload := make(map[string]any, len(data))
	for k, v := range data {
		payload[k] = v
	}
	token, err := s.signer.Sign(map[string]any{
		"type": "state:" + kind, "data": payload, "iat": now.Unix(), "exp": now.Add(ttl).Unix(),
	})
	if err != nil {
		return "", Internal(err)
	}
	return token, nil
}

// VerifyState returns the data of a state token of this kind that we
// signed and that has not expired.
func (s *Service) VerifyState(kind, token string) (map[string]string, error) {
	if kind == "" || token == "" || len(token) > 8192 {
		return nil, errStateInvalid
	}
	claims, err := s.signer.Verify(token)
	if err != nil || claimString(claims, "type") != "state:"+kind || !claimsLive(claims, s.Now()) {
		return nil, errStateInvalid
	}
	raw, ok := claims["data"].(map[string]any)
	if !ok {
		return nil, errStateInvalid
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		str, ok := v.(string)
		if !ok {
			return nil, errStateInvalid
		}
		out[k] = str
	}
	return out, nil
}
