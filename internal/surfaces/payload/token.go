package payload

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// expiryOf is the exp of res's token: core's AccessExpires in Unix
// seconds (the claim is the same time rounded down), or the claim read
// from the token when a flow does not say.
func expiryOf(res core.AuthResult) int64 {
	if !res.AccessExpires.IsZero() {
		return res.AccessExpires.Unix()
	}
	return expOf(res.Token)
}

// expOf reads the exp claim of one of our own access tokens, which
// Payload's answers repeat beside the token. The token was signed
// moments ago by core, so its payload is trusted as is; anything
// unreadable reads as 0.
func expOf(token string) int64 {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return 0
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return 0
	}
	return c.Exp
}
