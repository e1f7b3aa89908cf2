package tokens

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
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

// ErrNoSigningKey is returned by SignWith for an algorithm the ring holds
// no unretired key of.
var ErrNoSigningKey = errors.New("tokens: no signing key for the algorithm")

// header is the JWS protected header we write. The field order is the
// order they are encoded in: {"alg":"EdDSA","kid":"...","typ":"JWT"}.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Sign returns a compact JWS of claims signed with the ring's current
// EdDSA key. Claims are encoded with encoding/json (map keys sorted); a
// nil map signs as {}. Access tokens, signed on every refresh, go through
// SignAccess instead; what remains here (state cookies, one-time links)
// is rare enough for reflection.
func (kr *Keyring) Sign(claims map[string]any) (string, error) {
	return kr.SignWith(Algorithm, claims)
}

// SignWith is Sign with the newest unretired key of alg (EdDSA or RS256),
// for a token whose reader chooses the algorithm, such as an OpenID
// Connect ID token. It returns an error wrapping ErrNoSigningKey when the
// ring holds no such key: keys are created ahead (LoadOrCreate, Rotate),
// never while a request waits.
func (kr *Keyring) SignWith(alg string, claims map[string]any) (string, error) {
	k := kr.state.Load().signerFor(alg)
	if k == nil {
		return "", fmt.Errorf("%w %q", ErrNoSigningKey, alg)
	}
	if claims == nil {
		claims = map[string]any{}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("tokens: encode claims: %v", err)
	}
	return signObject(k, payload)
}

// signObject returns a compact JWS, signed by k, whose payload is object,
// an encoded JSON object from one of this package's encoders (only its
// braces are checked). Every refresh signs a token, so the token is
// assembled in one buffer: header, payload and signature are encoded into
// it in place, and it is copied once, into the returned string.
func signObject(k *key, object []byte) (string, error) {
	if len(object) < 2 || object[0] != '{' || object[len(object)-1] != '}' {
		return "", errors.New("tokens: payload is not a JSON object")
	}
	enc := base64.RawURLEncoding
	// An access token fits the array, which stays on the stack: the
	// returned string is then the token's one allocation.
	var arr [1024]byte
	buf := arr[:0]
	if n := len(k.header) + 1 + enc.EncodedLen(len(object)) + 1 + enc.EncodedLen(k.sigSize()); n > len(arr) {
		buf = make([]byte, 0, n)
	}
	buf = append(buf, k.header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, object)
	var sig []byte
	if k.rsa != nil {
		var err error
		if sig, err = k.signRSA(buf); err != nil {
			return "", fmt.Errorf("tokens: sign: %v", err)
		}
	} else {
		// Called here rather than in a helper of key's: inlined, it
		// leaves the signature on the stack (one allocation less on
		// every refresh).
		sig = ed25519.Sign(k.private, buf)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}

// Verify checks token and returns its claims, with JSON numbers as
// float64. It accepts only a compact JWS whose header names a kid in the
// ring and, as alg, that key's own algorithm (EdDSA or RS256), whose
// signature verifies with that key, and whose payload is a JSON object.
// It does not look at exp, nbf or any other claim: the caller does, with
// its own clock. The claims are decoded anew on every call, into a map
// the caller owns; only the signature's verdict is remembered.
func (kr *Keyring) Verify(token string) (map[string]any, error) {
	if len(token) > MaxTokenLen {
		return nil, invalid("token too long")
	}
	r := kr.state.Load()
	if _, ok := r.verified.get(token); ok {
		if claims, ok := decodeClaims(token); ok {
			return claims, nil
		}
	}
	claims, _, err := kr.verify(r, token)
	return claims, err
}

// VerifyAccess checks token as Verify does and returns the view of its
// claims core reads on every request (core.AccessViewOf). A token
// verified before with the same keys, or signed by SignAccess with them,
// costs one map lookup: no signature check, no decoding, no allocation.
func (kr *Keyring) VerifyAccess(token string) (core.AccessView, error) {
	if len(token) > MaxTokenLen {
		return core.AccessView{}, invalid("token too long")
	}
	r := kr.state.Load()
	if v, ok := r.verified.get(token); ok {
		return v, nil
	}
	_, v, err := kr.verify(r, token)
	return v, err
}

// verify checks token with ring r's keys (reloading the ring once for an
// unknown kid), decodes its claims and remembers the verdict and their
// view in the ring the key came from.
func (kr *Keyring) verify(r *ring, token string) (map[string]any, core.AccessView, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, core.AccessView{}, invalid("not a compact JWS")
	}
	rawHeader, ok := decodeSegment(parts[0])
	if !ok {
		return nil, core.AccessView{}, invalid("bad header encoding")
	}
	k, err := r.keyFor(rawHeader)
	if errors.Is(err, errUnknownKid) && kr.reloadForUnknownKid() {
		r = kr.state.Load()
		k, err = r.keyFor(rawHeader)
	}
	if err != nil {
		return nil, core.AccessView{}, err
	}
	sig, ok := decodeSegment(parts[2])
	if !ok {
		return nil, core.AccessView{}, invalid("bad signature encoding")
	}
	// The signed input is the token's own first two segments, byte for
	// byte, so nothing that was not signed can influence the result.
	if !k.verify([]byte(token[:len(parts[0])+1+len(parts[1])]), sig) {
		return nil, core.AccessView{}, invalid("bad signature")
	}
	claims, ok := decodePayload(parts[1])
	if !ok {
		return nil, core.AccessView{}, invalid("payload is not a JSON object")
	}
	v := core.AccessViewOf(claims)
	r.verified.put(token, v)
	return claims, v, nil
}

// decodeClaims decodes the payload of a token whose signature has been
// checked already.
func decodeClaims(token string) (map[string]any, bool) {
	_, rest, ok := strings.Cut(token, ".")
	if !ok {
		return nil, false
	}
	payload, _, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, false
	}
	return decodePayload(payload)
}

// decodePayload decodes a payload segment that must hold a JSON object.
func decodePayload(segment string) (map[string]any, bool) {
	rawPayload, ok := decodeSegment(segment)
	if !ok {
		return nil, false
	}
	var claims map[string]any
	if err := json.Unmarshal(rawPayload, &claims); err != nil || claims == nil {
		return nil, false
	}
	return claims, true
}

// keyFor reads a decoded header and returns the key it names. The kid
// alone picks the key; alg must be a supported algorithm (so junk never
// makes the ring reload) and then exactly the key's own, so a token
// cannot make an RSA key verify as an HMAC secret or an Ed25519 key's
// signature pass for RS256. Header names are matched exactly
// (encoding/json would match struct fields case-insensitively, letting
// "ALG" stand in for "alg").
func (r *ring) keyFor(rawHeader []byte) (*key, error) {
	var h map[string]json.RawMessage
	if err := json.Unmarshal(rawHeader, &h); err != nil || h == nil {
		return nil, invalid("header is not a JSON object")
	}
	var alg, kid string
	if json.Unmarshal(h["alg"], &alg) != nil || !Supported(alg) {
		return nil, invalid("unsupported algorithm")
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
	if k.alg != alg {
		return nil, invalid("algorithm does not match the key")
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
