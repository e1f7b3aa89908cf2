package payload

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// referenceObject encodes o the way the map-based orderedObject did:
// each key and value through json.Marshal, in order. The hand-written
// encoder must match it byte for byte.
func referenceObject(t testing.TB, o orderedObject) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o.members {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(m.key)
		vb, err := json.Marshal(m.value)
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// encoded is what encoding/json's Encoder (WriteJSON's slow path) writes
// for v, without the newline.
func encoded(t testing.TB, v any) []byte {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func oddDocument(s string) orderedObject {
	var o orderedObject
	o.add("id", s)
	o.add("email", "a<b>&c@example.com")
	o.add("name", s+"\u2028\u00e9\x01\"\\")
	o.add("n", 1.5e21)
	o.add("list", []any{"x", 2.0, nil, map[string]any{"z": "<", "a": true}})
	o.add("null", nil)
	o.add("_verified", false)
	o.add("sessions", []session{{ID: s, CreatedAt: "2026-01-02T03:04:05.000Z", ExpiresAt: "<&>"}, {ID: "b"}})
	o.add("empty", []session{})
	o.add("none", []session(nil))
	o.add(s, true)
	return o
}

// TestAnswersMatchEncodingJSON: the me and refresh answers written by
// hand are the bytes encoding/json writes for the same values, whatever
// a user's fields hold.
func TestAnswersMatchEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "<script>", "é\u2028\ufffd", "\xff", "tab\there"} {
		doc := oddDocument(s)
		ref := referenceObject(t, doc)
		me := meAnswer{User: doc, Collection: s, Strategy: strategy, Exp: math.MaxInt64, Token: s + ".x", Message: "Account"}
		got, ok := me.AppendJSON(nil)
		want := encoded(t, struct {
			User       json.RawMessage `json:"user"`
			Collection string          `json:"collection"`
			Strategy   string          `json:"strategy"`
			Exp        int64           `json:"exp"`
			Token      string          `json:"token"`
			Message    string          `json:"message"`
		}{ref, me.Collection, me.Strategy, me.Exp, me.Token, me.Message})
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("me %q:\n got %s (%v)\nwant %s", s, got, ok, want)
		}
		if slow := encoded(t, me); !bytes.Equal(slow, want) {
			t.Errorf("me %q through encoding/json:\n got %s\nwant %s", s, slow, want)
		}
		rf := refreshAnswer{Message: s, Exp: -1, RefreshedToken: s, SetCookie: true, Strategy: strategy, User: doc}
		got, ok = rf.AppendJSON(nil)
		want = encoded(t, struct {
			Message        string          `json:"message"`
			Exp            int64           `json:"exp"`
			RefreshedToken string          `json:"refreshedToken"`
			SetCookie      bool            `json:"setCookie"`
			Strategy       string          `json:"strategy"`
			User           json.RawMessage `json:"user"`
		}{rf.Message, rf.Exp, rf.RefreshedToken, rf.SetCookie, rf.Strategy, ref})
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("refresh %q:\n got %s (%v)\nwant %s", s, got, ok, want)
		}
	}
}

// TestAnswerDeclinesUnencodable: a value encoding/json refuses sends the
// answer to WriteJSON's slow path, which reports the error.
func TestAnswerDeclinesUnencodable(t *testing.T) {
	var doc orderedObject
	doc.add("id", "u")
	doc.add("bad", math.NaN())
	if _, ok := (meAnswer{User: doc}).AppendJSON(nil); ok {
		t.Error("me: a NaN field was encoded")
	}
	if _, ok := (refreshAnswer{User: doc}).AppendJSON(nil); ok {
		t.Error("refresh: a NaN field was encoded")
	}
}

// TestObjectGet reads members back by name, as GraphQL's resolvers do.
func TestObjectGet(t *testing.T) {
	doc := oddDocument("k")
	if doc.get("email") != "a<b>&c@example.com" || doc.get("_verified") != false || doc.get("missing") != nil {
		t.Errorf("get: %v %v %v", doc.get("email"), doc.get("_verified"), doc.get("missing"))
	}
}

// FuzzAnswerMatchesEncodingJSON: any string in any place of a document
// encodes as encoding/json would.
func FuzzAnswerMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "<>&", "\u2028", "\xc3", "a\"b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := oddDocument(s)
		me := meAnswer{User: doc, Token: s}
		got, ok := me.AppendJSON(nil)
		if !ok || !bytes.Equal(got, encoded(t, me)) {
			t.Fatalf("%q: %s", s, got)
		}
		if ref := referenceObject(t, doc); !bytes.Contains(got, ref) {
			t.Fatalf("%q: user %s is not %s", s, got, ref)
		}
	})
}
