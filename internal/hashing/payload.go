package hashing

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// Payload CMS keeps a user's password in two hidden fields: `salt`, 32
// random bytes written as 64 hex characters, and `hash`, the PBKDF2-SHA256
// key written as hex. The salt goes into PBKDF2 as that hex text (Node's
// crypto.pbkdf2 is handed the string), never as the 32 decoded bytes;
// testdata/payload_pbkdf2.json pins this with vectors made by Node.
//
// Released Payload v3 writes `hash` as bare hex, always with 25000
// iterations and a 512-byte key. Newer Payload source prefixes the hex
// with its parameters: "pbkdf2-sha256-v1:" (600000 iterations, 32 bytes)
// and "pbkdf2-sha256-v2-i<iterations>-l<key bytes>:". PayloadPBKDF2 reads
// all three, so users keep their passwords whichever version they come
// from.
const (
	payloadIter     = 25000
	payloadKeyLen   = 512
	payloadV1Prefix = "pbkdf2-sha256-v1:"
	payloadV1Iter   = 600000
	payloadV1KeyLen = 32
	payloadV2Prefix = "pbkdf2-sha256-v2-i"
	// maxPayloadSaltLen is twice what Payload writes: room for a variant,
	// and short of any key, so swapped fields are refused.
	maxPayloadSaltLen = 128
)

// PayloadPBKDF2 turns the `salt` and `hash` fields of a Payload CMS user
// into the hash string Verify reads:
//
//	$pbkdf2-sha256$i=<iterations>,l=<key bytes>$<salt as given>$<hex key>
//
// The salt must be hex digits (Payload writes 64); it is kept exactly as
// given, case included, because its characters are the PBKDF2 salt. The
// key comes out as lower-case hex. A pair Payload itself could never
// verify (a key whose length differs from its parameters, a salt that is
// not hex, empty fields) or parameters beyond Verify's cost limits give
// an error wrapping ErrMalformedHash, so an importer can report the user
// instead of storing a hash no password matches. A user without a local
// password has both fields empty; the importer should decide about such
// users before calling this.
func PayloadPBKDF2(salt, hash string) (string, error) {
	if salt == "" || len(salt) > maxPayloadSaltLen || !isHex(salt) {
		return "", malformed("payload salt must be 1 to %d hex digits", maxPayloadSaltLen)
	}
	iter, keyLen, digest, err := payloadParams(hash)
	if err != nil {
		return "", err
	}
	key, err := hex.DecodeString(digest)
	if err != nil || len(key) != keyLen {
		return "", malformed("payload hash must be %d hex bytes", keyLen)
	}
	encoded := "$pbkdf2-sha256$i=" + strconv.Itoa(iter) + ",l=" + strconv.Itoa(keyLen) +
		"$" + salt + "$" + hex.EncodeToString(key)
	// The parser applies the cost limits and the length bounds, exactly as
	// it will at every login.
	if _, err := parsePBKDF2(encoded); err != nil {
		return "", err
	}
	return encoded, nil
}

// payloadParams splits a Payload `hash` field into its parameters and its
// hex digest.
func payloadParams(hash string) (iter, keyLen int, digest string, err error) {
	if len(hash) > maxEncodedLen {
		return 0, 0, "", malformed("payload hash is too long")
	}
	if d, ok := strings.CutPrefix(hash, payloadV1Prefix); ok {
		return payloadV1Iter, payloadV1KeyLen, d, nil
	}
	if rest, ok := strings.CutPrefix(hash, payloadV2Prefix); ok {
		// "<iterations>-l<key bytes>:<hex>"
		head, d, ok := strings.Cut(rest, ":")
		i, l, ok2 := strings.Cut(head, "-l")
		if !ok || !ok2 {
			return 0, 0, "", malformed("payload v2 hash needs iterations, key length and digest")
		}
		// params takes plain decimal digits only, so a comma or "="
		// smuggled into either number fails the exact key count.
		v, ok := params("i="+i+",l="+l, "i", "l")
		if !ok || v[0] < 1 || v[0] > maxPBKDF2Iter || v[1] < minKeyLen || v[1] > maxKeyLen {
			return 0, 0, "", malformed("bad payload v2 parameters")
		}
		return int(v[0]), int(v[1]), d, nil
	}
	return payloadIter, payloadKeyLen, hash, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
