package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// maxJSONDepth caps object and array nesting (the top-level object counts
// as one). No surface needs more, and deep nesting only costs memory.
const maxJSONDepth = 32

const jsonSpace = " \t\r\n"

// decodeJSONObject decodes a body that must be exactly one JSON object.
func decodeJSONObject(body []byte) (map[string]any, error) {
	// encoding/json silently turns invalid UTF-8 into U+FFFD; a body that
	// is not UTF-8 is a client bug we report instead of rewriting.
	if !utf8.Valid(body) {
		return nil, decodeErr(ReasonInvalidUTF8, "", nil)
	}
	body = bytes.TrimLeft(body, jsonSpace)
	if len(body) == 0 || body[0] != '{' {
		return nil, decodeErr(ReasonMalformed, "", errors.New("body is not a json object"))
	}
	if jsonTooDeep(body, maxJSONDepth) {
		return nil, decodeErr(ReasonMalformed, "", errors.New("json nested too deeply"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, decodeErr(ReasonMalformed, "", err)
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], jsonSpace); len(rest) > 0 {
		return nil, decodeErr(ReasonMalformed, "", errors.New("data after the json object"))
	}
	return obj, nil
}

// jsonTooDeep reports whether b nests objects and arrays deeper than max.
// It only counts brackets outside strings; syntax is left to the decoder.
func jsonTooDeep(b []byte, max int) bool {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}
