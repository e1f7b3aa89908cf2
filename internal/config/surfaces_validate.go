package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const directusPath = "surfaces.directus"

// maxMountLen bounds a mount path; real ones are a word or two.
const maxMountLen = 200

// mountSegment is one segment of a mount path: unreserved URL characters
// only, so the mount is a literal ServeMux pattern (no {wildcards}) and
// needs no escaping in links.
var mountSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// cookieName is an RFC 6265 token, which is what a cookie name must be.
var cookieName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// cookieDomain is a host name, with an optional leading dot.
var cookieDomain = regexp.MustCompile(`^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// validateSurfaces checks the surfaces section. Whether a mount overlaps
// another surface's routes is checked where the surfaces are mounted
// (gatehouse serve), which knows every surface's paths.
func (c Config) validateSurfaces(p *problems) {
	d := c.Surfaces.Directus
	if err := CheckMount(d.Mount); err != nil {
		p.add(directusPath+".mount", "%v", err)
	}
	if d.Collection != core.UsersName && d.Collection != core.SuperusersName {
		p.add(directusPath+".collection", "unknown auth collection %q (want %s or %s)", d.Collection, core.UsersName, core.SuperusersName)
	}
	if d.PublicURL != "" {
		if err := checkBaseURL(d.PublicURL, true); err != nil {
			p.add(directusPath+".public_url", "%v", err)
		}
	}
	for _, ttl := range []struct {
		key string
		d   Duration
	}{{"access_ttl", d.AccessTTL}, {"refresh_ttl", d.RefreshTTL}, {"session_ttl", d.SessionTTL}} {
		if ttl.d.Std() < core.MinTokenTTL || ttl.d.Std() > core.MaxTokenTTL {
			p.add(directusPath+"."+ttl.key, "must be between %s and %s (about 3 years), got %s",
				Duration(core.MinTokenTTL), Duration(core.MaxTokenTTL), ttl.d)
		}
	}
	switch {
	case d.SessionGrace < Duration(time.Millisecond) || d.SessionGrace.Std() > time.Hour:
		p.add(directusPath+".session_grace", "must be between 1ms and 1h, got %s", d.SessionGrace)
	case d.SessionGrace >= d.SessionTTL && d.SessionTTL > 0:
		p.add(directusPath+".session_grace", "must be shorter than session_ttl (%s), got %s", d.SessionTTL, d.SessionGrace)
	}
	stall(p, "login_stall", d.LoginStall)
	stall(p, "register_stall", d.RegisterStall)
	d.validateCookies(p, c.DirectusCookieSecure())
	allowList(p, "password_reset_url_allow_list", d.PasswordResetURLAllowList)
	allowList(p, "register_url_allow_list", d.RegisterURLAllowList)
	allowList(p, "redirect_allow_list", d.RedirectAllowList)
}

// CheckMount reports what is wrong with a mount path: it must be "/" or
// start with "/" and have no trailing slash, empty, "." or ".." segment.
func CheckMount(m string) error {
	switch {
	case m == "/":
		return nil
	case !strings.HasPrefix(m, "/"):
		return fmt.Errorf("must start with /, got %q", m)
	case strings.HasSuffix(m, "/"):
		return fmt.Errorf("must not end with / (write %q), got %q", strings.TrimRight(m, "/"), m)
	case len(m) > maxMountLen:
		return fmt.Errorf("must be at most %d characters", maxMountLen)
	}
	for seg := range strings.SplitSeq(m[1:], "/") {
		if seg == "" || seg == "." || seg == ".." || !mountSegment.MatchString(seg) {
			return fmt.Errorf("must be a path like /directus made of letters, digits and - . _ ~ between single slashes, got %q", m)
		}
	}
	return nil
}

// stall checks a minimum answer time: positive (zero would mean the
// default to the surface) and short enough not to tie up connections.
func stall(p *problems, key string, d Duration) {
	if d < Duration(time.Millisecond) || d.Std() > 10*time.Second {
		p.add(directusPath+"."+key, "must be between 1ms and 10s, got %s", d)
	}
}

func (d DirectusConfig) validateCookies(p *problems, secure bool) {
	names := map[string]string{"refresh_cookie_name": d.RefreshCookieName, "session_cookie_name": d.SessionCookieName}
	for _, key := range []string{"refresh_cookie_name", "session_cookie_name"} {
		name := names[key]
		switch {
		case !cookieName.MatchString(name):
			p.add(directusPath+"."+key, "must be a cookie name (letters, digits and !#$%%&'*+-.^_`|~), got %q", name)
		case (strings.HasPrefix(name, "__Secure-") || strings.HasPrefix(name, "__Host-")) && !secure:
			p.add(directusPath+"."+key, "%q needs Secure cookies (cookie_secure true, or an https public URL)", name)
		case strings.HasPrefix(name, "__Host-") && d.CookieDomain != "":
			p.add(directusPath+"."+key, "%q cannot be used with cookie_domain: browsers refuse a __Host- cookie with a Domain", name)
		}
	}
	if d.RefreshCookieName == d.SessionCookieName {
		p.add(directusPath+".session_cookie_name", "must differ from refresh_cookie_name (both %q)", d.SessionCookieName)
	}
	switch v := normalSwitch(d.CookieSecure); v {
	case CookieSecureAuto, CookieSecureTrue, CookieSecureFalse:
	default:
		p.add(directusPath+".cookie_secure", "must be auto, true or false, got %q", d.CookieSecure)
	}
	switch strings.ToLower(d.CookieSameSite) {
	case "lax", "strict":
	case "none":
		if !secure {
			p.add(directusPath+".cookie_same_site", "none needs Secure cookies (cookie_secure true, or an https public URL): browsers drop SameSite=None cookies without Secure")
		}
	default:
		p.add(directusPath+".cookie_same_site", "must be lax, strict or none, got %q", d.CookieSameSite)
	}
	if d.CookieDomain != "" && (len(d.CookieDomain) > 253 || !cookieDomain.MatchString(d.CookieDomain)) {
		p.add(directusPath+".cookie_domain", "must be a host name like example.com, got %q", d.CookieDomain)
	}
}

// allowList checks that every entry is an absolute http(s) URL. Entries
// are compared without their query, so one with a query is refused.
func allowList(p *problems, key string, list []string) {
	for i, u := range list {
		if err := checkBaseURL(u, false); err != nil {
			p.add(fmt.Sprintf("%s.%s[%d]", directusPath, key, i), "%v", err)
		}
	}
}

// checkBaseURL accepts an absolute http(s) URL with a host and no user
// information, query or fragment. base says whether it is a base URL,
// named as such in messages.
func checkBaseURL(raw string, base bool) error {
	what := "an absolute http:// or https:// URL"
	if base {
		what = "an absolute http:// or https:// base URL"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("must be %s, got %q", what, raw)
	case u.User != nil:
		return fmt.Errorf("must not contain a user name or password")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("must be %s, got %q", what, raw)
	case u.Host == "":
		return fmt.Errorf("must include a host, got %q", raw)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("must not have a query (?...), got %q", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("must not have a fragment (#...), got %q", raw)
	}
	return nil
}
