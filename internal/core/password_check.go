package core

import "context"

// verifyPassword checks password against u's stored hash. A user without
// a password (created through OAuth2) matches nothing, after the same
// hashing work as a real check, so timing does not tell such users apart.
func (s *Service) verifyPassword(ctx context.Context, u User, password string) (ok, rehash bool, err error) {
	if u.PasswordHash == "" {
		return false, false, s.hasher.VerifyDummy(ctx, password)
	}
	return s.hasher.Verify(ctx, u.PasswordHash, password)
}
