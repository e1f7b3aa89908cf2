package payload

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

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
