package tokens

import (
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// SignAccess signs an access token: the token Sign makes of the same
// claims in a map, byte for byte, without building and sorting the map
// (every refresh signs one).
func (kr *Keyring) SignAccess(c core.AccessClaims) (string, error) {
	return kr.signObject(appendAccessClaims(make([]byte, 0, 320), c))
}

// appendAccessClaims appends c as encoding/json encodes the same claims
// in a map: keys in sorted order, "iss" only when set. A fuzz test holds
// the two equal.
func appendAccessClaims(dst []byte, c core.AccessClaims) []byte {
	dst = append(dst, `{"collectionId":`...)
	dst = jsonenc.AppendJSONString(dst, c.CollectionID)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, c.Expires, 10)
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, c.IssuedAt, 10)
	dst = append(dst, `,"id":`...)
	dst = jsonenc.AppendJSONString(dst, c.UserID)
	if c.Issuer != "" {
		dst = append(dst, `,"iss":`...)
		dst = jsonenc.AppendJSONString(dst, c.Issuer)
	}
	dst = append(dst, `,"refreshable":`...)
	dst = strconv.AppendBool(dst, c.Refreshable)
	dst = append(dst, `,"sid":`...)
	dst = jsonenc.AppendJSONString(dst, c.SessionID)
	dst = append(dst, `,"sub":`...)
	dst = jsonenc.AppendJSONString(dst, c.UserID)
	return append(dst, `,"type":"auth"}`...)
}
