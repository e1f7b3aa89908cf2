package conduit

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// schemaFields are the names of Conduit's User schema (and Mongo's own
// _id and __v): a user's userData never takes their place, in the stored
// profile or in the answer.
var schemaFields = []string{
	"_id", "__v", "email", "hashedPassword", "active", "isVerified", "hasTwoFA", "twoFaMethod",
	"phoneNumber", "isAnonymous", "createdAt", "updatedAt", "deleted", "username",
}

// userData keeps of d what may be stored as the user's profile: every
// field but the schema's.
func userData(d map[string]any) map[string]any {
	out := make(map[string]any, len(d))
	for k, v := range d {
		if !slices.Contains(schemaFields, k) {
			out[k] = v
		}
	}
	return out
}

// userJSON writes a user as Conduit answers one: the schema's fields
// (never the password hash; hasTwoFA is whether the user's authenticator
// app is confirmed, from core's TOTP status), then the profile's userData
// fields in name order, then the timestamps.
func userJSON(u core.User, hasTwoFA bool) json.RawMessage {
	var b bytes.Buffer
	field := func(name string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		val, err := json.Marshal(v)
		if err != nil {
			val = []byte("null")
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('{')
	field("_id", u.ID)
	field("email", u.Email)
	field("active", !u.Suspended())
	field("isVerified", u.Verified)
	field("hasTwoFA", hasTwoFA)
	for _, k := range slices.Sorted(maps.Keys(u.Profile)) {
		if !slices.Contains(schemaFields, k) {
			field(k, u.Profile[k])
		}
	}
	field("createdAt", u.Created.UTC().Format(time.RFC3339Nano))
	field("updatedAt", u.Updated.UTC().Format(time.RFC3339Nano))
	b.WriteByte('}')
	return b.Bytes()
}
