package httpapi

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Has reports whether the body carried key, even with a null value.
func (f Fields) Has(key string) bool {
	_, ok := f[key]
	return ok
}

// Keys returns the field names in sorted order.
func (f Fields) Keys() []string { return slices.Sorted(maps.Keys(f)) }

// String returns a text field. present is false when the key is missing
// or JSON null. Any other type (number, bool, object, array, a repeated
// form name) is a ReasonWrongType error naming the field: a surface
// never guesses what a client meant.
func (f Fields) String(key string) (value string, present bool, err error) {
	switch v := f[key].(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	}
	return "", false, wrongType(key)
}

// Bool returns a boolean field: a JSON bool, or one of the strings
// "true", "false", "1", "0", "on", "off" (any case) as forms send them.
// present is false when the key is missing or JSON null.
func (f Fields) Bool(key string) (value, present bool, err error) {
	switch v := f[key].(type) {
	case nil:
		return false, false, nil
	case bool:
		return v, true, nil
	case string:
		switch strings.ToLower(v) {
		case "true", "1", "on":
			return true, true, nil
		case "false", "0", "off":
			return false, true, nil
		}
	}
	return false, false, wrongType(key)
}

// Int64 returns an integer field: a JSON number or a numeric string whose
// value is a whole number in int64's range. 1.0 and 1e3 are whole
// numbers; 1.5 and 1e19 are ReasonWrongType errors. present is false when
// the key is missing or JSON null.
func (f Fields) Int64(key string) (value int64, present bool, err error) {
	var s string
	switch v := f[key].(type) {
	case nil:
		return 0, false, nil
	case json.Number:
		s = string(v)
	case string:
		s = v
	default:
		return 0, false, wrongType(key)
	}
	n, ok := parseInt64(s)
	if !ok {
		return 0, false, wrongType(key)
	}
	return n, true, nil
}

// Object returns a nested JSON object field. present is false when the
// key is missing or JSON null.
func (f Fields) Object(key string) (value map[string]any, present bool, err error) {
	switch v := f[key].(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		return v, true, nil
	}
	return nil, false, wrongType(key)
}

func wrongType(key string) error { return decodeErr(ReasonWrongType, key, nil) }

// parseInt64 parses a base-10 integer, or a JSON-syntax number whose
// exact value is a whole number that fits an int64.
func parseInt64(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	return parseWholeDecimal(s)
}

// parseWholeDecimal handles fractions and exponents exactly, on the
// digits, so 9007199254740993.0 is not rounded through a float64 and a
// huge exponent costs nothing.
func parseWholeDecimal(s string) (int64, bool) {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	mantissa, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, hasDot := strings.Cut(mantissa, ".")
	if !allDigits(intPart) || (hasDot && !allDigits(frac)) {
		return 0, false
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		// Zero whatever the exponent, once the exponent is well formed.
		return 0, !hasExp || validExponent(expText)
	}
	exp := 0
	if hasExp {
		if !validExponent(expText) {
			return 0, false
		}
		e, err := strconv.Atoi(expText)
		if err != nil {
			return 0, false // |exponent| beyond int: a huge or a tiny value
		}
		// Clamp so the arithmetic below cannot overflow. Past these
		// bounds the value is already too large, or a fraction, given
		// at most len(s) digits; clamping keeps that outcome.
		exp = min(max(e, -len(s)-40), len(s)+40)
	}
	trimmed := strings.TrimRight(digits, "0")
	scale := exp - len(frac) + len(digits) - len(trimmed)
	if scale < 0 || len(trimmed)+scale > 19 {
		return 0, false // a fraction, or more than 19 digits
	}
	n, err := strconv.ParseInt(sign+trimmed+strings.Repeat("0", scale), 10, 64)
	return n, err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validExponent(s string) bool {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	return allDigits(s)
}
