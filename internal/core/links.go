package core

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MaxLinkLength bounds a URL a client chooses (a mail's reset or
// verification link, a login's redirect): it ends up in mails and
// cookies, and no honest one comes near it.
const MaxLinkLength = 2048

// LinkPolicy is where a surface lets links chosen by a client lead: the
// one rule for mailed links and redirects, which the configuration checks
// its URLs with too. A redirect may go to a path on the same host, to the
// public base URL or below it, or to an entry of Redirects; a mailed link
// only to an entry of its own allow list (MatchLink). Entries are absolute
// http(s) URLs compared by LinkKey, so a query a client adds never
// matters and one an entry carries would never match (CheckBaseURL
// refuses it).
type LinkPolicy struct {
	// Base is the surface's public base URL as CheckBaseURL accepts it.
	Base *url.URL
	// Redirects lists the absolute URLs a redirect may lead to besides
	// those under Base.
	Redirects []string
}

// CheckBaseURL reports what keeps raw from being a public base URL or an
// allow-list entry: it must be an absolute http:// or https:// URL with a
// host and without user information, query or fragment. The messages are
// for an operator's configuration; they quote raw, which holds no secret.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("not a valid URL: %v", errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("must be an absolute http:// or https:// URL, got %q", raw)
	case u.Host == "":
		return fmt.Errorf("must include a host, got %q", raw)
	case u.User != nil:
		return errors.New("must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("must not have a query (?...), got %q", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("must not have a fragment (#...), got %q", raw)
	}
	return nil
}

// LinkKey is what allow lists compare: the scheme and host (with its
// port) in lower case, and the path as escaped, without query or
// fragment (Directus compares without the query too). A port or a
// trailing slash makes a different key, which errs on the side of
// refusing.
func LinkKey(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
}

// parseLink parses a client's absolute link: http or https, with a host,
// without user information (which would make "https://app@evil" read as
// app to a person and as evil to a browser), and not overlong.
func parseLink(raw string) (*url.URL, bool) {
	if raw == "" || len(raw) > MaxLinkLength {
		return nil, false
	}
	u, err := url.Parse(raw) // refuses control characters
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, false
	}
	return u, true
}

// MatchLink parses a link a client chose and finds it in allowed,
// absolute URLs compared by LinkKey. ok is false for anything else,
// including a link that does not parse; an entry that does not parse
// matches nothing.
func MatchLink(raw string, allowed []string) (u *url.URL, ok bool) {
	u, ok = parseLink(raw)
	if !ok {
		return nil, false
	}
	key := LinkKey(u)
	for _, a := range allowed {
		if au, err := url.Parse(a); err == nil && LinkKey(au) == key {
			return u, true
		}
	}
	return nil, false
}

// Redirect reports whether a client may be sent to raw: a path on this
// host ("/x", never "//host" or "/\host", which browsers read as another
// host), a URL at or under Base, or an entry of Redirects. Control
// characters, which browsers strip to reveal another URL, refuse it.
func (p LinkPolicy) Redirect(raw string) bool {
	if raw == "" || len(raw) > MaxLinkLength || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	if strings.HasPrefix(raw, "/") {
		return !strings.HasPrefix(raw, "//") && !strings.HasPrefix(raw, `/\`)
	}
	u, ok := parseLink(raw)
	if !ok {
		return false
	}
	if p.under(u) {
		return true
	}
	_, ok = MatchLink(raw, p.Redirects)
	return ok
}

// under reports whether u is Base or lies below it, path segment by
// segment ("/directus/x" is under "/directus", "/directusx" is not).
func (p LinkPolicy) under(u *url.URL) bool {
	if p.Base == nil {
		return false
	}
	base := strings.TrimSuffix(LinkKey(p.Base), "/")
	key := LinkKey(u)
	return key == base || strings.HasPrefix(key, base+"/")
}
