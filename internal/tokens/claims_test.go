package tokens

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
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

// extraPayload is what SignAccess must sign for c: the standard claims as
// encoding/json encodes them in a map, then each extra claim, name and
// value as encoding/json encodes them, in order.
func extraPayload(t testing.TB, c core.AccessClaims) string {
	t.Helper()
	std, err := json.Marshal(claimsMap(c))
	if err != nil {
		t.Fatal(err)
	}
	out := std[:len(std)-1]
	for _, cl := range c.Extra {
		name, err := json.Marshal(cl.Name)
		if err != nil {
			t.Fatal(err)
		}
		value, err := json.Marshal(cl.Value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(append(append(out, ','), name...), ':'), value...)
	}
	return string(append(out, '}'))
}

func payloadOf(t testing.TB, token string) string {
	t.Helper()
	p, err := b64.DecodeString(strings.Split(token, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}

func TestSignAccessExtra(t *testing.T) {
	t.Parallel()
	kr := mustRing(t, fixedKey(1, "kid-1", t0))
	base := core.AccessClaims{UserID: "u1", CollectionID: "c1", SessionID: "s1", Issuer: "https://gh.example",
		IssuedAt: 1700000000, Expires: 1700000900, Refreshable: true}

	// No extra claims, nil or empty: the token is what it always was.
	want, _ := kr.Sign(claimsMap(base))
	for _, extra := range [][]core.Claim{nil, {}} {
		c := base
		c.Extra = extra
		if tok, err := kr.SignAccess(c); err != nil || tok != want {
			t.Errorf("SignAccess(Extra %#v) = %q, %v; want the plain token %q", extra, tok, err, want)
		}
	}

	c := base
	c.Extra = []core.Claim{
		{Name: "collection", Value: "users"},
		{Name: "email", Value: "ü<a&b>@example.com"},
		{Name: "acc", Value: map[string]any{"id": "acc_1", "plan": "pro", "seats": 3, "tags": []string{"x"}}},
		{Name: "role", Value: "owner"},
		{Name: "app", Value: 7},
		{Name: "big", Value: int64(1) << 53},
		{Name: "ratio", Value: 0.25},
		{Name: "admin", Value: false},
		{Name: "nothing", Value: nil},
		{Name: "raw", Value: json.RawMessage(`{ "b" : 1 , "a" : [ ] }`)},
	}
	tok, err := kr.SignAccess(c)
	if err != nil {
		t.Fatalf("SignAccess(extra claims) = %v", err)
	}
	if got, want := payloadOf(t, tok), extraPayload(t, c); got != want {
		t.Errorf("payload = %s\nwant    %s", got, want)
	}
	got, err := kr.Verify(tok)
	if err != nil {
		t.Fatalf("Verify(token with extra claims) = %v", err)
	}
	wantClaims := claimsMapDecoded(base)
	for k, v := range map[string]any{
		"collection": "users", "email": "ü<a&b>@example.com",
		"acc":  map[string]any{"id": "acc_1", "plan": "pro", "seats": float64(3), "tags": []any{"x"}},
		"role": "owner", "app": float64(7), "big": float64(1 << 53), "ratio": 0.25, "admin": false, "nothing": nil,
		"raw": map[string]any{"a": []any{}, "b": float64(1)},
	} {
		wantClaims[k] = v
	}
	if diff := cmp.Diff(wantClaims, got); diff != "" {
		t.Errorf("verified claims (-want +got):\n%s", diff)
	}
}

// claimsMapDecoded is claimsMap as Verify returns it (numbers as float64).
func claimsMapDecoded(c core.AccessClaims) map[string]any {
	m := claimsMap(c)
	m["iat"], m["exp"] = float64(c.IssuedAt), float64(c.Expires)
	return m
}

func TestSignAccessRefusesExtra(t *testing.T) {
	t.Parallel()
	kr := mustRing(t, fixedKey(1, "kid-1", t0))
	base := core.AccessClaims{UserID: "u1", CollectionID: "c1", SessionID: "s1", IssuedAt: 1, Expires: 2}
	refused := map[string][]core.Claim{}
	for _, name := range []string{"sub", "id", "collectionId", "type", "refreshable", "sid", "iat", "exp", "iss", "nbf", "aud", "jti",
		"SUB", "Id", "COLLECTIONID", "Type", "ſub", ""} {
		refused["reserved "+name] = []core.Claim{{Name: "role", Value: "x"}, {Name: name, Value: "admin"}}
	}
	refused["repeated"] = []core.Claim{{Name: "role", Value: "user"}, {Name: "role", Value: "admin"}}
	refused["repeated in another case"] = []core.Claim{{Name: "role", Value: "user"}, {Name: "Role", Value: "admin"}}
	refused["unencodable"] = []core.Claim{{Name: "ch", Value: make(chan int)}}
	refused["NaN"] = []core.Claim{{Name: "n", Value: math.NaN()}}
	refused["bad raw JSON"] = []core.Claim{{Name: "raw", Value: json.RawMessage(`{"a":`)}}
	for name, extra := range refused {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := base
			c.Extra = extra
			if tok, err := kr.SignAccess(c); !errors.Is(err, ErrBadClaim) || tok != "" {
				t.Errorf("SignAccess = %q, %v; want no token and ErrBadClaim", tok, err)
			}
		})
	}
}

// FuzzAccessClaimsExtra holds SignAccess with one extra claim of any name
// and string value to encoding/json's encoding of the same claim after
// the standard ones, and checks that the signed token never carries two
// names a decoder could take for one: a reserved name is refused, any
// other decodes as its own claim beside all the standard ones.
func FuzzAccessClaimsExtra(f *testing.F) {
	f.Add("collection", "users")
	f.Add("sub", "admin")
	f.Add("SUB", "admin")
	f.Add("ſid", "x")
	f.Add("e\u2028<>", "\xff\x00")
	kr := mustRing(f, fixedKey(1, "kid-1", t0))
	base := core.AccessClaims{UserID: "u1", CollectionID: "c1", SessionID: "s1", IssuedAt: 1700000000, Expires: 1700000900}
	f.Fuzz(func(t *testing.T, name, value string) {
		c := base
		c.Extra = []core.Claim{{Name: name, Value: value}}
		tok, err := kr.SignAccess(c)
		if core.ReservedClaim(name) {
			if !errors.Is(err, ErrBadClaim) || tok != "" {
				t.Fatalf("SignAccess(reserved %q) = %q, %v; want ErrBadClaim", name, tok, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("SignAccess(%q) = %v", name, err)
		}
		if got, want := payloadOf(t, tok), extraPayload(t, c); got != want {
			t.Fatalf("payload = %s\nwant    %s", got, want)
		}
		claims, err := kr.Verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		std := claimsMapDecoded(base)
		if len(claims) != len(std)+1 {
			t.Fatalf("claims %v: the extra claim %q collided with a standard one", claims, name)
		}
		for k, v := range std {
			if claims[k] != v {
				t.Fatalf("claim %q = %v, want %v: overwritten by extra claim %q", k, claims[k], v, name)
			}
			for k2 := range claims {
				if k2 != k && strings.EqualFold(k2, k) {
					t.Fatalf("extra claim %q decodes as %q, which folds to the standard %q", name, k2, k)
				}
			}
		}
	})
}

// TestSignAccessAllocations holds every refresh's signing to two
// allocations (the token's buffer and its string), with or without a
// few extra string claims: the signature must stay on the stack.
func TestSignAccessAllocations(t *testing.T) {
	kr := mustRing(t, fixedKey(1, "kid-1", t0))
	c := core.AccessClaims{UserID: "abcdefghijklmno", CollectionID: "_pb_users_auth_", SessionID: "s1234567890abcd",
		Issuer: "https://auth.example.com", IssuedAt: 1700000000, Expires: 1700000900, Refreshable: true}
	withExtra := c
	withExtra.Extra = []core.Claim{{Name: "collection", Value: "users"}, {Name: "email", Value: "alice@example.com"}}
	for name, c := range map[string]core.AccessClaims{"standard": c, "extra": withExtra} {
		if n := testing.AllocsPerRun(100, func() { _, _ = kr.SignAccess(c) }); n > 2 {
			t.Errorf("SignAccess (%s claims) allocates %v times, want at most 2", name, n)
		}
	}
}
