package payload

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// timeLayout is how Payload writes timestamps (JavaScript's toISOString).
const timeLayout = "2006-01-02T15:04:05.000Z"

// systemFields are the keys Payload keeps for itself on an auth
// document: never read from a client's body into the user's custom
// fields, and never shown from them. The hidden ones (hash, salt, the
// reset and verification tokens, loginAttempts, lockUntil) are never
// returned at all.
var systemFields = []string{
	"id", "email", "password", "name", "createdAt", "updatedAt", "sessions", "collection", "_strategy",
	"_verified", "_verificationToken", "hash", "salt", "resetPasswordToken", "resetPasswordExpiration",
	"loginAttempts", "lockUntil", "apiKey", "apiKeyIndex", "enableAPIKey",
}

// docOptions say what a document shows besides the user's fields.
type docOptions struct {
	// viewer is who reads it: the user's sessions are shown only to
	// itself.
	viewer *core.Principal
	// auth adds `collection` and `_strategy`, as Payload's authenticated
	// user (login, me, refresh) carries them.
	auth bool
}

// session is one entry of a document's `sessions`.
type session struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
}

// document renders u of sl as Payload's user document: id, email, the
// name and custom fields (the profile document's keys), `_verified` when
// the collection verifies, the timestamps, and for its owner the live
// sessions.
func (s *server) document(ctx context.Context, sl slug, u core.User, o docOptions) (orderedObject, error) {
	doc := orderedObject{members: make([]member, 0, 12+len(u.Profile))}
	doc.add("id", u.ID)
	doc.add("email", u.Email)
	if u.Name != "" {
		doc.add("name", u.Name)
	}
	keys := make([]string, 0, len(u.Profile))
	for k := range u.Profile {
		if !slices.Contains(systemFields, k) || (k == "name" && !sl.c.HasField("name")) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		doc.add(k, u.Profile[k])
	}
	if s.opt.Verify {
		doc.add("_verified", u.Verified)
	}
	doc.add("createdAt", stamp(u.Created))
	doc.add("updatedAt", stamp(u.Updated))
	if o.viewer.Is(sl.c, u.ID) {
		list, err := s.svc.ListSessionSpans(ctx, o.viewer, sl.c, u.ID)
		if err != nil {
			return orderedObject{}, err
		}
		out := make([]session, 0, len(list))
		for _, se := range list {
			out = append(out, session{ID: se.ID, CreatedAt: stamp(se.Created), ExpiresAt: stamp(se.Expires)})
		}
		doc.add("sessions", out)
	}
	if o.auth {
		doc.add("collection", sl.name)
		doc.add("_strategy", strategy)
	}
	return doc, nil
}

// authDocument is the document of a login's user as its owner sees it,
// with `collection` and `_strategy`.
func (s *server) authDocument(ctx context.Context, sl slug, res core.AuthResult) (orderedObject, error) {
	p := &core.Principal{User: res.User, Collection: sl.c, Session: res.Session}
	return s.document(ctx, sl, res.User, docOptions{viewer: p, auth: true})
}

// orderedObject is a JSON object whose keys keep the order they were
// added in. Its members are a slice, not a map: a document has a dozen
// keys, read back by name only by GraphQL's resolvers, and every me and
// refresh renders one.
type orderedObject struct {
	members []member
}

// member is one key of an orderedObject and its value.
type member struct {
	key   string
	value any
}

func (o *orderedObject) add(k string, v any) {
	o.members = append(o.members, member{key: k, value: v})
}

// get is the value of key k (the first, should it repeat), nil without
// one.
func (o orderedObject) get(k string) any {
	for _, m := range o.members {
		if m.key == k {
			return m.value
		}
	}
	return nil
}

// MarshalJSON writes the keys in order, for answers that embed the
// object in a struct encoding/json encodes.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	b, err := o.appendJSON(nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// appendJSON appends the object as encoding/json encodes it through
// MarshalJSON: the values a document holds (strings, booleans, session
// lists) are written directly; any other value (a custom field's number,
// list or object) through json.Marshal, which escapes HTML as the
// encoder would.
func (o orderedObject) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	for i, m := range o.members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonenc.AppendJSONString(dst, m.key)
		dst = append(dst, ':')
		switch v := m.value.(type) {
		case string:
			dst = jsonenc.AppendJSONString(dst, v)
		case bool:
			dst = strconv.AppendBool(dst, v)
		case []session:
			dst = appendSessions(dst, v)
		default:
			vb, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			dst = append(dst, vb...)
		}
	}
	return append(dst, '}'), nil
}

// appendSessions appends a document's `sessions` as encoding/json
// encodes []session.
func appendSessions(dst []byte, list []session) []byte {
	if list == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, se := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"id":`...)
		dst = jsonenc.AppendJSONString(dst, se.ID)
		dst = append(dst, `,"createdAt":`...)
		dst = jsonenc.AppendJSONString(dst, se.CreatedAt)
		dst = append(dst, `,"expiresAt":`...)
		dst = jsonenc.AppendJSONString(dst, se.ExpiresAt)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// unixOf is t in Unix seconds, 0 for the zero time.
func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
