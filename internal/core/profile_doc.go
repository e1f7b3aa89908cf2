package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a user's profile document (User.Profile). They bound what one
// user can make every store, cache and answer carry, while leaving room
// for what surfaces keep there (a name pair, a client's userData,
// Payload's custom fields).
const (
	// MaxProfileBytes caps the document as stored: its compact JSON
	// encoding (EncodeProfile), in bytes.
	MaxProfileBytes = 64 << 10
	// MaxProfileKeyBytes caps every object key, at any depth.
	MaxProfileKeyBytes = 100
	// MaxProfileDepth caps nesting: the document itself is level 1, an
	// object or array inside it level 2, and so on.
	MaxProfileDepth = 32
)

// checkProfile validates a profile document for field and returns it in
// the form stores read it back (numbers as json.Number, an empty
// document as nil), so what a flow returns equals what a later read
// gives. On a problem it records a field error and returns nil.
//
// The rules: a JSON object; keys at every depth 1 to MaxProfileKeyBytes
// bytes of valid UTF-8 without control characters; values any JSON
// (null, booleans, finite numbers, strings, arrays, objects), strings
// valid UTF-8 without NUL (PostgreSQL cannot store it); nesting at most
// MaxProfileDepth; at most MaxProfileBytes encoded.
func (f fieldErrors) checkProfile(field string, doc map[string]any) map[string]any {
	if len(doc) == 0 {
		return nil
	}
	if reason := checkProfileValue(doc, 1); reason != "" {
		f.add(field, FieldInvalidDocument, map[string]any{"reason": reason})
		return nil
	}
	b, err := EncodeProfile(doc)
	if err != nil {
		f.add(field, FieldInvalidDocument, map[string]any{"reason": DocNotJSON})
		return nil
	}
	if len(b) > MaxProfileBytes {
		f.add(field, FieldInvalidDocument, map[string]any{"reason": DocTooLarge, "max": MaxProfileBytes})
		return nil
	}
	out, err := DecodeProfile(b)
	if err != nil {
		f.add(field, FieldInvalidDocument, map[string]any{"reason": DocNotJSON})
		return nil
	}
	return out
}

// Why a profile document is refused: the reason parameter of its
// FieldInvalidDocument error.
const (
	DocNotJSON   = "not_json"   // not a JSON object, or a value JSON cannot hold
	DocTooLarge  = "too_large"  // over MaxProfileBytes encoded (parameter max)
	DocTooDeep   = "too_deep"   // nested deeper than MaxProfileDepth
	DocBadKey    = "bad_key"    // a key empty, too long, or with control characters
	DocBadText   = "bad_text"   // a string that is not UTF-8, or holds NUL
	DocBadNumber = "bad_number" // a number that is not a JSON number
	DocNotFinite = "not_finite" // NaN or an infinity
)

// checkProfileValue returns why v at nesting level depth is refused (a
// Doc* reason), or "" when it is not.
func checkProfileValue(v any, depth int) string {
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return ""
	case float64:
		return finite(v)
	case float32:
		return finite(float64(v))
	case json.Number:
		if !validNumber(string(v)) {
			return DocBadNumber
		}
		return ""
	case string:
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			return DocBadText
		}
		return ""
	case []any:
		if depth > MaxProfileDepth {
			return DocTooDeep
		}
		for _, e := range v {
			if msg := checkProfileValue(e, depth+1); msg != "" {
				return msg
			}
		}
		return ""
	case map[string]any:
		if depth > MaxProfileDepth {
			return DocTooDeep
		}
		for k, e := range v {
			if !validProfileKey(k) {
				return DocBadKey
			}
			if msg := checkProfileValue(e, depth+1); msg != "" {
				return msg
			}
		}
		return ""
	}
	return DocNotJSON
}

func finite(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return DocNotFinite
	}
	return ""
}

// validNumber reports whether s is one JSON number literal.
func validNumber(s string) bool {
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && json.Valid([]byte(s))
}

// validProfileKey reports whether k may name a profile entry.
func validProfileKey(k string) bool {
	return k != "" && len(k) <= MaxProfileKeyBytes && utf8.ValidString(k) && !strings.ContainsFunc(k, unicode.IsControl)
}

// EncodeProfile is the stored form of a profile document: compact JSON,
// keys sorted, without HTML escaping. An empty document encodes as nil
// (stored as NULL).
func EncodeProfile(doc map[string]any) ([]byte, error) {
	if len(doc) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// errProfileNotObject is a stored profile that is not a JSON object.
var errProfileNotObject = errors.New("profile is not a JSON object")

// DecodeProfile reads a stored profile document. Numbers come back as
// json.Number, so they keep every digit; nil, empty and "{}" read as nil.
func DecodeProfile(b []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errProfileNotObject // "null"
	}
	if dec.More() {
		return nil, errProfileNotObject
	}
	if len(doc) == 0 {
		return nil, nil
	}
	return doc, nil
}

// profileFootprint estimates the memory a decoded profile holds, for the
// session cache's budget. It is rough (a fixed overhead per value plus
// the bytes of keys and strings) but grows with the document.
func profileFootprint(v any) int {
	const overhead = 32
	switch v := v.(type) {
	case string:
		return overhead + len(v)
	case json.Number:
		return overhead + len(v)
	case []any:
		n := overhead
		for _, e := range v {
			n += profileFootprint(e)
		}
		return n
	case map[string]any:
		n := overhead
		for k, e := range v {
			n += overhead + len(k) + profileFootprint(e)
		}
		return n
	}
	return overhead
}
