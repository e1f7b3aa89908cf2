package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Well-known collection names and ids. The ids are PocketBase's, so a
// PocketBase SDK that checks `collectionId == "pbc_3142635823"` to detect a
// superuser keeps working.
const (
	UsersName         = "users"
	UsersID           = "_pb_users_auth_"
	SuperusersName    = "_superusers"
	SuperusersID      = "pbc_3142635823"
	DefaultAuthTTL    = 432000 * time.Second // 5 days
	SuperuserTTL      = 86400 * time.Second  // 1 day
	DefaultRefreshTTL = 30 * 24 * time.Hour
	DefaultPwMin      = 8
	DefaultPwMax      = 71
	MaxEmailLength    = 254
	MaxIdentityLen    = 255
	MaxNameLength     = 255
	MaxPasswordLen    = 255 // absolute cap on any submitted password, before policy
	resendThrottle    = 2 * time.Minute
	MaxTokenTTL       = 94670856 * time.Second
	MinTokenTTL       = 10 * time.Second
	verificationTTL   = 86400 * time.Second
	resetTTL          = 1800 * time.Second
	emailChangeTTL    = 1800 * time.Second
)

// Collection is a named pool of users with its own auth options
// (PocketBase's auth collection).
type Collection struct {
	ID   string
	Name string

	// Superusers marks the admin collection: its members bypass record
	// rules, are always verified, and cannot be signed up publicly.
	Superusers bool

	// IdentityFields lists the fields auth-with-password may look up, in
	// the order they are tried.
	IdentityFields []string
	PasswordAuth   bool

	// PublicSignup lets guests create records (PocketBase createRule "").
	PublicSignup bool

	// ProfileFields lists the optional profile fields this collection
	// carries (for `users`: avatar and name).
	ProfileFields []string

	AuthTokenTTL time.Duration
	// RefreshTokenTTL is how long an opaque refresh token (and so its
	// session) lives without being used; each rotation renews it.
	RefreshTokenTTL  time.Duration
	VerificationTTL  time.Duration
	PasswordResetTTL time.Duration
	EmailChangeTTL   time.Duration

	PasswordMin int
	PasswordMax int

	OTP    OTPOptions
	MFA    MFAOptions
	OAuth2 OAuth2Options

	Mail MailTemplates
}

// HasField reports whether the collection carries the given profile field.
func (c *Collection) HasField(name string) bool {
	return slices.Contains(c.ProfileFields, name)
}

// DefaultCollections returns `users` and `_superusers` with PocketBase's
// defaults.
func DefaultCollections() []*Collection {
	users := &Collection{
		ID:               UsersID,
		Name:             UsersName,
		IdentityFields:   []string{"email"},
		PasswordAuth:     true,
		PublicSignup:     true,
		ProfileFields:    []string{"avatar", "name"},
		AuthTokenTTL:     DefaultAuthTTL,
		RefreshTokenTTL:  DefaultRefreshTTL,
		VerificationTTL:  verificationTTL,
		PasswordResetTTL: resetTTL,
		EmailChangeTTL:   emailChangeTTL,
		PasswordMin:      DefaultPwMin,
		PasswordMax:      DefaultPwMax,
		OTP:              OTPOptions{Duration: 180 * time.Second, Length: 8},
		MFA:              MFAOptions{Duration: 600 * time.Second},
		// PocketBase fills these record fields from a provider's user.
		OAuth2: OAuth2Options{MappedFields: map[string]string{"name": "name", "avatarURL": "avatar"}},
		Mail:   DefaultMailTemplates(),
	}
	supers := &Collection{
		ID:               SuperusersID,
		Name:             SuperusersName,
		Superusers:       true,
		IdentityFields:   []string{"email"},
		PasswordAuth:     true,
		AuthTokenTTL:     SuperuserTTL,
		RefreshTokenTTL:  SuperuserTTL,
		VerificationTTL:  verificationTTL,
		PasswordResetTTL: resetTTL,
		EmailChangeTTL:   emailChangeTTL,
		PasswordMin:      DefaultPwMin,
		PasswordMax:      DefaultPwMax,
		OTP:              OTPOptions{Duration: 180 * time.Second, Length: 8},
		MFA:              MFAOptions{Duration: 600 * time.Second},
		Mail:             DefaultMailTemplates(),
	}
	return []*Collection{users, supers}
}

// Collections is the fixed set of auth collections a server runs with.
type Collections struct {
	list []*Collection
}

// NewCollections indexes the given collections. It reports an error when
// two share a name or id, or when there is no superuser collection.
func NewCollections(list []*Collection) (*Collections, error) {
	seen := map[string]bool{}
	supers := 0
	for _, c := range list {
		if c.Name == "" || c.ID == "" {
			return nil, errors.New("core: a collection needs a name and an id")
		}
		if seen[c.Name] || seen[c.ID] {
			return nil, fmt.Errorf("core: duplicate collection %q", c.Name)
		}
		seen[c.Name], seen[c.ID] = true, true
		if c.Superusers {
			supers++
			// As in PocketBase: a code mailed to an admin must never be
			// enough on its own to act as that admin.
			if c.OTP.Enabled {
				c.MFA.Enabled = true
			}
		}
	}
	if supers != 1 {
		return nil, errors.New("core: exactly one superuser collection is required")
	}
	return &Collections{list: list}, nil
}

// Find returns the collection with the given id, or name in any case
// (PocketBase matches names case-insensitively).
func (cs *Collections) Find(nameOrID string) (*Collection, bool) {
	for _, c := range cs.list {
		if c.ID == nameOrID || strings.EqualFold(c.Name, nameOrID) {
			return c, true
		}
	}
	return nil, false
}

// ByID returns the collection with the given id.
func (cs *Collections) ByID(id string) (*Collection, bool) {
	for _, c := range cs.list {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// Superusers returns the superuser collection.
func (cs *Collections) Superusers() *Collection {
	for _, c := range cs.list {
		if c.Superusers {
			return c
		}
	}
	return nil // unreachable: NewCollections requires one
}

// All returns every collection in configuration order.
func (cs *Collections) All() []*Collection { return slices.Clone(cs.list) }
