// Package jsonenc encodes the flat JSON objects on Gatehouse's hot paths
// (records, JWT claims) byte-for-byte as encoding/json does, without its
// reflection.
package jsonenc

import (
	"encoding/json"
	"slices"
	"strconv"
)

// AppendFlatObject appends m as encoding/json encodes it (keys sorted,
// strings escaped the same way) when every value is a string or a bool,
// and reports false otherwise. Records are such maps, and encoding/json
// spends most of its time on them in reflection and key sorting: this is
// the hot path of every record read. A string that needs any escaping is
// handed to encoding/json itself, so the output is byte-for-byte what it
// would write. Integers (int, int64) are allowed too, for JWT claims.
func AppendFlatObject(dst []byte, m map[string]any) ([]byte, bool) {
	if m == nil {
		return dst, false // encoding/json writes null
	}
	var keysArr [16]string
	keys := keysArr[:0]
	for k, v := range m {
		switch v.(type) {
		case string, bool, int, int64:
		default:
			return dst, false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, k)
		dst = append(dst, ':')
		switch v := m[k].(type) {
		case string:
			dst = AppendJSONString(dst, v)
		case bool:
			dst = strconv.AppendBool(dst, v)
		case int:
			dst = strconv.AppendInt(dst, int64(v), 10)
		case int64:
			dst = strconv.AppendInt(dst, v, 10)
		}
	}
	return append(dst, '}'), true
}

// AppendJSONString appends s as a JSON string: printable ASCII other than
// the characters encoding/json escapes is copied; anything else goes
// through encoding/json.
func AppendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
