package pocketbase

import (
	"encoding/json"
	"testing"
)

// The hand-written encoding of auth answers is byte-for-byte
// encoding/json's, with and without meta, whatever the strings hold.
func FuzzAuthResponseJSON(f *testing.F) {
	f.Add("tok.en", "rt", "2026-01-01 00:00:00.000Z", "Ada <&>", true)
	f.Add("", "", "", "\xff\u2028", false)
	f.Fuzz(func(t *testing.T, token, refresh, exp, name string, meta bool) {
		a := authResponse{Record: map[string]any{"id": "x", "name": name, "verified": meta}, Token: token}
		if meta {
			a.Meta = &authMeta{RefreshToken: refresh, RefreshTokenExpires: exp}
		}
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := a.AppendJSON(nil)
		if !ok || string(got) != string(want) {
			t.Fatalf("AppendJSON = %q (%v), encoding/json = %q", got, ok, want)
		}
	})
}
