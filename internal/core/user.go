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

	Created time.Time
	Updated time.Time
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
