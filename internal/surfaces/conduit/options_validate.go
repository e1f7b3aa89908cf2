package conduit

import (
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// cookieDomain is a host name, with an optional leading dot.
var cookieDomain = regexp.MustCompile(`^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// cookiePath is a cookie's Path: "/" and URL path characters, no ';'.
var cookiePath = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,=:@%/-]*$`)

// clientID is a client id as the headers carry it.
var clientID = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

// Validate reports every invalid option by its YAML key.
func (o Options) Validate() setting.Problems {
	var p setting.Problems
	if o.Collection == "" {
		p.Add("collection", "must name an auth collection")
	}
	if err := core.CheckBaseURL(o.PublicURL); err != nil {
		p.Add("public_url", "%v", err)
	}
	o.AccessTokens.validate(&p, "access_tokens", o.PublicURL)
	o.RefreshTokens.validate(&p, "refresh_tokens", o.PublicURL)
	if o.Clients.Validation && len(o.Clients.Secrets) == 0 {
		p.Add("clients.secrets", "must list at least one client when clients.validation is on")
	}
	for id, sum := range o.Clients.Secrets {
		if !clientID.MatchString(id) {
			p.Add("clients.secrets", "client id %q must be 1 to 128 letters, digits and . _ ~ -", id)
		}
		if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
			p.Add("clients.secrets."+id, "must be the SHA-256 of the client's secret in hex (64 characters)")
		}
	}
	v := o.Local.Verification
	if v.Method != methodLink && v.Method != methodCode {
		p.Add("local.verification.method", "must be link or code, got %q", v.Method)
	}
	if d := v.ResendThreshold.Std(); d < 0 || d > 24*time.Hour {
		p.Add("local.verification.resend_threshold", "must be between 0s and 24h, got %s", v.ResendThreshold)
	}
	optionalURL(&p, "local.verification.redirect_uri", v.RedirectURI)
	optionalURL(&p, "local.forgot_password_redirect_uri", o.Local.ForgotPasswordRedirectURI)
	optionalURL(&p, "magic_link.redirect_uri", o.MagicLink.RedirectURI)
	optionalURL(&p, "magic_link.link_uri", o.MagicLink.LinkURI)
	if d := o.MagicLink.TTL.Std(); d < time.Minute || d > 7*24*time.Hour {
		p.Add("magic_link.ttl", "must be between 1m and 168h, got %s", o.MagicLink.TTL)
	}
	if d := o.LoginStall.Std(); d < time.Millisecond || d > 10*time.Second {
		p.Add("login_stall", "must be between 1ms and 10s, got %s", o.LoginStall)
	}
	for i, u := range o.RedirectURIs.WhitelistedURIs {
		if err := core.CheckBaseURL(u); err != nil {
			p.Add("redirect_uris.whitelisted_uris["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
	return p
}

// validate checks one kind of token's options under key.
func (t TokenOptions) validate(p *setting.Problems, key, publicURL string) {
	if d := t.ExpiryPeriod.Std(); d < core.MinTokenTTL || d > core.MaxTokenTTL {
		p.Add(key+".expiry_period", "must be between %s and %s, got %s",
			setting.Duration(core.MinTokenTTL), setting.Duration(core.MaxTokenTTL), t.ExpiryPeriod)
	}
	c := t.Cookie
	if !c.Secure.Valid() {
		p.Add(key+".cookie.secure", "must be auto, true or false, got %q", c.Secure)
	}
	if c.Domain != "" && (len(c.Domain) > 253 || !cookieDomain.MatchString(c.Domain)) {
		p.Add(key+".cookie.domain", "must be a host name like example.com, got %q", c.Domain)
	}
	if c.Path != "" && (len(c.Path) > 200 || !cookiePath.MatchString(c.Path)) {
		p.Add(key+".cookie.path", "must be a path like /, got %q", c.Path)
	}
	ss, ok := httpapi.ParseSameSite(c.SameSite)
	if !ok {
		p.Add(key+".cookie.same_site", "must be lax, strict or none, got %q", c.SameSite)
	} else if ss == http.SameSiteNoneMode && !c.secure(publicURL) {
		p.Add(key+".cookie.same_site", "none needs Secure cookies (browsers drop the others): set cookie.secure")
	}
}

// optionalURL checks a URL option that may be empty.
func optionalURL(p *setting.Problems, key, v string) {
	if v == "" {
		return
	}
	if err := core.CheckBaseURL(v); err != nil {
		p.Add(key, "%v", err)
	}
}

// secure reports whether the cookie is marked Secure: as Secure says, or
// with auto when the public URL is https.
func (c CookieOptions) secure(publicURL string) bool {
	return c.Secure.Resolve(strings.HasPrefix(strings.ToLower(publicURL), "https://"))
}
