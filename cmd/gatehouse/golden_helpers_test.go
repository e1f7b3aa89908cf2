package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Normalization of golden text. Everything random or clock-dependent in
// an answer (ids, tokens, secrets, times) becomes a placeholder, by
// regexp on the raw text: re-marshalling the JSON would lose the key
// order and formatting the goldens exist to pin. Within one case each
// distinct value gets its own number (<id:1>, <id:2>), numbered in order
// of appearance, so a golden file also pins which fields carry the same
// value: a refreshed token that comes back unchanged reads <jwt:1> in
// both the request and the answer.
//
// Values a case makes up itself (a bogus token, an unknown id) start
// with "bogus" and are kept as they are, so the file shows what was sent.

// bogusPrefix starts every made-up value the cases send.
const bogusPrefix = "bogus"

var (
	// jwtRe matches a compact JWS: three base64url segments, the first a
	// JSON header (so it starts with eyJ).
	jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	// datetimeRe matches PocketBase's "2026-01-02 03:04:05.678Z" and
	// ISO 8601 "2026-01-02T03:04:05.678Z" times.
	datetimeRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z`)
	// otpauthRe matches an authenticator URL, which carries the secret.
	otpauthRe = regexp.MustCompile(`otpauth://[^"\s]+`)
	// jsonFieldRe matches a string member of a JSON object.
	jsonFieldRe = regexp.MustCompile(`"([A-Za-z_]+)":"((?:[^"\\]|\\.)*)"`)
	// cookieLineRe matches a Cookie request header line.
	cookieLineRe = regexp.MustCompile(`(?m)^Cookie: .*$`)
	// cookiePairRe matches one name=value pair of a Cookie header.
	cookiePairRe = regexp.MustCompile(`([A-Za-z0-9_.-]+)=([^;\s]+)`)
	// queryTokenRe matches a token query parameter (links, redirects).
	queryTokenRe = regexp.MustCompile(`([?&](?:token|access_token)=)([^&\s"]+)`)
)

// fieldKinds names the placeholder of each JSON string member whose
// value is random.
var fieldKinds = map[string]string{
	"id":            "id",
	"_id":           "id",
	"mfaId":         "mfa_id",
	"otpId":         "otp_id",
	"refreshToken":  "refresh_token",
	"refresh_token": "refresh_token",
	"secret":        "secret",
}

// numberer hands out one numbered placeholder per distinct value of a
// kind.
type numberer map[string]map[string]int

func (n numberer) get(kind, value string) string {
	m := n[kind]
	if m == nil {
		m = map[string]int{}
		n[kind] = m
	}
	if _, ok := m[value]; !ok {
		m[value] = len(m) + 1
	}
	return fmt.Sprintf("<%s:%d>", kind, m[value])
}

// keep reports whether a value stays as it is: empty, already a
// placeholder, or made up by the case.
func keep(v string) bool {
	return v == "" || strings.HasPrefix(v, bogusPrefix) || strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")
}

// normalize replaces the volatile parts of a golden text. JWTs go first
// (a named id must not be replaced inside one), then the values the
// scenario named, then the generic patterns.
func (g *goldenSet) normalize(s string) string {
	n := numberer{}
	s = jwtRe.ReplaceAllStringFunc(s, func(tok string) string { return n.get("jwt", tok) })
	known := make([]string, 0, len(g.known))
	for v := range g.known {
		known = append(known, v)
	}
	// Longest first, so a value that contains another is replaced whole.
	sort.Slice(known, func(i, j int) bool {
		return len(known[i]) > len(known[j]) || len(known[i]) == len(known[j]) && known[i] < known[j]
	})
	for _, v := range known {
		s = replaceWhole(s, v, g.known[v])
	}
	s = datetimeRe.ReplaceAllString(s, "<datetime>")
	s = otpauthRe.ReplaceAllStringFunc(s, func(u string) string { return n.get("otpauth_url", u) })
	s = jsonFieldRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonFieldRe.FindStringSubmatch(m)
		kind, ok := fieldKinds[sub[1]]
		if !ok || keep(sub[2]) {
			return m
		}
		return `"` + sub[1] + `":"` + n.get(kind, sub[2]) + `"`
	})
	s = cookieLineRe.ReplaceAllStringFunc(s, func(line string) string {
		return cookiePairRe.ReplaceAllStringFunc(line, func(pair string) string {
			sub := cookiePairRe.FindStringSubmatch(pair)
			if keep(sub[2]) {
				return pair
			}
			kind := "cookie"
			if strings.Contains(sub[1], "refresh") {
				kind = "refresh_token"
			}
			return sub[1] + "=" + n.get(kind, sub[2])
		})
	})
	s = queryTokenRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := queryTokenRe.FindStringSubmatch(m)
		if keep(sub[2]) {
			return m
		}
		return sub[1] + n.get("token", sub[2])
	})
	for _, r := range g.rules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s
}

// replaceWhole replaces the occurrences of v in s that stand alone (no
// letter or digit right before or after), so a named short value such as
// a wrong code "000000" is not also replaced inside a longer number.
func replaceWhole(s, v, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, v)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(v)
		whole := (i == 0 || !isAlnum(s[i-1])) && (end == len(s) || !isAlnum(s[end]))
		b.WriteString(s[:i])
		if whole {
			b.WriteString(repl)
		} else {
			b.WriteString(v)
		}
		s = s[end:]
	}
}

// isAlnum reports whether c is an ASCII letter or digit: a character
// that would make a match part of a longer value.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// lineDiff is a small line diff of want and got (longest common
// subsequence), marking lines only in want with "-" and only in got with
// "+", with the unchanged lines around them for context. Golden files
// are short, so the quadratic table is cheap.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		mark byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			lines = append(lines, line{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			lines = append(lines, line{'-', a[i]})
			i++
		default:
			lines = append(lines, line{'+', b[j]})
			j++
		}
	}
	const context = 2
	var out strings.Builder
	lastShown := -1
	for k, l := range lines {
		near := false
		for d := max(0, k-context); d <= min(len(lines)-1, k+context); d++ {
			near = near || lines[d].mark != ' '
		}
		if !near {
			continue
		}
		if lastShown >= 0 && k > lastShown+1 {
			out.WriteString("  ...\n")
		}
		out.WriteString(string(l.mark) + " " + l.text + "\n")
		lastShown = k
	}
	return out.String()
}

// jwtExp returns a token's exp claim (Unix seconds).
func jwtExp(t testing.TB, tok string) int64 {
	t.Helper()
	exp, ok := splitJWT(t, tok).claims["exp"].(float64)
	if !ok {
		t.Fatalf("token has no exp claim")
	}
	return int64(exp)
}

// waitPastIssue sleeps until the second after tok's iat has begun, so a
// token minted now differs from tok: tokens carry whole seconds, and a
// refresh within the same second could return the very same string.
func waitPastIssue(t testing.TB, tok string) {
	t.Helper()
	iat, ok := splitJWT(t, tok).claims["iat"].(float64)
	if !ok {
		t.Fatalf("token has no iat claim")
	}
	time.Sleep(time.Until(time.Unix(int64(iat)+1, 0)) + 20*time.Millisecond)
}
