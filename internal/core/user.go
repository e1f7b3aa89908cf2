package core

import "time"

// User is an auth record: one member of one collection.
type User struct {
	ID              string
	CollectionID    string
	Email           string
	EmailVisibility bool
	Verified        bool
	Name            string
	Avatar          string

	// PasswordHash is a PHC or modular-crypt string; it is never
	// serialized by any surface. It is empty for a user who never had a
	// password (created through OAuth2): no password logs such a user in.
	PasswordHash string

	// Profile is a JSON document (an object) kept as a surface gave it:
	// Directus's first_name and last_name, a client's userData, Payload's
	// custom fields. Nil means none; core never stores an empty one. Its
	// values are what DecodeProfile returns (numbers as json.Number), and
	// it is shared with caches: treat it as read-only, and replace the
	// whole map to change it. See CheckProfile for its limits.
	Profile map[string]any

	// Status says whether the user may sign in at all; see UserStatus.
	// The zero value reads as UserActive.
	Status UserStatus

	Created time.Time
	Updated time.Time
}

// UserStatus is a user's standing. A suspended user keeps its record and
// data but cannot log in, refresh, or use any token issued before.
type UserStatus string

// The user statuses. Only superusers set them (SetUserStatus).
const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
)

// Valid reports whether s is one of the statuses (the zero value counts
// as active).
func (s UserStatus) Valid() bool { return s == "" || s == UserActive || s == UserSuspended }

// Suspended reports whether the user is suspended.
func (u User) Suspended() bool { return u.Status == UserSuspended }

// OrActive returns s, or UserActive for the zero value: what stores
// write.
func (s UserStatus) OrActive() UserStatus {
	if s == "" {
		return UserActive
	}
	return s
}

// UserQuery selects users of one collection for a list.
type UserQuery struct {
	// Filter narrows the result; nil means every user of the collection.
	Filter Filter
	// Sort orders the result; empty means by created, then id.
	Sort []SortField
	// Limit and Offset page the result; Limit 0 means no limit.
	Limit  int
	Offset int
	// SkipTotal skips counting all matches (the count is then -1).
	SkipTotal bool
}

// SortField orders a list by one field.
type SortField struct {
	Field string
	Desc  bool
}

// UserPage is one page of a user list.
type UserPage struct {
	Users []User
	// Total counts every match, or is -1 when the query skipped it.
	Total int
}

// UserFields lists the user fields that may appear in filters and sorts,
// with the type of value each compares against.
var UserFields = map[string]FieldType{
	"id":              FieldText,
	"email":           FieldText,
	"emailVisibility": FieldBool,
	"verified":        FieldBool,
	"name":            FieldText,
	"avatar":          FieldText,
	"created":         FieldTime,
	"updated":         FieldTime,
}
