package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/gatehouse/gatehouse/internal/core"
)

// maxProviderName bounds provider names; they appear in URLs and in the
// identities table.
const maxProviderName = 40

// validate checks the oauth2 section of col's configuration at path
// ("collections.<name>.oauth2"). col carries the collection's defaults,
// which say whether it is the superuser one and which fields it has.
func (o OAuth2Config) validate(p *problems, path string, col *core.Collection) {
	if col.Superusers {
		// PocketBase refuses OAuth2 for superusers: an admin account must
		// not hang on the security of a third-party login.
		if isTrue(o.Enabled) {
			p.add(path+".enabled", "cannot be true for %s: administrators never sign in through OAuth2", col.Name)
		}
		if len(o.Providers) > 0 {
			p.add(path+".providers", "cannot be set for %s: administrators never sign in through OAuth2", col.Name)
		}
		o.MappedFields.validate(p, path+".mapped_fields", col)
		return
	}
	if isTrue(o.Enabled) && len(o.Providers) == 0 {
		p.add(path+".providers", "at least one provider is needed when oauth2.enabled is true")
	}
	o.MappedFields.validate(p, path+".mapped_fields", col)
	first := map[string]int{}
	for i, pc := range o.Providers {
		ipath := fmt.Sprintf("%s.providers[%d]", path, i)
		pc.validate(p, ipath)
		if pc.Name == "" {
			continue
		}
		if j, dup := first[pc.Name]; dup {
			p.add(ipath+".name", "%q is already the name of providers[%d]; names must be unique", pc.Name, j)
			continue
		}
		first[pc.Name] = i
	}
}

// validate checks each attribute's target. A target must be the one
// record field that fits the attribute, must exist in the collection,
// and may be filled by only one attribute (else which one wins would
// depend on the order core applies them in).
func (m MappedFieldsConfig) validate(p *problems, path string, col *core.Collection) {
	filledBy := map[string]string{}
	for _, mf := range mappedFields() {
		v := mf.value(m)
		target := mf.def
		if v != nil {
			target = *v
		}
		fpath := path + "." + mf.key
		switch {
		case target == "":
			continue
		case v != nil && target != mf.target:
			p.add(fpath, `must be %q or "" (fill nothing), got %q`, mf.target, target)
			continue
		case !col.HasField(target):
			if v != nil {
				p.add(fpath, `%s has no %s field; leave this out or set it to ""`, col.Name, target)
			}
			continue
		}
		if other, taken := filledBy[target]; taken {
			p.add(fpath, `record field %q is already filled from mapped_fields.%s; set that one to "" to fill it from %s instead`,
				target, other, mf.key)
			continue
		}
		filledBy[target] = mf.key
	}
}

// validate checks one provider at path ("...providers[i]"). Messages
// never quote the client secret.
func (pc OAuth2ProviderConfig) validate(p *problems, path string) {
	switch {
	case pc.Name == "":
		p.add(path+".name", "required")
	case !validProviderName(pc.Name):
		p.add(path+".name", "must be 1 to %d lowercase letters, digits, _ or -, got %q", maxProviderName, pc.Name)
	}
	kind := pc.kind()
	if _, ok := knownKind(kind); !ok {
		if pc.Kind != "" {
			p.add(path+".kind", "must be %s, got %q", kindList, pc.Kind)
		} else {
			p.add(path+".kind", "required when the name is not itself a kind (%s)", kindList)
		}
		kind = ""
	}
	if pc.DisplayName != "" && strings.TrimSpace(pc.DisplayName) == "" {
		p.add(path+".display_name", "must not be blank (leave it out for the default)")
	}
	if pc.ClientID == "" {
		p.add(path+".client_id", "required")
	}
	if pc.ClientSecret == "" {
		p.add(path+".client_secret", "required")
	}
	for i, s := range pc.Scopes {
		spath := fmt.Sprintf("%s.scopes[%d]", path, i)
		switch {
		case s == "" || strings.ContainsFunc(s, unicode.IsSpace):
			p.add(spath, "must be one scope, without spaces, got %q", s)
		case slices.Index(pc.Scopes, s) < i:
			p.add(spath, "%q is listed twice", s)
		}
	}
	pc.validateIssuer(p, path+".issuer", kind)
	for _, e := range []struct{ key, v string }{
		{"auth_url", pc.AuthURL}, {"token_url", pc.TokenURL}, {"user_url", pc.UserURL},
	} {
		if e.v != "" {
			checkEndpointURL(p, path+"."+e.key, e.v, true)
		}
	}
}

// validateIssuer checks the issuer against the kind ("" when the kind
// itself is wrong). The OpenID Connect kinds take one: oidc needs it,
// google and gitlab (self-managed) may override theirs, and microsoft
// takes a tenant ("common", "organizations", a tenant id or domain) or a
// full issuer URL. github and discord are plain OAuth2 and have none.
func (pc OAuth2ProviderConfig) validateIssuer(p *problems, path, kind string) {
	switch {
	case kind == kindOIDC && pc.Issuer == "":
		p.add(path, "required for kind oidc (the provider's issuer URL, where /.well-known/openid-configuration is served)")
	case pc.Issuer == "" || kind == "":
	case kind == "github" || kind == "discord":
		p.add(path, "not used by kind %s (only oidc, google, gitlab and microsoft take an issuer)", kind)
	case kind == "microsoft" && !strings.Contains(pc.Issuer, "://"):
		if !validTenant(pc.Issuer) {
			p.add(path, "must be a tenant (common, organizations, a tenant id or domain) or an issuer URL, got %q", pc.Issuer)
		}
	default:
		checkEndpointURL(p, path, pc.Issuer, false)
	}
}

// validTenant accepts what Microsoft names a tenant by: an alias, a GUID
// or a domain.
func validTenant(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '.' {
			return false
		}
	}
	return s != "" && len(s) <= 253
}

func validProviderName(s string) bool {
	if len(s) > maxProviderName {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return s != ""
}

// checkEndpointURL accepts an absolute http(s) URL without credentials
// or fragment; a query only where allowQuery (some providers' endpoints
// carry one, an issuer never does).
func checkEndpointURL(p *problems, path, raw string, allowQuery bool) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		p.add(path, "not a valid URL: %v", errors.Unwrap(err))
	case u.User != nil:
		// Not quoted: it would show the password.
		p.add(path, "must not contain a user name or password")
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.add(path, "must be an absolute http:// or https:// URL, got %q", raw)
	case u.Fragment != "":
		p.add(path, "must not have a fragment (#...), got %q", raw)
	case !allowQuery && (u.RawQuery != "" || u.ForceQuery):
		p.add(path, "must not have a query (?...), got %q", raw)
	}
}

// resolveSecrets replaces every client secret written "$NAME" with the
// value of environment variable NAME, and "$$..." with "$...". A secret
// that cannot be resolved is left as written and reported.
func (c *Config) resolveSecrets(getenv func(string) string) error {
	var p problems
	for _, name := range slices.Sorted(maps.Keys(c.Collections)) {
		cc := c.Collections[name]
		if len(cc.OAuth2.Providers) == 0 {
			continue
		}
		// A copy, so a Config that shares this slice is not changed.
		providers := slices.Clone(cc.OAuth2.Providers)
		for i := range providers {
			v, err := resolveSecret(providers[i].ClientSecret, getenv)
			if err != nil {
				p.add(fmt.Sprintf("collections.%s.oauth2.providers[%d].client_secret", name, i), "%v", err)
				continue
			}
			providers[i].ClientSecret = v
		}
		cc.OAuth2.Providers = providers
		c.Collections[name] = cc
	}
	return p.err()
}

// resolveSecret reads s from the environment when it is "$NAME". Its
// errors name the variable but never the secret: an unresolvable value
// is only quoted when it has the shape of a variable name.
func resolveSecret(s Secret, getenv func(string) string) (Secret, error) {
	v := s.Reveal()
	switch {
	case !strings.HasPrefix(v, "$"):
		return s, nil
	case strings.HasPrefix(v, "$$"):
		return Secret(v[1:]), nil
	}
	name := v[1:]
	if !validEnvName(name) {
		return s, errors.New(`starts with "$" but the rest is not an environment variable name ` +
			`(capital letters, digits and _); write "$$" at the start of a secret that begins with "$"`)
	}
	var val string
	if getenv != nil {
		val = getenv(name)
	}
	if val == "" {
		return s, fmt.Errorf("environment variable %s is not set or is empty", name)
	}
	return Secret(val), nil
}

// validEnvName accepts the conventional shape of environment variable
// names: capital letters, digits and _, not starting with a digit.
func validEnvName(s string) bool {
	for i, r := range s {
		if (r < 'A' || r > 'Z') && r != '_' && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}
