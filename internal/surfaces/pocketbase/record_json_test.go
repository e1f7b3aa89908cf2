package pocketbase

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
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

// Auth answers written straight from the user are byte-for-byte what
// encoding/json makes of the record map, for any field values and
// collection shape.
func FuzzAppendRecord(f *testing.F) {
	f.Add("id1", "a@b.c", "Ada <&>", "av.png", true, false, true, int64(1700000000123))
	f.Add("", "", "\xff\u2028", "", false, true, false, int64(0))
	f.Fuzz(func(t *testing.T, id, email, name, avatar string, visible, verified, show bool, ms int64) {
		c := core.DefaultCollections()[0]
		if len(id)%2 == 1 {
			c = core.DefaultCollections()[1] // _superusers: no name or avatar field
		}
		u := core.User{ID: id, Email: email, Name: name, Avatar: avatar, EmailVisibility: visible, Verified: verified,
			Created: time.UnixMilli(ms).UTC(), Updated: time.UnixMilli(ms / 2).UTC()}
		want, err := json.Marshal(recordJSON(c, u, show))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendRecord(nil, c, u, show); string(got) != string(want) {
			t.Fatalf("appendRecord = %s\nencoding/json = %s", got, want)
		}
		a := authResponse{src: &recordSrc{c: c, u: u, showEmail: show}, Token: "t"}
		full, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		wantFull, _ := json.Marshal(struct {
			Record map[string]any `json:"record"`
			Token  string         `json:"token"`
		}{recordJSON(c, u, show), "t"})
		if string(full) != string(wantFull) {
			t.Fatalf("auth answer = %s\nwant %s", full, wantFull)
		}
	})
}
