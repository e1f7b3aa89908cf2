package pocketbase

import (
	"errors"
	"strings"
	"unicode"
)

// Limits on client filters, so a hostile query stays cheap to parse and
// to run.
const (
	maxFilterLen   = 3500
	maxFilterDepth = 16
	maxFilterConds = 64
	maxSortFields  = 10
)

var errBadFilter = errors.New("invalid filter")

type tokKind int

const (
	tokIdent tokKind = iota
	tokString
	tokNumber
	tokOp
	tokAnd
	tokOr
	tokLParen
	tokRParen
)

type token struct {
	kind tokKind
	text string
}

// lexFilter splits a PocketBase filter into tokens.
func lexFilter(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		ch := src[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '(':
			out, i = append(out, token{tokLParen, "("}), i+1
		case ch == ')':
			out, i = append(out, token{tokRParen, ")"}), i+1
		case strings.HasPrefix(src[i:], "&&"):
			out, i = append(out, token{tokAnd, "&&"}), i+2
		case strings.HasPrefix(src[i:], "||"):
			out, i = append(out, token{tokOr, "||"}), i+2
		case ch == '\'' || ch == '"':
			s, n, err := lexString(src[i:])
			if err != nil {
				return nil, err
			}
			out, i = append(out, token{tokString, s}), i+n
		case strings.ContainsRune("=!<>~?", rune(ch)):
			n := 1
			for n < 3 && i+n < len(src) && strings.ContainsRune("=!<>~?", rune(src[i+n])) {
				n++
			}
			out, i = append(out, token{tokOp, src[i : i+n]}), i+n
		case ch == '-' || (ch >= '0' && ch <= '9'):
			j := i + 1
			for j < len(src) && (src[j] == '.' || (src[j] >= '0' && src[j] <= '9')) {
				j++
			}
			out, i = append(out, token{tokNumber, src[i:j]}), j
		case ch == '@' || ch == '_' || unicode.IsLetter(rune(ch)):
			j := i + 1
			for j < len(src) && (src[j] == '.' || src[j] == '_' || src[j] == '@' ||
				unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			out, i = append(out, token{tokIdent, src[i:j]}), j
		default:
			return nil, errBadFilter
		}
	}
	return out, nil
}

// lexString reads a quoted string with backslash escapes of the quote
// and backslash; it returns the value and the bytes consumed.
func lexString(src string) (string, int, error) {
	quote := src[0]
	var b strings.Builder
	for i := 1; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\' && i+1 < len(src):
			i++
			b.WriteByte(src[i])
		case c == quote:
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errBadFilter
}
