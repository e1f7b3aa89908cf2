package core

import (
	"context"
	"time"
)

// AuthResult is a successful authentication: the user, the session it
// opened or used, and a signed access token for it.
type AuthResult struct {
	User       User
	Collection *Collection
	Session    Session
	Token      string
}

// openSession stores a new session for u and signs its first token.
func (s *Service) openSession(ctx context.Context, q Queries, c *Collection, u User, amr []string, client Client, ttl time.Duration, refreshable bool, impersonator string) (AuthResult, error) {
	now := s.Now()
	sess := Session{
		ID:             NewID(),
		UserID:         u.ID,
		CollectionID:   c.ID,
		Created:        now,
		LastUsed:       now,
		Expires:        now.Add(ttl),
		IP:             client.IP,
		UserAgent:      truncate(client.UserAgent, 512),
		AMR:            amr,
		ImpersonatorID: impersonator,
	}
	if err := q.InsertSession(ctx, sess); err != nil {
		return AuthResult{}, Internal(err)
	}
	token, err := s.signAccess(c, u, sess, now, sess.Expires, refreshable)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{User: u, Collection: c, Session: sess, Token: token}, nil
}

// signAccess signs an access token. Its claims are a superset of what
// every surface's clients decode: PocketBase's id, collectionId, type,
// refreshable and exp, plus the standard sub, sid, iat and iss.
func (s *Service) signAccess(c *Collection, u User, sess Session, now, exp time.Time, refreshable bool) (string, error) {
	claims := map[string]any{
		"id":           u.ID,
		"sub":          u.ID,
		"collectionId": c.ID,
		"type":         "auth",
		"refreshable":  refreshable,
		"sid":          sess.ID,
		"iat":          now.Unix(),
		"exp":          exp.Unix(),
	}
	if s.settings.Issuer != "" {
		claims["iss"] = s.settings.Issuer
	}
	token, err := s.signer.Sign(claims)
	if err != nil {
		return "", Internal(err)
	}
	return token, nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
