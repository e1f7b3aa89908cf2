package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// jwtParts is a genuine token taken apart, for forging variants of it.
type jwtParts struct {
	raw, h, p, s string
	header       map[string]any
	claims       map[string]any
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// b64JSON encodes v as a token segment.
func b64JSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b64url(raw)
}

// splitJWT decodes a token's header and claims without verifying it.
func splitJWT(t testing.TB, tok string) jwtParts {
	t.Helper()
	seg := strings.Split(tok, ".")
	if len(seg) != 3 {
		t.Fatalf("token %q has %d segments", tok, len(seg))
	}
	j := jwtParts{raw: tok, h: seg[0], p: seg[1], s: seg[2]}
	for i, dst := range []*map[string]any{&j.header, &j.claims} {
		raw, err := base64.RawURLEncoding.DecodeString(seg[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

// withClaims returns a copy of m with the given keys set (a nil value deletes).
func withClaims(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// hs256 signs header.payload with HMAC-SHA256 under key.
func hs256(t testing.TB, header, claims map[string]any, key []byte) string {
	t.Helper()
	input := b64JSON(t, header) + "." + b64JSON(t, claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + b64url(mac.Sum(nil))
}

// edSign signs header.payload with an Ed25519 key.
func edSign(t testing.TB, header, claims map[string]any, key ed25519.PrivateKey) string {
	t.Helper()
	input := b64JSON(t, header) + "." + b64JSON(t, claims)
	return input + "." + b64url(ed25519.Sign(key, []byte(input)))
}

// serverKey reads the server's one signing key from its JWKS.
func serverKey(t testing.TB, ts *testServer) (kid, x string) {
	t.Helper()
	r := ts.do(t, "GET", "/.well-known/jwks.json", nil).want(t, 200)
	keys, _ := r.JSON["keys"].([]any)
	if len(keys) != 1 {
		t.Fatalf("jwks: want one key, got %s", r.Raw)
	}
	k, _ := keys[0].(map[string]any)
	kid, _ = k["kid"].(string)
	x, _ = k["x"].(string)
	if kid == "" || x == "" || k["kty"] != "OKP" || k["crv"] != "Ed25519" {
		t.Fatalf("jwks key is not an Ed25519 OKP key: %s", r.Raw)
	}
	return kid, x
}

// impersonate asks for an impersonation token of the given lifetime.
func (ts *testServer) impersonate(t testing.TB, admin, userID string, secs int) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/impersonate/"+userID, map[string]any{"duration": secs},
		"Authorization", admin).want(t, 200)
	return r.str("token")
}

// checkRejected asserts that a token is worthless: auth-refresh answers
// 401 and the record routes treat the caller as a guest.
func (ts *testServer) checkRejected(t *testing.T, victimID string, headers ...string) {
	t.Helper()
	r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh", Headers: headers})
	checkAPIError(t, "auth-refresh", r, 401, "The request requires valid record authorization token.")
	r = ts.send(t, attackReq{Method: "GET", Path: "/api/collections/users/records", Headers: headers})
	if items, _ := r.JSON["items"].([]any); r.Status != 200 || len(items) != 0 || r.JSON["totalItems"] != 0.0 {
		t.Errorf("list: want a guest's empty 200 list, got %d %.300s", r.Status, r.Raw)
	}
	r = ts.send(t, attackReq{Method: "GET", Path: "/api/collections/users/records/" + victimID, Headers: headers})
	checkAPIError(t, "view", r, 404, "")
}

// TestForgedTokens presents hand-made, tampered, stale and misplaced
// tokens: every one must be refused (401 where auth is required, a guest
// elsewhere), never a 5xx, and the genuine token must keep working.
func TestForgedTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	adminID, admin := ts.superuser(t)
	alice := ts.newAttackUser(t, "alice@example.com", "alice password 1")
	bob := ts.newAttackUser(t, "bob@example.com", "bob password 1")
	// A one-second impersonation token, issued first so that it expires
	// while the other cases run.
	shortLived, shortIssued := ts.impersonate(t, admin, alice.ID, 1), time.Now()
	if c := splitJWT(t, shortLived).claims; c["id"] != alice.ID || c["type"] != "auth" ||
		c["exp"] == nil || c["exp"].(float64) > float64(shortIssued.Unix()+2) {
		t.Fatalf("one-second impersonation token has claims %v", c)
	}
	static := splitJWT(t, ts.impersonate(t, admin, alice.ID, 3600))
	kid, x := serverKey(t, ts)
	pub, err := base64.RawURLEncoding.DecodeString(x)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		t.Fatalf("jwks x %q: %v", x, err)
	}
	_, attacker, _ := ed25519.GenerateKey(rand.Reader)
	attackerX := b64url(attacker.Public().(ed25519.PublicKey))

	g := splitJWT(t, alice.Token)
	if g.header["alg"] != "EdDSA" || g.header["kid"] != kid || g.claims["id"] != alice.ID {
		t.Fatalf("genuine token is not what the forgeries assume: %v %v", g.header, g.claims)
	}
	claimsB64 := func(c map[string]any) string { return b64JSON(t, c) }
	keepSig := func(header, claims map[string]any) string {
		return b64JSON(t, header) + "." + claimsB64(claims) + "." + g.s
	}
	exp, _ := g.claims["exp"].(float64)
	noneHeader := map[string]any{"alg": "none", "typ": "JWT"}
	hsHeader := map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}

	forged := map[string]string{
		"alg none, empty signature":      b64JSON(t, noneHeader) + "." + g.p + ".",
		"alg none, no signature segment": b64JSON(t, noneHeader) + "." + g.p,
		"alg none, bogus signature":      b64JSON(t, noneHeader) + "." + g.p + "." + b64url([]byte("bogus")),
		"alg none, genuine signature":    b64JSON(t, noneHeader) + "." + g.p + "." + g.s,
		"alg None":                       b64JSON(t, withClaims(noneHeader, "alg", "None")) + "." + g.p + ".",
		"alg NONE":                       b64JSON(t, withClaims(noneHeader, "alg", "NONE")) + "." + g.p + ".",
		"alg none with server kid":       b64JSON(t, withClaims(noneHeader, "kid", kid)) + "." + g.p + ".",

		"id of another user":         g.h + "." + claimsB64(withClaims(g.claims, "id", bob.ID)) + "." + g.s,
		"superuser collection":       g.h + "." + claimsB64(withClaims(g.claims, "collectionId", "pbc_3142635823")) + "." + g.s,
		"superuser id and coll":      g.h + "." + claimsB64(withClaims(g.claims, "collectionId", "pbc_3142635823", "id", adminID)) + "." + g.s,
		"exp extended":               g.h + "." + claimsB64(withClaims(g.claims, "exp", exp+1e7)) + "." + g.s,
		"session removed":            g.h + "." + claimsB64(withClaims(g.claims, "sid", nil)) + "." + g.s,
		"static made refreshable":    static.h + "." + claimsB64(withClaims(static.claims, "refreshable", true)) + "." + static.s,
		"claims re-encoded w/ space": g.h + "." + b64url([]byte(`{ "collectionId":"_pb_users_auth_"}`)) + "." + g.s,
		"padded signature":           g.h + "." + g.p + "." + g.s + "==",
		"std base64 signature":       g.h + "." + g.p + "." + strings.NewReplacer("-", "+", "_", "/").Replace(g.s) + "+",

		"HS256 raw public key":            hs256(t, hsHeader, g.claims, pub),
		"HS256 base64 public key":         hs256(t, hsHeader, g.claims, []byte(x)),
		"HS256 raw key, no kid":           hs256(t, withClaims(hsHeader, "kid", nil), g.claims, pub),
		"HS256 base64 key, no kid":        hs256(t, withClaims(hsHeader, "kid", nil), g.claims, []byte(x)),
		"HS256 raw key, other user":       hs256(t, hsHeader, withClaims(g.claims, "id", bob.ID), pub),
		"HS256 header, genuine signature": keepSig(hsHeader, g.claims),
		"RS256 header, genuine signature": keepSig(withClaims(g.header, "alg", "RS256"), g.claims),
		"ES256 header, genuine signature": keepSig(withClaims(g.header, "alg", "ES256"), g.claims),
		"alg eddsa lowercase":             keepSig(withClaims(g.header, "alg", "eddsa"), g.claims),
		"alg Ed25519":                     keepSig(withClaims(g.header, "alg", "Ed25519"), g.claims),
		"unknown kid, genuine signature":  keepSig(withClaims(g.header, "kid", "unknown-kid"), g.claims),
		"no kid, genuine signature":       keepSig(withClaims(g.header, "kid", nil), g.claims),

		"other key, server kid":     edSign(t, g.header, g.claims, attacker),
		"other key, no kid":         edSign(t, withClaims(g.header, "kid", nil), g.claims, attacker),
		"other key, unknown kid":    edSign(t, withClaims(g.header, "kid", "attacker"), g.claims, attacker),
		"other key, path kid":       edSign(t, withClaims(g.header, "kid", "../../../../dev/null"), g.claims, attacker),
		"other key, sql kid":        edSign(t, withClaims(g.header, "kid", "' OR 1=1 --"), g.claims, attacker),
		"other key, embedded jwk":   edSign(t, withClaims(g.header, "jwk", map[string]any{"kty": "OKP", "crv": "Ed25519", "x": attackerX}), g.claims, attacker),
		"other key, jku":            edSign(t, withClaims(g.header, "jku", ts.URL+"/.well-known/jwks.json", "kid", "attacker"), g.claims, attacker),
		"other key, other user":     edSign(t, g.header, withClaims(g.claims, "id", bob.ID), attacker),
		"other key, superuser":      edSign(t, g.header, withClaims(g.claims, "collectionId", "pbc_3142635823", "id", adminID), attacker),
		"genuine, critical ext":     keepSig(withClaims(g.header, "crit", []string{"exp"}), g.claims),
		"truncated by one":          g.raw[:len(g.raw)-1],
		"truncated by half":         g.raw[:len(g.raw)/2],
		"first char dropped":        g.raw[1:],
		"header and claims":         g.h + "." + g.p,
		"header and claims and dot": g.h + "." + g.p + ".",
		"header only":               g.h,
		"empty segments":            "..",
		"trailing dot":              g.raw + ".",
		"extra segment":             g.raw + "." + g.s,
		"extra leading segment":     g.h + "." + g.raw,
		"JWE-shaped":                g.h + ".." + g.p + "." + g.s + "." + g.s,
		"20 KB signature":           g.raw + strings.Repeat("A", 20_000),
		"20 KB junk":                strings.Repeat("a", 20_480),
		"20 KB claims":              g.h + "." + claimsB64(withClaims(g.claims, "pad", strings.Repeat("p", 15_000))) + "." + g.s,
		"Bearer alone":              "Bearer",
		"Bearer, tab":               "Bearer\t" + g.raw,
		"Basic credentials":         "Basic " + base64.StdEncoding.EncodeToString([]byte(alice.Email+":"+alice.Password)),
		"token twice":               g.raw + " " + g.raw,
	}
	for name, tok := range forged {
		t.Run(name, func(t *testing.T) {
			ts.checkRejected(t, alice.ID, "Authorization", tok)
		})
	}

	// Whitespace around a genuine token is tolerated (a documented
	// leniency: the token itself must still be valid).
	t.Run("genuine token with extra spaces is accepted", func(t *testing.T) {
		r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh", Headers: []string{"Authorization", "Bearer  " + g.raw + " "}})
		if r.Status != 200 {
			t.Fatalf("auth-refresh with padded genuine token = %d %s, want 200", r.Status, r.Raw)
		}
	})

	t.Run("token outside the Authorization header", func(t *testing.T) {
		ts.checkRejected(t, alice.ID, "Cookie", "pb_auth="+g.raw)
		ts.checkRejected(t, alice.ID, "X-Authorization", g.raw)
		r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh?token=" + g.raw})
		checkAPIError(t, "token in query", r, 401, "The request requires valid record authorization token.")
	})

	t.Run("one-time tokens from the mailbox", func(t *testing.T) {
		ts.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": alice.Email}).want(t, 204)
		ts.do(t, "POST", "/api/collections/users/request-verification", map[string]any{"email": alice.Email}).want(t, 204)
		ts.do(t, "POST", "/api/collections/users/request-email-change", map[string]any{"newEmail": "alice2@example.com"},
			"Authorization", alice.Token).want(t, 204)
		for _, tc := range []struct{ to, action string }{
			{alice.Email, "confirm-password-reset"},
			{alice.Email, "confirm-verification"},
			{"alice2@example.com", "confirm-email-change"},
		} {
			tok := ts.waitMail(t, tc.to, tc.action)
			ts.checkRejected(t, alice.ID, "Authorization", tok)
			ts.checkRejected(t, alice.ID, "Authorization", "Bearer "+tok)
		}
	})

	t.Run("deleted user", func(t *testing.T) {
		carol := ts.newAttackUser(t, "carol@example.com", "carol password 1")
		ts.do(t, "DELETE", "/api/collections/users/records/"+carol.ID, nil, "Authorization", carol.Token).want(t, 204)
		ts.checkRejected(t, carol.ID, "Authorization", carol.Token)
	})

	t.Run("password changed", func(t *testing.T) {
		dave := ts.newAttackUser(t, "dave@example.com", "dave password 1")
		ts.do(t, "PATCH", "/api/collections/users/records/"+dave.ID, map[string]any{
			"oldPassword": dave.Password, "password": "dave password 2", "passwordConfirm": "dave password 2",
		}, "Authorization", dave.Token).want(t, 200)
		ts.checkRejected(t, dave.ID, "Authorization", dave.Token)
		ts.loginToken(t, "users", dave.Email, "dave password 2")
	})

	t.Run("another collection's genuine token", func(t *testing.T) {
		r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh", Headers: []string{"Authorization", admin}})
		checkAPIError(t, "superuser token on users", r, 403, "")
		r = ts.send(t, attackReq{Method: "POST", Path: "/api/collections/_superusers/auth-refresh", Headers: []string{"Authorization", alice.Token}})
		checkAPIError(t, "user token on _superusers", r, 403, "")
		r = ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/impersonate/" + bob.ID, Headers: []string{"Authorization", alice.Token}})
		checkAPIError(t, "user impersonating", r, 403, "The authorized record is not allowed to perform this action.")
	})

	t.Run("expired impersonation token", func(t *testing.T) {
		time.Sleep(time.Until(shortIssued.Add(2100 * time.Millisecond))) // wall-clock expiry, nothing to poll
		ts.checkRejected(t, alice.ID, "Authorization", shortLived)
		r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh", Headers: []string{"Authorization", static.raw}})
		if r.Status != 200 || r.str("token") != static.raw {
			t.Errorf("a live static token: want 200 with the same token, got %d %.300s", r.Status, r.Raw)
		}
	})

	t.Run("genuine token still works", func(t *testing.T) {
		r := ts.send(t, attackReq{Method: "POST", Path: "/api/collections/users/auth-refresh", Headers: []string{"Authorization", alice.Token}})
		if r.Status != 200 || r.str("record.id") != alice.ID {
			t.Fatalf("auth-refresh with the genuine token: %d %.300s", r.Status, r.Raw)
		}
		r = ts.send(t, attackReq{Method: "GET", Path: "/api/collections/users/records", Headers: []string{"Authorization", "Bearer " + alice.Token}})
		items, _ := r.JSON["items"].([]any)
		if r.Status != 200 || len(items) != 1 {
			t.Fatalf("list with the genuine token: want alice only, got %d %.300s", r.Status, r.Raw)
		}
	})
	ts.checkHealthy(t, "forged tokens")
}
