package core

// SetExtraClaims sets the service's extra access-token claims hook, which
// only a surface's profile sets outside tests.
func SetExtraClaims(s *Service, f func(c *Collection, u User) []Claim) { s.extraClaims = f }
