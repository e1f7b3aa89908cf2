package tokens

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// ErrBadClaim is wrapped by SignAccess's error for an extra claim it
// refuses: a reserved or repeated name, or a value JSON cannot encode.
var ErrBadClaim = errors.New("tokens: bad extra claim")

// SignAccess signs an access token with the ring's current EdDSA key:
// without extra claims, the token Sign makes of the same claims in a map,
// byte for byte, without building and sorting the map (every refresh
// signs one). Extra claims follow the standard ones, in their order.
func (kr *Keyring) SignAccess(c core.AccessClaims) (string, error) {
	buf := appendAccessClaims(make([]byte, 0, 320), c)
	if len(c.Extra) > 0 {
		var err error
		if buf, err = appendExtraClaims(buf, c.Extra); err != nil {
			return "", err
		}
	}
	r := kr.state.Load()
	token, err := signObject(r.signer, buf)
	if err != nil {
		return "", err
	}
	// The token's signature is good by construction, with a key of this
	// very snapshot: its first use (the next refresh's, or the next
	// request's) need not verify it again.
	if _, known := r.verified.get(token); !known { // the same claims again within their second
		r.verified.put(token, core.AccessViewSigned(c))
	}
	return token, nil
}

// appendAccessClaims appends c's standard claims as encoding/json encodes
// the same claims in a map: keys in sorted order, "iss" only when set. A
// fuzz test holds the two equal.
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

// appendExtraClaims reopens the object dst ends with and appends extra,
// name and value each as encoding/json writes them. Names that are
// reserved, or repeated in any letter case, are refused rather than
// written: JSON decoders disagree on which of two equal names wins.
func appendExtraClaims(dst []byte, extra []core.Claim) ([]byte, error) {
	dst = dst[:len(dst)-1]
	for i, cl := range extra {
		if core.ReservedClaim(cl.Name) {
			return nil, fmt.Errorf("%w: %q is reserved", ErrBadClaim, cl.Name)
		}
		for _, prev := range extra[:i] {
			if strings.EqualFold(prev.Name, cl.Name) {
				return nil, fmt.Errorf("%w: %q is repeated", ErrBadClaim, cl.Name)
			}
		}
		dst = append(dst, ',')
		dst = jsonenc.AppendJSONString(dst, cl.Name)
		dst = append(dst, ':')
		switch v := cl.Value.(type) {
		case string:
			dst = jsonenc.AppendJSONString(dst, v)
		case bool:
			dst = strconv.AppendBool(dst, v)
		case int:
			dst = strconv.AppendInt(dst, int64(v), 10)
		case int64:
			dst = strconv.AppendInt(dst, v, 10)
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%w: %q: %v", ErrBadClaim, cl.Name, err)
			}
			dst = append(dst, b...)
		}
	}
	return append(dst, '}'), nil
}
