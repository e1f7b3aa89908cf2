package main

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// jwksAlgs returns the alg of every key the server publishes, sorted.
func jwksAlgs(t testing.TB, ts *testServer) []string {
	t.Helper()
	r := ts.do(t, "GET", "/.well-known/jwks.json", nil).want(t, 200)
	keys, _ := r.JSON["keys"].([]any)
	var algs []string
	for _, k := range keys {
		m, _ := k.(map[string]any)
		alg, _ := m["alg"].(string)
		algs = append(algs, alg)
	}
	slices.Sort(algs)
	return algs
}

// TestKeysRotateAlg: `keys rotate --alg RS256` makes the first RSA key,
// which the server publishes after its next key reload while access
// tokens stay EdDSA; a plain `keys rotate` then rotates both algorithms.
func TestKeysRotateAlg(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "keys:\n  reload_interval: 1s\n", serverOpts{})
	waitAlgs := func(want ...string) {
		t.Helper()
		for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
			got := jwksAlgs(t, ts)
			if slices.Equal(got, want) {
				return
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("JWKS algs = %v 5s after the rotation, want %v", got, want)
			}
		}
	}
	waitAlgs("EdDSA")

	if out, err := ts.cli(t, "keys", "rotate", "--alg", "HS256"); err == nil || !strings.Contains(out, "unsupported --alg") {
		t.Errorf("keys rotate --alg HS256 = %q, %v; want a usage error", out, err)
	}
	out, err := ts.cli(t, "keys", "rotate", "--alg", "RS256")
	if err != nil || !strings.Contains(out, "New RS256 signing key") || strings.Count(out, "New ") != 1 {
		t.Fatalf("keys rotate --alg RS256 = %q, %v", out, err)
	}
	waitAlgs("EdDSA", "RS256")

	const email, pw = "kai@example.com", "kai password 1"
	ts.signUp(t, email, pw)
	tok := ts.loginToken(t, "users", email, pw)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil || h["alg"] != "EdDSA" {
		t.Errorf("access token header = %s, want alg EdDSA beside an RSA key", raw)
	}

	out, err = ts.cli(t, "keys", "rotate")
	if err != nil || !strings.Contains(out, "New signing key") || !strings.Contains(out, "New RS256 signing key") {
		t.Fatalf("keys rotate = %q, %v; want a new key of each algorithm in use", out, err)
	}
	waitAlgs("EdDSA", "EdDSA", "RS256", "RS256")
}
