package jsonenc

import (
	"encoding/json"
	"testing"
)

// The fast encoder writes exactly what encoding/json writes, for any keys
// and string values (escapes, HTML characters, invalid UTF-8, U+2028).
func FuzzAppendFlatObject(f *testing.F) {
	f.Add("id", "abc", "name", "A <b>&</b> \"q\"\n", true)
	f.Add("exp", "x", "n", "y", false) // keys that collide with the integers
	f.Add("email", "é@example.com", "x\u2028", "\xff\xfe", false)
	f.Add("", "", "a", "\x00\x1f\x7f", true)
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, b bool) {
		m := map[string]any{k1: v1, k2: v2, "flag": b, "exp": int64(len(v1)) - 1<<40, "n": len(k2) - 3}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := AppendFlatObject(nil, m)
		if !ok || string(got) != string(want) {
			t.Fatalf("AppendFlatObject = %q (%v), encoding/json = %q", got, ok, want)
		}
	})
}

// Other value types are left to encoding/json.
func TestAppendFlatObjectDeclines(t *testing.T) {
	if _, ok := AppendFlatObject(nil, map[string]any(nil)); ok {
		t.Error("encoded a nil map (encoding/json writes null)")
	}
	for _, v := range []any{1.5, nil, []any{}, map[string]any{}, json.Number("1")} {
		if _, ok := AppendFlatObject(nil, map[string]any{"a": "x", "b": v}); ok {
			t.Errorf("encoded a %T value", v)
		}
	}
}
