package pocketbase

import (
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// timeLayout is PocketBase's datetime format.
const timeLayout = "2006-01-02 15:04:05.000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// recordJSON renders a user as PocketBase's record model. It is a map, so
// encoding/json writes the keys alphabetically, as PocketBase does. The
// password hash never appears; the email only when showEmail, which the
// caller decides with core.EmailVisibleTo (or sets for the user's own
// auth answer).
func recordJSON(c *core.Collection, u core.User, showEmail bool) map[string]any {
	m := map[string]any{
		"collectionId":    c.ID,
		"collectionName":  c.Name,
		"created":         formatTime(u.Created),
		"emailVisibility": u.EmailVisibility,
		"id":              u.ID,
		"updated":         formatTime(u.Updated),
		"verified":        u.Verified,
	}
	if showEmail {
		m["email"] = u.Email
	}
	if c.HasField("name") {
		m["name"] = u.Name
	}
	if c.HasField("avatar") {
		m["avatar"] = u.Avatar
	}
	return m
}

// authResponse is PocketBase's auth answer: meta (when it has one),
// record, token, in that wire order. The record is rendered from the user
// itself (appendRecord): every login and refresh answers one, and building
// and sorting a map for it was measurable work.
type authResponse struct {
	Meta  *authMeta
	src   recordSrc
	Token string
}

// recordSrc is what a record is rendered from.
type recordSrc struct {
	c         *core.Collection
	u         core.User
	showEmail bool
}

// record returns the answer's record as a map (for answers that add to
// it, like OAuth2's).
func (a authResponse) record() map[string]any {
	return recordJSON(a.src.c, a.src.u, a.src.showEmail)
}

// MarshalJSON encodes the answer as AppendJSON does (the fields query
// picks from it).
func (a authResponse) MarshalJSON() ([]byte, error) {
	b, _ := a.AppendJSON(nil)
	return b, nil
}

// appendRecord writes recordJSON(c, u, showEmail) as encoding/json would
// (keys sorted), without the map.
func appendRecord(b []byte, c *core.Collection, u core.User, showEmail bool) []byte {
	b = append(b, '{')
	if c.HasField("avatar") {
		b = append(b, `"avatar":`...)
		b = jsonenc.AppendJSONString(b, u.Avatar)
		b = append(b, ',')
	}
	b = append(b, `"collectionId":`...)
	b = jsonenc.AppendJSONString(b, c.ID)
	b = append(b, `,"collectionName":`...)
	b = jsonenc.AppendJSONString(b, c.Name)
	b = append(b, `,"created":`...)
	b = appendTime(b, u.Created)
	if showEmail {
		b = append(b, `,"email":`...)
		b = jsonenc.AppendJSONString(b, u.Email)
	}
	b = append(b, `,"emailVisibility":`...)
	b = strconv.AppendBool(b, u.EmailVisibility)
	b = append(b, `,"id":`...)
	b = jsonenc.AppendJSONString(b, u.ID)
	if c.HasField("name") {
		b = append(b, `,"name":`...)
		b = jsonenc.AppendJSONString(b, u.Name)
	}
	b = append(b, `,"updated":`...)
	b = appendTime(b, u.Updated)
	b = append(b, `,"verified":`...)
	b = strconv.AppendBool(b, u.Verified)
	return append(b, '}')
}

// appendTime appends formatTime(t) as a JSON string, without making the
// string: the layout writes only digits, '-', ':', ' ', '.' and 'Z',
// none of which JSON escapes.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	if !t.IsZero() {
		b = appendTimeLayout(b, t.UTC())
	}
	return append(b, '"')
}

// appendTimeLayout appends t (in UTC) in timeLayout, digit by digit for
// the years 0-9999 (time's layout interpreter was a measurable part of
// every record answer), and through AppendFormat otherwise. Like Format,
// it cuts the fraction to milliseconds without rounding.
func appendTimeLayout(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	b = append(b, byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), ' ')
	b = append(b, byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':')
	b = append(b, byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

// recordResponse is a record answered on its own (a record read, an
// update): recordJSON(c, u, showEmail), encoded without building the map
// (every authenticated read answers one).
type recordResponse recordSrc

// newRecordResponse is the answer of user u of c as caller p sees it.
func newRecordResponse(p *core.Principal, c *core.Collection, u core.User) recordResponse {
	return recordResponse{c: c, u: u, showEmail: core.EmailVisibleTo(p, c, u)}
}

// AppendJSON encodes the record as encoding/json encodes recordJSON's
// map (see httpapi.JSONAppender).
func (r recordResponse) AppendJSON(dst []byte) ([]byte, bool) {
	return appendRecord(dst, r.c, r.u, r.showEmail), true
}

// MarshalJSON encodes the record as AppendJSON does (the fields query
// picks from it).
func (r recordResponse) MarshalJSON() ([]byte, error) {
	b, _ := r.AppendJSON(nil)
	return b, nil
}

// authMeta carries Gatehouse's refresh token, present only when the
// client asked for one, so PocketBase's own answer shape is unchanged
// otherwise.
type authMeta struct {
	RefreshToken        string `json:"refreshToken"`
	RefreshTokenExpires string `json:"refreshTokenExpires"`
}

// AppendJSON encodes the answer as encoding/json would (see
// httpapi.JSONAppender): every auth answer takes this path.
func (a authResponse) AppendJSON(dst []byte) ([]byte, bool) {
	dst = append(dst, '{')
	if a.Meta != nil {
		dst = append(dst, `"meta":{"refreshToken":`...)
		dst = jsonenc.AppendJSONString(dst, a.Meta.RefreshToken)
		dst = append(dst, `,"refreshTokenExpires":`...)
		dst = jsonenc.AppendJSONString(dst, a.Meta.RefreshTokenExpires)
		dst = append(dst, `},`...)
	}
	dst = append(dst, `"record":`...)
	dst = appendRecord(dst, a.src.c, a.src.u, a.src.showEmail)
	dst = append(dst, `,"token":`...)
	dst = jsonenc.AppendJSONString(dst, a.Token)
	return append(dst, '}'), true
}

// authJSON renders an auth result. Auth responses always include the
// email: they go to the user itself, whom core.EmailVisibleTo always
// lets see it.
func authJSON(res core.AuthResult) authResponse {
	out := authResponse{src: recordSrc{c: res.Collection, u: res.User, showEmail: true}, Token: res.Token}
	if res.RefreshToken != "" {
		out.Meta = &authMeta{RefreshToken: res.RefreshToken, RefreshTokenExpires: formatTime(res.RefreshExpires)}
	}
	return out
}
