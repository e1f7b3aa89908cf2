package core_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// nest wraps leaf in objects until the document is depth levels deep
// (the document itself being level 1).
func nest(depth int, leaf any) map[string]any {
	doc := map[string]any{"v": leaf}
	for range depth - 1 {
		doc = map[string]any{"v": doc}
	}
	return doc
}

// A profile is kept as given, in the form stores read it back: the user
// a flow returns equals the user a later read finds.
func TestProfileCreateKeepsDocument(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	email, pw := "ada@example.com", "correct horse"
	in := map[string]any{
		"first_name": "Ada Lovelace", "last_name": "King",
		"userData": map[string]any{"n": 3.0, "big": json.Number("12345678901234567890"), "i": 7,
			"list": []any{"x", nil, true, 1.5}, "html": "<b>&</b>"},
	}
	u, err := e.svc.CreateUser(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw, Profile: in})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"first_name": "Ada Lovelace", "last_name": "King",
		"userData": map[string]any{"n": json.Number("3"), "big": json.Number("12345678901234567890"), "i": json.Number("7"),
			"list": []any{"x", nil, true, json.Number("1.5")}, "html": "<b>&</b>"},
	}
	if diff := cmp.Diff(want, u.Profile); diff != "" {
		t.Errorf("created profile (-want +got):\n%s", diff)
	}
	if u.Status != core.UserActive {
		t.Errorf("new user's status = %q, want active", u.Status)
	}
	stored, err := e.db.UserByID(ctx, e.users.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, stored); diff != "" {
		t.Errorf("stored user differs from the one returned (-returned +stored):\n%s", diff)
	}
	// The caller's map is not the stored one: changing it changes nothing.
	in["first_name"] = "changed"
	if u.Profile["first_name"] != "Ada Lovelace" {
		t.Error("the returned profile aliases the caller's map")
	}
}

// UpdateUser replaces the whole document, keeps it when given none, and
// removes it when given an empty one. A user may change its own; another
// user's reads as missing.
func TestProfileUpdate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "ada@example.com", "correct horse")
	_, p := e.login(t, e.users, "ada@example.com", "correct horse")

	update := func(in core.UserInput) core.User {
		t.Helper()
		got, err := e.svc.UpdateUser(ctx, p, e.users, u.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := update(core.UserInput{Profile: map[string]any{"a": "1", "b": "2"}})
	if diff := cmp.Diff(map[string]any{"a": "1", "b": "2"}, got.Profile); diff != "" {
		t.Errorf("set profile (-want +got):\n%s", diff)
	}
	got = update(core.UserInput{Name: ptr("Ada")})
	if diff := cmp.Diff(map[string]any{"a": "1", "b": "2"}, got.Profile); diff != "" || got.Name != "Ada" {
		t.Errorf("an update without a profile changed it (-want +got):\n%s", diff)
	}
	got = update(core.UserInput{Profile: map[string]any{"c": "3"}})
	if diff := cmp.Diff(map[string]any{"c": "3"}, got.Profile); diff != "" {
		t.Errorf("replaced profile (-want +got):\n%s", diff)
	}
	got = update(core.UserInput{Profile: map[string]any{}})
	if got.Profile != nil {
		t.Errorf("profile after an empty one = %v, want none", got.Profile)
	}
	if stored, err := e.db.UserByID(ctx, e.users.ID, u.ID); err != nil || stored.Profile != nil {
		t.Errorf("stored profile = %v, %v, want none", stored.Profile, err)
	}

	other := e.signUp(t, "bob@example.com", "correct horse")
	_, err := e.svc.UpdateUser(ctx, p, e.users, other.ID, core.UserInput{Profile: map[string]any{"x": "y"}})
	wantKind(t, err, core.KindNotFound, core.CodeNotFound)
}

// Every rule of the document's shape and size is enforced, on create and
// update alike, as a field error on "profile"; the limits themselves are
// allowed.
func TestProfileValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "ada@example.com", "correct horse")
	_, p := e.login(t, e.users, "ada@example.com", "correct horse")

	// A document of exactly n encoded bytes: {"s":"xxx..."}.
	sized := func(n int) map[string]any { return map[string]any{"s": strings.Repeat("x", n-len(`{"s":""}`))} }
	bad := []struct {
		name   string
		doc    map[string]any
		reason string
	}{
		{"empty key", map[string]any{"": "v"}, core.DocBadKey},
		{"long key", map[string]any{strings.Repeat("k", core.MaxProfileKeyBytes+1): "v"}, core.DocBadKey},
		{"control character in a key", map[string]any{"a\nb": "v"}, core.DocBadKey},
		{"NUL in a key", map[string]any{"a\x00b": "v"}, core.DocBadKey},
		{"invalid UTF-8 key", map[string]any{"a\xffb": "v"}, core.DocBadKey},
		{"bad nested key", map[string]any{"ok": []any{map[string]any{"": 1}}}, core.DocBadKey},
		{"NUL in a value", map[string]any{"k": "a\x00b"}, core.DocBadText},
		{"invalid UTF-8 value", map[string]any{"k": "a\xffb"}, core.DocBadText},
		{"NaN", map[string]any{"k": math.NaN()}, core.DocNotFinite},
		{"infinity", map[string]any{"k": []any{math.Inf(1)}}, core.DocNotFinite},
		{"not a number", map[string]any{"k": json.Number("12abc")}, core.DocBadNumber},
		{"not a JSON type", map[string]any{"k": struct{ A int }{1}}, core.DocNotJSON},
		{"a Go slice", map[string]any{"k": []string{"a"}}, core.DocNotJSON},
		{"too deep", nest(core.MaxProfileDepth+1, "leaf"), core.DocTooDeep},
		{"too deep in arrays", map[string]any{"v": nest(core.MaxProfileDepth-1, []any{"x"})}, core.DocTooDeep},
		{"too large", sized(core.MaxProfileBytes + 1), core.DocTooLarge},
	}
	for _, tc := range bad {
		email, pw := "new@example.com", "correct horse"
		_, err := e.svc.CreateUser(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw, Profile: tc.doc})
		if err == nil {
			t.Errorf("%s: CreateUser succeeded", tc.name)
			continue
		}
		wantDocReason(t, tc.name, err, tc.reason)
		_, err = e.svc.UpdateUser(ctx, p, e.users, u.ID, core.UserInput{Profile: tc.doc})
		wantDocReason(t, tc.name, err, tc.reason)
		err = e.svc.Register(ctx, e.users, core.Registration{Email: email, Password: pw, Profile: tc.doc})
		wantDocReason(t, tc.name, err, tc.reason)
	}

	good := []struct {
		name string
		doc  map[string]any
	}{
		{"longest key", map[string]any{strings.Repeat("é", core.MaxProfileKeyBytes/2): "v"}},
		{"deepest", nest(core.MaxProfileDepth, "leaf")},
		{"largest", sized(core.MaxProfileBytes)},
		{"control characters in values", map[string]any{"k": "tab\tnew\nbell\a"}},
		{"unicode", map[string]any{"名前": "Zoë 😀", "עברית": []any{"א", json.Number("-0.5")}}},
	}
	for _, tc := range good {
		got, err := e.svc.UpdateUser(ctx, p, e.users, u.ID, core.UserInput{Profile: tc.doc})
		if err != nil {
			t.Errorf("%s: UpdateUser = %v", tc.name, err)
			continue
		}
		stored, err := e.db.UserByID(ctx, e.users.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got.Profile, stored.Profile); diff != "" {
			t.Errorf("%s: stored profile differs (-returned +stored):\n%s", tc.name, diff)
		}
	}
	if b, _ := core.EncodeProfile(sized(core.MaxProfileBytes)); len(b) != core.MaxProfileBytes {
		t.Errorf("the largest case encodes to %d bytes, want %d", len(b), core.MaxProfileBytes)
	}
}

// A registration keeps its profile; a taken address stores nothing.
func TestRegisterWithProfile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	doc := map[string]any{"first_name": "Ada Lovelace", "last_name": "King"}
	err := e.svc.Register(ctx, e.users, core.Registration{Email: "ada@example.com", Password: "correct horse", Name: ptr("Ada Lovelace King"), Profile: doc})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.db.UserByEmail(ctx, e.users.ID, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc, u.Profile); diff != "" || u.Name != "Ada Lovelace King" || u.Status != core.UserActive {
		t.Errorf("registered user %q %q, profile (-want +got):\n%s", u.Name, u.Status, diff)
	}
	err = e.svc.Register(ctx, e.users, core.Registration{Email: "ada@example.com", Password: "correct horse", Profile: map[string]any{"x": "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := e.db.UserByEmail(ctx, e.users.ID, "ada@example.com"); !cmp.Equal(doc, again.Profile) {
		t.Errorf("a second registration changed the profile to %v", again.Profile)
	}
}

// EncodeProfile and DecodeProfile are the stored form: compact, keys
// sorted, HTML left alone, numbers kept digit for digit; nothing but an
// object decodes.
func TestProfileEncoding(t *testing.T) {
	b, err := core.EncodeProfile(map[string]any{"b": "<&>", "a": json.Number("1.50")})
	if err != nil || string(b) != `{"a":1.50,"b":"<&>"}` {
		t.Errorf("EncodeProfile = %s, %v", b, err)
	}
	if b, err := core.EncodeProfile(map[string]any{}); b != nil || err != nil {
		t.Errorf("EncodeProfile(empty) = %q, %v, want nil", b, err)
	}
	doc, err := core.DecodeProfile([]byte(`{"n": 12345678901234567890, "f": 1.50}`))
	if err != nil || doc["n"] != json.Number("12345678901234567890") || doc["f"] != json.Number("1.50") {
		t.Errorf("DecodeProfile = %v, %v", doc, err)
	}
	for _, empty := range []string{"", " ", "{}"} {
		if doc, err := core.DecodeProfile([]byte(empty)); doc != nil || err != nil {
			t.Errorf("DecodeProfile(%q) = %v, %v, want nil", empty, doc, err)
		}
	}
	for _, bad := range []string{"null", "[]", `"s"`, "1", `{"a":1} {}`, `{"a":`} {
		if _, err := core.DecodeProfile([]byte(bad)); err == nil {
			t.Errorf("DecodeProfile(%q) succeeded", bad)
		}
	}
}

// wantDocReason checks err refuses the profile document for reason.
func wantDocReason(t *testing.T, name string, err error, reason string) {
	t.Helper()
	wantField(t, err, "profile", core.FieldInvalidDocument)
	if got := core.AsError(err).Fields["profile"].Params["reason"]; got != reason {
		t.Errorf("%s: reason = %v, want %s", name, got, reason)
	}
}
