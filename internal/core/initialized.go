package core

import "context"

// Initialized reports whether c has at least one user: Payload's
// `init`, which admin panels read to offer the first-user form.
func (s *Service) Initialized(ctx context.Context, c *Collection) (bool, error) {
	n, err := s.store.CountUsers(ctx, c.ID)
	if err != nil {
		return false, Internal(err)
	}
	return n > 0, nil
}
