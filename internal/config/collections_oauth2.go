package config

import (
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
)

// OAuth2Config configures sign-in through external OAuth2/OpenID Connect
// providers for one collection. It is plain data: cmd/gatehouse turns
// each provider into a core.OAuthProvider, so this package needs no
// OAuth code.
type OAuth2Config struct {
	// Enabled turns OAuth2 sign-in on (default off). Providers may be
	// listed while it is off, to switch them all off for a while.
	Enabled *bool `yaml:"enabled,omitempty"`
	// MappedFields chooses which record fields a new user's provider
	// profile fills in.
	MappedFields MappedFieldsConfig `yaml:"mapped_fields,omitempty"`
	// Providers lists the sign-in providers, in the order login pages
	// show them.
	Providers []OAuth2ProviderConfig `yaml:"providers,omitempty"`
}

// MappedFieldsConfig names, for each attribute of the provider's user,
// the record field it fills when OAuth2 creates a record: "name",
// "avatar", or "" for none. A nil pointer keeps the default, which is
// PocketBase's: name fills name, avatar_url fills avatar, username
// fills nothing.
type MappedFieldsConfig struct {
	Name      *string `yaml:"name,omitempty"`
	Username  *string `yaml:"username,omitempty"`
	AvatarURL *string `yaml:"avatar_url,omitempty"`
}

// OAuth2ProviderConfig is one provider as written in the file. Empty
// strings and nil pointers take the defaults that ProviderConfig shows.
type OAuth2ProviderConfig struct {
	// Name is the provider's key in the API (PocketBase's provider
	// name), unique within the collection.
	Name string `yaml:"name"`
	// Kind is oidc, google, github, gitlab, microsoft or discord; it may
	// be left out when Name is one of those.
	Kind        string `yaml:"kind,omitempty"`
	DisplayName string `yaml:"display_name,omitempty"`
	ClientID    string `yaml:"client_id"`
	// ClientSecret may be written "$NAME" to read environment variable
	// NAME instead (Load resolves it), keeping it out of the file.
	ClientSecret Secret `yaml:"client_secret"`
	// Scopes replaces the kind's default scopes when not empty.
	Scopes []string `yaml:"scopes,omitempty"`
	// Issuer is the OpenID Connect issuer URL: required for oidc, an
	// optional override for google and gitlab (self-managed); for
	// microsoft a tenant ("common", "organizations", an id or a domain)
	// or a full issuer URL. github and discord take none.
	Issuer string `yaml:"issuer,omitempty"`
	// AuthURL, TokenURL and UserURL override the endpoints the kind or
	// the issuer's discovery document would give.
	AuthURL  string `yaml:"auth_url,omitempty"`
	TokenURL string `yaml:"token_url,omitempty"`
	UserURL  string `yaml:"user_url,omitempty"`
	// PKCE sends a PKCE challenge with each authorization request
	// (default true).
	PKCE *bool `yaml:"pkce,omitempty"`
}

// ProviderConfig is one configured OAuth2 provider with every default
// filled in: what cmd/gatehouse needs to build a core.OAuthProvider.
// Its ClientSecret still prints as "xxxxx"; call Reveal to use it.
type ProviderConfig struct {
	Name         string
	Kind         string
	DisplayName  string
	ClientID     string
	ClientSecret Secret
	// Scopes is nil when the kind's default scopes apply.
	Scopes   []string
	Issuer   string
	AuthURL  string
	TokenURL string
	UserURL  string
	PKCE     bool
}

const kindOIDC = "oidc"

// kindList is every provider kind, in the order messages list them.
const kindList = "oidc, google, github, gitlab, microsoft or discord"

// knownKind reports whether k is a provider kind, and the display name
// its providers get by default ("" for oidc, which is shown under the
// provider's name).
func knownKind(k string) (display string, ok bool) {
	switch k {
	case kindOIDC:
		return "", true
	case "google":
		return "Google", true
	case "github":
		return "GitHub", true
	case "gitlab":
		return "GitLab", true
	case "microsoft":
		return "Microsoft", true
	case "discord":
		return "Discord", true
	}
	return "", false
}

// kind returns the provider's kind: as written, or else its name when
// that is a kind ("" when neither says).
func (pc OAuth2ProviderConfig) kind() string {
	if pc.Kind != "" {
		return pc.Kind
	}
	if _, ok := knownKind(pc.Name); ok {
		return pc.Name
	}
	return ""
}

// resolved returns pc with every default applied.
func (pc OAuth2ProviderConfig) resolved() ProviderConfig {
	kind := pc.kind()
	display := pc.DisplayName
	if display == "" {
		display, _ = knownKind(kind)
	}
	if display == "" {
		display = pc.Name
	}
	var scopes []string
	if len(pc.Scopes) > 0 {
		scopes = slices.Clone(pc.Scopes)
	}
	return ProviderConfig{
		Name:         pc.Name,
		Kind:         kind,
		DisplayName:  display,
		ClientID:     pc.ClientID,
		ClientSecret: pc.ClientSecret,
		Scopes:       scopes,
		Issuer:       pc.Issuer,
		AuthURL:      pc.AuthURL,
		TokenURL:     pc.TokenURL,
		UserURL:      pc.UserURL,
		PKCE:         pc.PKCE == nil || *pc.PKCE,
	}
}

// OAuthProviders returns the OAuth2 providers of the named collection
// with their defaults filled in, in file order, or nil when the
// collection has OAuth2 off. It assumes c passed Validate (Load ensures
// it), and that Load resolved any "$NAME" client secrets.
func (c Config) OAuthProviders(collection string) []ProviderConfig {
	o := c.Collections[collection].OAuth2
	if !isTrue(o.Enabled) {
		return nil
	}
	out := make([]ProviderConfig, 0, len(o.Providers))
	for _, pc := range o.Providers {
		out = append(out, pc.resolved())
	}
	return out
}

// A mapped field: the provider attribute (its YAML key and its key in
// core.OAuth2Options.MappedFields), the one record field it may fill,
// and its default.
type mappedField struct {
	key, coreKey, target, def string
	value                     func(m MappedFieldsConfig) *string
}

// mappedFields lists the mapped fields in a fixed order, so problems
// come out the same way every run.
func mappedFields() []mappedField {
	return []mappedField{
		{"name", "name", "name", "name", func(m MappedFieldsConfig) *string { return m.Name }},
		{"username", "username", "name", "", func(m MappedFieldsConfig) *string { return m.Username }},
		{"avatar_url", "avatarURL", "avatar", "avatar", func(m MappedFieldsConfig) *string { return m.AvatarURL }},
	}
}

// apply sets col's OAuth2 switch and mapped fields. Providers stay nil:
// cmd/gatehouse builds them from OAuthProviders.
func (o OAuth2Config) apply(col *core.Collection) {
	if o.Enabled != nil {
		col.OAuth2.Enabled = *o.Enabled
	}
	col.OAuth2.MappedFields = o.MappedFields.build(col)
}

// build returns the attribute → record field map for col, leaving out
// fields col does not have (so _superusers, which has no profile
// fields, gets nil).
func (m MappedFieldsConfig) build(col *core.Collection) map[string]string {
	var out map[string]string
	for _, mf := range mappedFields() {
		target := mf.def
		if v := mf.value(m); v != nil {
			target = *v
		}
		if target == "" || !col.HasField(target) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[mf.coreKey] = target
	}
	return out
}
