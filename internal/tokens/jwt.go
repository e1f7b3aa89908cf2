package tokens

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MaxTokenLen is the longest token Verify will look at. Our tokens are a
// few hundred bytes; anything near this is junk or an attack on the
// decoder.
const MaxTokenLen = 16 << 10

// ErrInvalidToken is wrapped by every error Verify returns.
var ErrInvalidToken = errors.New("tokens: invalid token")

// errUnknownKid marks a token signed with a key this ring does not hold
// (yet: another node may just have rotated one in).
var errUnknownKid = errors.New("unknown key id")

// header is the JWS protected header we write. The field order is the
// order they are encoded in: {"alg":"EdDSA","kid":"...","typ":"JWT"}.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Sign returns a compact JWS of claims signed with the ring's current key.
// Claims are encoded with encoding/json (map keys sorted); a nil map
// signs as {}. Access tokens, signed on every refresh, go through
// SignAccess instead; what remains here (state cookies, one-time links)
// is rare enough for reflection.
func (kr *Keyring) Sign(claims map[string]any) (string, error) {
	if claims == nil {
		claims = map[string]any{}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("tokens: encode claims: %v", err)
	}
	return kr.signObject(payload)
}

// signObject returns a compact JWS whose payload is object, an encoded
// JSON object from one of this package's encoders (only its braces are
// checked). Every refresh signs a token, so the token is assembled in one
// buffer: header, payload and signature are encoded into it in place, and
// it is copied once, into the returned string.
func (kr *Keyring) signObject(object []byte) (string, error) {
	if len(object) < 2 || object[0] != '{' || object[len(object)-1] != '}' {
		return "", errors.New("tokens: payload is not a JSON object")
	}
	r := kr.state.Load()
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(r.header)+1+enc.EncodedLen(len(object))+1+enc.EncodedLen(ed25519.SignatureSize))
	buf = append(buf, r.header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, object)
	sig := ed25519.Sign(r.signer.private, buf)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}

// Verify checks token and returns its claims, with JSON numbers as
// float64. It accepts only a compact JWS whose header says alg "EdDSA"
// and names a kid in the ring, whose Ed25519 signature verifies with that
// key, and whose payload is a JSON object. It does not look at exp, nbf or
// any other claim: the caller does, with its own clock.
func (kr *Keyring) Verify(token string) (map[string]any, error) {
	if len(token) > MaxTokenLen {
		return nil, invalid("token too long")
	}
	r := kr.state.Load()
	if claims, ok := r.verified.get(token); ok {
		return claims, nil
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalid("not a compact JWS")
	}
	rawHeader, ok := decodeSegment(parts[0])
	if !ok {
		return nil, invalid("bad header encoding")
	}
	k, err := r.keyFor(rawHeader)
	if errors.Is(err, errUnknownKid) && kr.reloadForUnknownKid() {
		r = kr.state.Load()
		k, err = r.keyFor(rawHeader)
	}
	if err != nil {
		return nil, err
	}
	sig, ok := decodeSegment(parts[2])
	if !ok {
		return nil, invalid("bad signature encoding")
	}
	// The signed input is the token's own first two segments, byte for
	// byte, so nothing that was not signed can influence the result.
	if !ed25519.Verify(k.public, []byte(token[:len(parts[0])+1+len(parts[1])]), sig) {
		return nil, invalid("bad signature")
	}
	rawPayload, ok := decodeSegment(parts[1])
	if !ok {
		return nil, invalid("bad payload encoding")
	}
	var claims map[string]any
	if err := json.Unmarshal(rawPayload, &claims); err != nil || claims == nil {
		return nil, invalid("payload is not a JSON object")
	}
	r.verified.put(token, claims)
	return claims, nil
}

// keyFor reads a decoded header and returns the key it names. Header
// names are matched exactly (encoding/json would match struct fields
// case-insensitively, letting "ALG" stand in for "alg").
func (r *ring) keyFor(rawHeader []byte) (*key, error) {
	var h map[string]json.RawMessage
	if err := json.Unmarshal(rawHeader, &h); err != nil || h == nil {
		return nil, invalid("header is not a JSON object")
	}
	var alg, kid string
	if json.Unmarshal(h["alg"], &alg) != nil || alg != Algorithm {
		return nil, invalid("algorithm must be EdDSA")
	}
	if raw, ok := h["typ"]; ok {
		var typ string
		if json.Unmarshal(raw, &typ) != nil || !strings.EqualFold(typ, "JWT") {
			return nil, invalid("type must be JWT")
		}
	}
	// We implement no JWS extensions, so per RFC 7515 a token that marks
	// any as critical must be refused.
	if _, ok := h["crit"]; ok {
		return nil, invalid("critical header extensions are not supported")
	}
	if json.Unmarshal(h["kid"], &kid) != nil || kid == "" {
		return nil, invalid("missing key id")
	}
	k := r.byID[kid]
	if k == nil {
		return nil, fmt.Errorf("%w: %w", errUnknownKid, ErrInvalidToken)
	}
	return k, nil
}

// decodeSegment decodes unpadded base64url strictly. The alphabet is
// checked first because the decoder silently skips CR and LF, and Strict
// refuses non-zero trailing bits, so each byte string has exactly one
// accepted encoding.
func decodeSegment(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, false
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil
}
