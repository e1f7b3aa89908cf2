package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fieldErrors collects per-field problems; the first problem of a field
// wins, as in PocketBase.
type fieldErrors map[string]FieldError

func (f fieldErrors) add(field, code string, params map[string]any) {
	if _, ok := f[field]; !ok {
		f[field] = FieldError{Code: code, Params: params}
	}
}

func (f fieldErrors) required(field string) { f.add(field, FieldRequired, nil) }

// err returns the collected problems as one validation error, or nil.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(map[string]FieldError(f))
}

// checkEmail validates an email address the way clients expect: a
// dot-atom local part, a dotted domain, at most MaxEmailLength bytes, no
// spaces or control characters.
func (f fieldErrors) checkEmail(field, email string) {
	if email == "" {
		f.required(field)
		return
	}
	if !ValidEmail(email) {
		f.add(field, FieldIsEmail, nil)
	}
}

// ValidEmail reports whether s is a syntactically valid email address.
func ValidEmail(s string) bool {
	if len(s) > MaxEmailLength || !utf8.ValidString(s) {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || !validLocal(local) {
		return false
	}
	return validDomain(domain)
}

func validLocal(local string) bool {
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		case strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", r):
		case r >= 0xA0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
		default:
			return false
		}
	}
	return true
}

func validDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			ok := r == '-' || (r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))) ||
				(r >= 0xA0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)))
			if !ok {
				return false
			}
		}
	}
	return true
}

// checkPassword applies the collection's length policy, counted in
// characters (runes) as PocketBase does.
func (f fieldErrors) checkPassword(c *Collection, field, pw string) {
	if pw == "" {
		f.required(field)
		return
	}
	n := utf8.RuneCountInString(pw)
	if n < c.PasswordMin {
		f.add(field, FieldPasswordTooShort, map[string]any{"min": c.PasswordMin})
		return
	}
	if n > c.PasswordMax {
		f.add(field, FieldPasswordTooLong, map[string]any{"max": c.PasswordMax})
	}
}

// checkLength checks a required or optional text field against [min,max]
// characters.
func (f fieldErrors) checkLength(field, v string, min, max int) {
	n := utf8.RuneCountInString(v)
	if min > 0 && n == 0 {
		f.required(field)
		return
	}
	if n < min || n > max {
		f.add(field, FieldLengthOutOfRange, map[string]any{"min": min, "max": max})
	}
}

// checkText checks an optional profile text field: at most max characters
// and no control characters other than tab and newlines.
func (f fieldErrors) checkText(field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.add(field, FieldMaxText, map[string]any{"max": max})
		return
	}
	if !utf8.ValidString(v) {
		f.add(field, FieldInvalidUTF8, nil)
		return
	}
	for _, r := range v {
		if badControl(r) {
			f.add(field, FieldControlChars, nil)
			return
		}
	}
}

// badControl reports a control character other than tab and newlines:
// never wanted in stored text, and NUL cannot be stored in PostgreSQL.
func badControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// cleanText makes text from elsewhere (an OAuth2 provider's profile)
// storable: invalid UTF-8 and control characters other than tab and
// newlines are dropped. Unlike a user's own input, it is not ours to
// refuse.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, badControl) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		if !badControl(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// storableKey reports whether an identifier from elsewhere (a provider's
// user id) can be stored and looked up on every store: non-empty, valid
// UTF-8, at most 255 bytes, without control characters.
func storableKey(s string) bool {
	return s != "" && len(s) <= 255 && utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// checkConfirm checks a password confirmation when the surface's form has
// one (confirm != nil): required alongside the password, and equal to it.
func (f fieldErrors) checkConfirm(password string, confirm *string) {
	switch {
	case confirm == nil:
	case *confirm == "":
		f.required("passwordConfirm")
	case *confirm != password:
		f.add("passwordConfirm", FieldValuesMismatch, nil)
	}
}

// checkID validates a client-chosen record id: 15 characters of [a-z0-9],
// the shape every client expects.
func (f fieldErrors) checkID(id string) {
	if len(id) != 15 {
		f.add("id", FieldLengthOutOfRange, map[string]any{"min": 15, "max": 15})
		return
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			f.add("id", FieldInvalidFormat, nil)
			return
		}
	}
}
