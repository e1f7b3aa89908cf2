package core

// EmailVisibleTo reports whether the caller p (nil for a guest) may see
// the email of u, a user of collection c: the user itself and superusers
// always may; anyone else only when the user made its email public
// (EmailVisibility). Every surface that renders another user's record
// asks this, so an address is never shown by one surface and hidden by
// another.
func EmailVisibleTo(p *Principal, c *Collection, u User) bool {
	return u.EmailVisibility || p.IsSuperuser() || p.Is(c, u.ID)
}
