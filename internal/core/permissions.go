package core

// Permissions is what a caller may do with one collection's users, for
// surfaces that show it (Payload's GET /api/access). It states core's
// rules; each flow still checks them itself.
type Permissions struct {
	// Admin: the caller belongs to the collection or is a superuser.
	Admin bool
	// Create: the caller may create users (public sign-up, or a
	// superuser).
	Create bool
	// Read, Update and Delete: the caller may read, change and delete
	// some user (itself, or anyone for a superuser).
	Read, Update, Delete bool
	// Unlock: the caller may lift lockouts under the surface's rule.
	Unlock bool
}

// PermissionsOf returns p's permissions on c's users (p nil for a
// guest), with unlock judged by rule.
func PermissionsOf(p *Principal, c *Collection, rule UnlockRule) Permissions {
	member := p.IsSuperuser() || (p != nil && p.Collection.ID == c.ID && RecordAccess(p, c, false) == nil)
	return Permissions{
		Admin:  member,
		Create: RecordAccess(p, c, true) == nil,
		Read:   member,
		Update: member,
		Delete: member,
		Unlock: rule.Allows(p, c),
	}
}
