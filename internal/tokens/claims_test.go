package tokens

import (
	"encoding/json"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// FuzzAccessClaims holds SignAccess to Sign of the same claims as a map
// (encoding/json, as access tokens were encoded before SignAccess), for any ids and
// issuer, hostile ones included: the payloads must be equal byte for
// byte, and so, Ed25519 being deterministic, the tokens.
//
// claimsMap is that map, written here rather than next to AccessClaims:
// nothing but this test builds it.
func FuzzAccessClaims(f *testing.F) {
	f.Add("u1", "c1", "s1", "", int64(1700000000), int64(1700000900), true)
	f.Add("ü<&>\"\\\x00", "c\u2028", "s\xff", "https://issuer.example", int64(-1), int64(0), false)
	kr := mustRing(f, fixedKey(1, "kid-1", t0))
	f.Fuzz(func(t *testing.T, user, coll, sess, iss string, iat, exp int64, refreshable bool) {
		c := core.AccessClaims{UserID: user, CollectionID: coll, SessionID: sess, Issuer: iss,
			IssuedAt: iat, Expires: exp, Refreshable: refreshable}
		want, err := json.Marshal(claimsMap(c))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAccessClaims(nil, c); string(got) != string(want) {
			t.Fatalf("appendAccessClaims = %s\nencoding/json      = %s", got, want)
		}
		viaMap, err := kr.Sign(claimsMap(c))
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := kr.SignAccess(c); err != nil || tok != viaMap {
			t.Errorf("SignAccess = %q, %v; Sign(map) = %q", tok, err, viaMap)
		}
	})
}

func claimsMap(c core.AccessClaims) map[string]any {
	m := map[string]any{
		"id": c.UserID, "sub": c.UserID, "collectionId": c.CollectionID, "type": "auth",
		"refreshable": c.Refreshable, "sid": c.SessionID, "iat": c.IssuedAt, "exp": c.Expires,
	}
	if c.Issuer != "" {
		m["iss"] = c.Issuer
	}
	return m
}
