package pocketbase

import (
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
// password hash never appears; the email only when showEmail or the
// record made it public.
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
	if showEmail || u.EmailVisibility {
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

// showEmailTo reports whether the caller may see u's email: the user
// itself or a superuser.
func showEmailTo(p *core.Principal, c *core.Collection, u core.User) bool {
	return p.IsSuperuser() || p.Is(c, u.ID)
}

// authResponse is PocketBase's auth answer; field order is the wire order
// (PocketBase puts meta first when it has one).
type authResponse struct {
	Meta   *authMeta      `json:"meta,omitempty"`
	Record map[string]any `json:"record"`
	Token  string         `json:"token"`
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
	dst, ok := jsonenc.AppendFlatObject(dst, a.Record)
	if !ok {
		return dst, false
	}
	dst = append(dst, `,"token":`...)
	dst = jsonenc.AppendJSONString(dst, a.Token)
	return append(dst, '}'), true
}

// authJSON renders an auth result. Auth responses always include the
// email.
func authJSON(res core.AuthResult) authResponse {
	out := authResponse{Record: recordJSON(res.Collection, res.User, true), Token: res.Token}
	if res.RefreshToken != "" {
		out.Meta = &authMeta{RefreshToken: res.RefreshToken, RefreshTokenExpires: formatTime(res.RefreshExpires)}
	}
	return out
}
