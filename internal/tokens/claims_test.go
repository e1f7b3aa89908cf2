package tokens

import (
	"encoding/json"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// FuzzAccessClaims holds SignAccess to Sign of the same claims as a map
// (the encoding access tokens had before SignAccess), for any ids and
// issuer, hostile ones included: the payloads must be equal byte for
// byte, and so, Ed25519 being deterministic, the tokens.
func FuzzAccessClaims(f *testing.F) {
	f.Add("u1", "c1", "s1", "", int64(1700000000), int64(1700000900), true)
	f.Add("ü<&>\"\\\x00", "c\u2028", "s\xff", "https://issuer.example", int64(-1), int64(0), false)
	kr := mustRing(f, fixedKey(1, "kid-1", t0))
	f.Fuzz(func(t *testing.T, user, coll, sess, iss string, iat, exp int64, refreshable bool) {
		c := core.AccessClaims{UserID: user, CollectionID: coll, SessionID: sess, Issuer: iss,
			IssuedAt: iat, Expires: exp, Refreshable: refreshable}
		want, err := json.Marshal(c.Map())
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAccessClaims(nil, c); string(got) != string(want) {
			t.Fatalf("appendAccessClaims = %s\nencoding/json      = %s", got, want)
		}
		viaMap, err := kr.Sign(c.Map())
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := kr.SignAccess(c); err != nil || tok != viaMap {
			t.Errorf("SignAccess = %q, %v; Sign(Map()) = %q", tok, err, viaMap)
		}
	})
}
