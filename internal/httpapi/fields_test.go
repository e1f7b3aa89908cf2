package httpapi

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFieldsString(t *testing.T) {
	t.Parallel()
	f := Fields{"s": "x", "empty": "", "nul": "a\x00b", "null": nil, "n": json.Number("1"),
		"b": true, "o": map[string]any{}, "a": []any{"x"}, "rep": []string{"x", "y"}}
	tests := []struct {
		key         string
		want        string
		wantPresent bool
		wantErr     bool
	}{
		{key: "s", want: "x", wantPresent: true},
		{key: "empty", want: "", wantPresent: true},
		{key: "nul", want: "a\x00b", wantPresent: true},
		{key: "null"},
		{key: "missing"},
		{key: "n", wantErr: true},
		{key: "b", wantErr: true},
		{key: "o", wantErr: true},
		{key: "a", wantErr: true},
		{key: "rep", wantErr: true},
	}
	for _, tt := range tests {
		got, present, err := f.String(tt.key)
		if tt.wantErr {
			wantDecodeError(t, err, ReasonWrongType, tt.key)
			continue
		}
		if err != nil || got != tt.want || present != tt.wantPresent {
			t.Errorf("String(%q) = %q, %v, %v, want %q, %v, nil", tt.key, got, present, err, tt.want, tt.wantPresent)
		}
	}
}

func TestFieldsBool(t *testing.T) {
	t.Parallel()
	f := Fields{"t": true, "f": false, "st": "true", "sf": "false", "s1": "1", "s0": "0",
		"on": "on", "off": "off", "upper": "TRUE", "null": nil,
		"n": json.Number("1"), "junk": "yes", "blank": "", "o": map[string]any{}, "rep": []string{"1", "0"}}
	tests := []struct {
		key         string
		want        bool
		wantPresent bool
		wantErr     bool
	}{
		{key: "t", want: true, wantPresent: true},
		{key: "f", want: false, wantPresent: true},
		{key: "st", want: true, wantPresent: true},
		{key: "sf", want: false, wantPresent: true},
		{key: "s1", want: true, wantPresent: true},
		{key: "s0", want: false, wantPresent: true},
		{key: "on", want: true, wantPresent: true},
		{key: "off", want: false, wantPresent: true},
		{key: "upper", want: true, wantPresent: true},
		{key: "null"},
		{key: "missing"},
		{key: "n", wantErr: true},
		{key: "junk", wantErr: true},
		{key: "blank", wantErr: true},
		{key: "o", wantErr: true},
		{key: "rep", wantErr: true},
	}
	for _, tt := range tests {
		got, present, err := f.Bool(tt.key)
		if tt.wantErr {
			wantDecodeError(t, err, ReasonWrongType, tt.key)
			continue
		}
		if err != nil || got != tt.want || present != tt.wantPresent {
			t.Errorf("Bool(%q) = %v, %v, %v, want %v, %v, nil", tt.key, got, present, err, tt.want, tt.wantPresent)
		}
	}
}

func TestFieldsInt64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      any
		want    int64
		wantErr bool
	}{
		{in: json.Number("0"), want: 0},
		{in: json.Number("-0"), want: 0},
		{in: json.Number("42"), want: 42},
		{in: json.Number("-42"), want: -42},
		{in: json.Number("9223372036854775807"), want: 9223372036854775807},
		{in: json.Number("-9223372036854775808"), want: -9223372036854775808},
		{in: json.Number("1.0"), want: 1},
		{in: json.Number("1.500e1"), want: 15},
		{in: json.Number("1e3"), want: 1000},
		{in: json.Number("1E+3"), want: 1000},
		{in: json.Number("12000e-3"), want: 12},
		{in: json.Number("9007199254740993.0"), want: 9007199254740993},
		{in: json.Number("9.223372036854775807e18"), want: 9223372036854775807},
		{in: json.Number("0e999999999999999999999"), want: 0},
		{in: json.Number("0.0e-5"), want: 0},
		{in: json.Number("100000000000000000000e-20"), want: 1},
		{in: "17", want: 17},
		{in: "-3", want: -3},
		{in: "2e2", want: 200},
		{in: json.Number("1.5"), wantErr: true},
		{in: json.Number("1e-1"), wantErr: true},
		{in: json.Number("9223372036854775808"), wantErr: true},
		{in: json.Number("-9223372036854775809"), wantErr: true},
		{in: json.Number("1e19"), wantErr: true},
		{in: json.Number("1e999999999999999999999"), wantErr: true},
		{in: json.Number("1e-999999999999999999999"), wantErr: true},
		{in: json.Number("1e-9223372036854775808"), wantErr: true},
		{in: json.Number("1e9223372036854775807"), wantErr: true},
		{in: "", wantErr: true},
		{in: "abc", wantErr: true},
		{in: "1x", wantErr: true},
		{in: " 1", wantErr: true},
		{in: "1e", wantErr: true},
		{in: "1e+-3", wantErr: true},
		{in: ".5e1", wantErr: true},
		{in: "5.", wantErr: true},
		{in: "--1", wantErr: true},
		{in: true, wantErr: true},
		{in: map[string]any{}, wantErr: true},
		{in: []string{"1", "2"}, wantErr: true},
	}
	for _, tt := range tests {
		f := Fields{"k": tt.in}
		got, present, err := f.Int64("k")
		if tt.wantErr {
			wantDecodeError(t, err, ReasonWrongType, "k")
			continue
		}
		if err != nil || !present || got != tt.want {
			t.Errorf("Int64(%#v) = %d, %v, %v, want %d, true, nil", tt.in, got, present, err, tt.want)
		}
	}
	for _, key := range []string{"null", "missing"} {
		f := Fields{"null": nil}
		if got, present, err := f.Int64(key); got != 0 || present || err != nil {
			t.Errorf("Int64(%q) = %d, %v, %v, want 0, false, nil", key, got, present, err)
		}
	}
}

func TestFieldsObject(t *testing.T) {
	t.Parallel()
	f := Fields{"o": map[string]any{"a": "b"}, "null": nil, "s": "x", "a": []any{}}
	got, present, err := f.Object("o")
	if err != nil || !present {
		t.Fatalf("Object(o) = %v, %v, %v", got, present, err)
	}
	if diff := cmp.Diff(map[string]any{"a": "b"}, got); diff != "" {
		t.Errorf("Object(o) mismatch (-want +got):\n%s", diff)
	}
	for _, key := range []string{"null", "missing"} {
		if got, present, err := f.Object(key); got != nil || present || err != nil {
			t.Errorf("Object(%q) = %v, %v, %v, want nil, false, nil", key, got, present, err)
		}
	}
	for _, key := range []string{"s", "a"} {
		_, _, err := f.Object(key)
		wantDecodeError(t, err, ReasonWrongType, key)
	}
}

func TestFieldsHasKeys(t *testing.T) {
	t.Parallel()
	f := Fields{"b": 1, "a": nil, "c": ""}
	if !f.Has("a") || !f.Has("c") || f.Has("z") {
		t.Errorf("Has: a=%v c=%v z=%v, want true true false", f.Has("a"), f.Has("c"), f.Has("z"))
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, f.Keys()); diff != "" {
		t.Errorf("Keys() mismatch (-want +got):\n%s", diff)
	}
}

// FuzzParseInt64 checks parseInt64 against exact rational arithmetic:
// it must accept exactly the decimal integers and JSON-syntax numbers
// whose value is a whole number within int64.
func FuzzParseInt64(f *testing.F) {
	for _, s := range []string{"0", "-0", "+7", "007", "1.0", "1.5", "1e3", "12000e-3", "1e19",
		"9223372036854775807", "-9223372036854775808", "9.223372036854775808e18", "0e99999", "1e-99999", ".5", "5.", "0x10", "1_000"} {
		f.Add(s)
	}
	grammar := regexp.MustCompile(`^[+-]?[0-9]+$|^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	exponent := regexp.MustCompile(`[eE][+-]?0*([0-9]*)$`)
	minInt, maxInt := big.NewRat(math.MinInt64, 1), big.NewRat(math.MaxInt64, 1)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseInt64(s)
		if !grammar.MatchString(s) {
			if ok {
				t.Fatalf("parseInt64(%q) = %d, true; want rejection (not a number)", s, got)
			}
			return
		}
		if m := exponent.FindStringSubmatch(s); m != nil && len(m[1]) > 4 {
			return // too big an exponent for the oracle to build cheaply
		}
		r, valid := new(big.Rat).SetString(s)
		if !valid {
			t.Fatalf("oracle cannot parse %q", s)
		}
		want := r.IsInt() && r.Cmp(minInt) >= 0 && r.Cmp(maxInt) <= 0
		if ok != want || (ok && big.NewRat(got, 1).Cmp(r) != 0) {
			t.Fatalf("parseInt64(%q) = %d, %v; want ok=%v (value %s)", s, got, ok, want, r.RatString())
		}
	})
}
