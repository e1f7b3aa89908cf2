package pocketbase

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// wireAuth is the auth answer as encoding/json writes it from the record
// map: what AppendJSON must match byte for byte.
type wireAuth struct {
	Meta   *authMeta      `json:"meta,omitempty"`
	Record map[string]any `json:"record"`
	Token  string         `json:"token"`
}

// The hand-written encoding of auth answers is byte-for-byte
// encoding/json's, with and without meta, whatever the strings hold.
func FuzzAuthResponseJSON(f *testing.F) {
	f.Add("tok.en", "rt", "2026-01-01 00:00:00.000Z", "Ada <&>", true)
	f.Add("", "", "", "\xff\u2028", false)
	f.Fuzz(func(t *testing.T, token, refresh, exp, name string, meta bool) {
		c := core.DefaultCollections()[0]
		u := core.User{ID: "x", Name: name, Verified: meta}
		a := authResponse{src: recordSrc{c: c, u: u, showEmail: true}, Token: token}
		w := wireAuth{Record: recordJSON(c, u, true), Token: token}
		if meta {
			a.Meta = &authMeta{RefreshToken: refresh, RefreshTokenExpires: exp}
			w.Meta = a.Meta
		}
		want, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := a.AppendJSON(nil)
		if !ok || string(got) != string(want) {
			t.Fatalf("AppendJSON = %q (%v), encoding/json = %q", got, ok, want)
		}
		if viaMarshal, _ := json.Marshal(a); string(viaMarshal) != string(want) {
			t.Fatalf("json.Marshal = %q, want %q", viaMarshal, want)
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
	})
}

// A record answered on its own is byte-for-byte the answer of its map,
// with and without a fields query.
func TestRecordResponseMatchesMap(t *testing.T) {
	c := core.DefaultCollections()[0]
	u := core.User{ID: "id1", Email: "a@b.c", Name: "Ada <&>", Avatar: "av.png", Verified: true,
		Created: time.UnixMilli(1700000000123).UTC()}
	for _, show := range []bool{true, false} {
		for _, target := range []string{"/r", "/r?fields=id,email", "/r?fields=*", "/r?x=1"} {
			want := httptest.NewRecorder()
			if err := respond(want, httptest.NewRequest("GET", target, nil), 200, recordJSON(c, u, show)); err != nil {
				t.Fatal(err)
			}
			got := httptest.NewRecorder()
			if err := respond(got, httptest.NewRequest("GET", target, nil), 200, recordResponse{c: c, u: u, showEmail: show}); err != nil {
				t.Fatal(err)
			}
			if got.Body.String() != want.Body.String() || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s (email %v): record answer %q, map answer %q", target, show, got.Body, want.Body)
			}
		}
	}
}

// The record's times are written exactly as time's layout writes them,
// for any instant (years outside 0-9999 included).
func FuzzAppendTimeLayout(f *testing.F) {
	f.Add(int64(1700000000123456789))
	f.Add(int64(0))
	f.Add(int64(-62135596800))
	f.Add(int64(253402300799999999))
	f.Fuzz(func(t *testing.T, ns int64) {
		for _, tm := range []time.Time{time.Unix(0, ns).UTC(), time.Unix(ns, ns%1e9).UTC(), time.Unix(ns/1e3, 0).UTC()} {
			want := tm.Format(timeLayout)
			if got := string(appendTimeLayout(nil, tm)); got != want {
				t.Fatalf("%v: appendTimeLayout = %q, Format = %q", tm, got, want)
			}
		}
	})
}
