package core

import (
	"context"
	"errors"
	"strings"
)

// foldCandidates is how many case-insensitive matches a lookup reads: two
// are enough to know the match is ambiguous.
const foldCandidates = 2

// userByEmail finds c's user with this email. When the profile folds
// email case it also finds an address that differs only in letter case
// (Directus looks emails up that way), but only when exactly one user has
// such an address: stores compare
// case-sensitively, as PocketBase does, so "Ada@x.io" and "ada@x.io" can be
// two users, and then only the exact spelling names one of them.
//
// The exact match is tried first; a miss costs one more indexed lookup
// (stores keep an index on the lower-cased email). Case folding is ASCII
// only, in every store, so the rule does not depend on the database.
func (s *Service) userByEmail(ctx context.Context, c *Collection, email string) (User, error) {
	u, err := s.store.UserByEmail(ctx, c.ID, email)
	if !s.profile.FoldEmailCase || !errors.Is(err, ErrNotFound) {
		return u, err
	}
	found, err := s.store.UsersByEmailFold(ctx, c.ID, email, foldCandidates)
	if err != nil {
		return User{}, err
	}
	if len(found) != 1 {
		return User{}, ErrNotFound
	}
	return found[0], nil
}

// identityKey is the rate-limit key of a login or mail identity: every
// spelling of one address shares one counter, whichever surface the
// request came through and whether or not its profile folds case, so
// changing letter case (or surface) does not buy fresh attempts.
func identityKey(identity string) string {
	return strings.ToLower(identity)
}
