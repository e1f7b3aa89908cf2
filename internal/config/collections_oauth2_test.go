package config

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
)

// oauthYAML is a valid configuration with one provider of each shape.
const oauthYAML = `
collections:
  users:
    oauth2:
      enabled: true
      mapped_fields:
        name: ""
        username: name
      providers:
        - name: google
          client_id: g-id
          client_secret: g-secret
        - name: github
          display_name: GitHub Enterprise
          client_id: gh-id
          client_secret: gh-secret
          scopes: [read:user]
          auth_url: https://ghe.example/login/oauth/authorize
          token_url: https://ghe.example/login/oauth/access_token
          user_url: https://ghe.example/api/v3/user
        - name: company-sso
          kind: oidc
          issuer: https://sso.example/realms/staff
          client_id: sso-id
          client_secret: sso-secret
          pkce: false
        - name: ms
          kind: microsoft
          issuer: organizations
          client_id: ms-id
          client_secret: ms-secret
`

func loadOAuth(t *testing.T) Config {
	t.Helper()
	c, err := Load(writeConfig(t, oauthYAML), nil)
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	return c
}

func TestOAuthProvidersFillDefaults(t *testing.T) {
	t.Parallel()
	c := loadOAuth(t)
	want := []ProviderConfig{
		{Name: "google", Kind: "google", DisplayName: "Google", ClientID: "g-id", ClientSecret: "g-secret", PKCE: true},
		{
			Name: "github", Kind: "github", DisplayName: "GitHub Enterprise", ClientID: "gh-id", ClientSecret: "gh-secret",
			Scopes:  []string{"read:user"},
			AuthURL: "https://ghe.example/login/oauth/authorize", TokenURL: "https://ghe.example/login/oauth/access_token",
			UserURL: "https://ghe.example/api/v3/user", PKCE: true,
		},
		{
			Name: "company-sso", Kind: "oidc", DisplayName: "company-sso", ClientID: "sso-id", ClientSecret: "sso-secret",
			Issuer: "https://sso.example/realms/staff", PKCE: false,
		},
		{Name: "ms", Kind: "microsoft", DisplayName: "Microsoft", ClientID: "ms-id", ClientSecret: "ms-secret", Issuer: "organizations", PKCE: true},
	}
	if diff := cmp.Diff(want, c.OAuthProviders("users")); diff != "" {
		t.Errorf("OAuthProviders(users) mismatch (-want +got):\n%s", diff)
	}
	if got := c.OAuthProviders("_superusers"); got != nil {
		t.Errorf("OAuthProviders(_superusers) = %v, want nil", got)
	}
	// The result is a copy: changing it leaves the config alone.
	c.OAuthProviders("users")[1].Scopes[0] = "changed"
	if got := c.OAuthProviders("users")[1].Scopes[0]; got != "read:user" {
		t.Errorf("OAuthProviders shares its scopes with the config: got %q", got)
	}
}

func TestOAuthProvidersOffGivesNone(t *testing.T) {
	t.Parallel()
	for name, yml := range map[string]string{
		"no oauth2 section": "",
		"disabled with providers": `
collections:
  users:
    oauth2:
      providers:
        - name: google
          client_id: a
          client_secret: b
`,
	} {
		c, err := Load(writeConfig(t, yml), nil)
		if err != nil {
			t.Fatalf("%s: Load = %v", name, err)
		}
		if got := c.OAuthProviders("users"); got != nil {
			t.Errorf("%s: OAuthProviders(users) = %v, want nil", name, got)
		}
	}
}

func TestBuildCollectionsOAuth2(t *testing.T) {
	t.Parallel()
	def, err := Default().BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	wantDefault := map[string]core.OAuth2Options{
		core.UsersName:      {MappedFields: map[string]string{"name": "name", "avatarURL": "avatar"}},
		core.SuperusersName: {},
	}
	for _, col := range def {
		if diff := cmp.Diff(wantDefault[col.Name], col.OAuth2); diff != "" {
			t.Errorf("default %s OAuth2 mismatch (-want +got):\n%s", col.Name, diff)
		}
	}

	cols, err := loadOAuth(t).BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	// Providers stay nil: cmd builds them from OAuthProviders.
	want := core.OAuth2Options{Enabled: true, MappedFields: map[string]string{"username": "name", "avatarURL": "avatar"}}
	if diff := cmp.Diff(want, cols[0].OAuth2); diff != "" {
		t.Errorf("users OAuth2 mismatch (-want +got):\n%s", diff)
	}

	c := Default()
	c.Collections = map[string]CollectionConfig{"users": {OAuth2: OAuth2Config{MappedFields: MappedFieldsConfig{
		Name: ptr(""), AvatarURL: ptr(""),
	}}}}
	cols, err = c.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	if got := cols[0].OAuth2.MappedFields; got != nil {
		t.Errorf("every mapped field off: MappedFields = %v, want nil", got)
	}
}

// provider returns a valid provider, changed by edit.
func provider(edit func(p *OAuth2ProviderConfig)) OAuth2ProviderConfig {
	p := OAuth2ProviderConfig{Name: "google", ClientID: "id", ClientSecret: "s3cret-value"}
	if edit != nil {
		edit(&p)
	}
	return p
}

func TestOAuth2Rules(t *testing.T) {
	t.Parallel()
	const pp = "collections.users.oauth2.providers[0]"
	users := func(o OAuth2Config) map[string]CollectionConfig {
		return map[string]CollectionConfig{"users": {OAuth2: o}}
	}
	one := func(edit func(p *OAuth2ProviderConfig)) map[string]CollectionConfig {
		return users(OAuth2Config{Enabled: ptr(true), Providers: []OAuth2ProviderConfig{provider(edit)}})
	}
	tests := []struct {
		name string
		cols map[string]CollectionConfig
		want string
	}{
		{"superusers enabled", map[string]CollectionConfig{"_superusers": {OAuth2: OAuth2Config{Enabled: ptr(true)}}},
			"collections._superusers.oauth2.enabled: cannot be true for _superusers"},
		{"superusers providers", map[string]CollectionConfig{"_superusers": {OAuth2: OAuth2Config{Providers: []OAuth2ProviderConfig{provider(nil)}}}},
			"collections._superusers.oauth2.providers: cannot be set for _superusers"},
		{"superusers mapped field", map[string]CollectionConfig{"_superusers": {OAuth2: OAuth2Config{MappedFields: MappedFieldsConfig{Name: ptr("name")}}}},
			"collections._superusers.oauth2.mapped_fields.name: _superusers has no name field"},
		{"enabled without providers", users(OAuth2Config{Enabled: ptr(true)}),
			"collections.users.oauth2.providers: at least one provider is needed"},
		{"name to avatar", users(OAuth2Config{MappedFields: MappedFieldsConfig{Name: ptr("avatar")}}),
			`collections.users.oauth2.mapped_fields.name: must be "name" or "" (fill nothing), got "avatar"`},
		{"avatar to unknown field", users(OAuth2Config{MappedFields: MappedFieldsConfig{AvatarURL: ptr("picture")}}),
			`collections.users.oauth2.mapped_fields.avatar_url: must be "avatar"`},
		{"username and default name both fill name", users(OAuth2Config{MappedFields: MappedFieldsConfig{Username: ptr("name")}}),
			`collections.users.oauth2.mapped_fields.username: record field "name" is already filled from mapped_fields.name`},
		{"name missing", one(func(p *OAuth2ProviderConfig) { p.Name = "" }), pp + ".name: required"},
		{"name with capitals", one(func(p *OAuth2ProviderConfig) { p.Name, p.Kind = "Google", "google" }), pp + `.name: must be 1 to 40 lowercase letters, digits, _ or -, got "Google"`},
		{"name too long", one(func(p *OAuth2ProviderConfig) { p.Name, p.Kind = strings.Repeat("a", 41), "oidc" }), pp + ".name: must be 1 to 40"},
		{"name with a slash", one(func(p *OAuth2ProviderConfig) { p.Name, p.Kind = "a/b", "github" }), pp + ".name: must be"},
		{"kind missing", one(func(p *OAuth2ProviderConfig) { p.Name = "sso" }), pp + ".kind: required when the name is not itself a kind"},
		{"kind unknown", one(func(p *OAuth2ProviderConfig) { p.Kind = "apple" }), pp + `.kind: must be oidc, google, github, gitlab, microsoft or discord, got "apple"`},
		{"blank display name", one(func(p *OAuth2ProviderConfig) { p.DisplayName = "  " }), pp + ".display_name: must not be blank"},
		{"client id missing", one(func(p *OAuth2ProviderConfig) { p.ClientID = "" }), pp + ".client_id: required"},
		{"client secret missing", one(func(p *OAuth2ProviderConfig) { p.ClientSecret = "" }), pp + ".client_secret: required"},
		{"empty scope", one(func(p *OAuth2ProviderConfig) { p.Scopes = []string{"email", ""} }), pp + `.scopes[1]: must be one scope, without spaces, got ""`},
		{"two scopes in one", one(func(p *OAuth2ProviderConfig) { p.Scopes = []string{"openid email"} }), pp + ".scopes[0]: must be one scope"},
		{"scope twice", one(func(p *OAuth2ProviderConfig) { p.Scopes = []string{"email", "openid", "email"} }), pp + `.scopes[2]: "email" is listed twice`},
		{"oidc without issuer", one(func(p *OAuth2ProviderConfig) { p.Kind = "oidc" }), pp + ".issuer: required for kind oidc"},
		{"issuer for github", one(func(p *OAuth2ProviderConfig) { p.Name, p.Issuer = "github", "https://github.com" }), pp + ".issuer: not used by kind github"},
		{"issuer for discord", one(func(p *OAuth2ProviderConfig) { p.Kind, p.Issuer = "discord", "https://discord.com" }), pp + ".issuer: not used by kind discord"},
		{"issuer not a URL", one(func(p *OAuth2ProviderConfig) { p.Kind, p.Issuer = "oidc", "sso.example" }), pp + `.issuer: must be an absolute http:// or https:// URL, got "sso.example"`},
		{"issuer with query", one(func(p *OAuth2ProviderConfig) { p.Kind, p.Issuer = "oidc", "https://sso.example/?x=1" }), pp + ".issuer: must not have a query"},
		{"bad microsoft tenant", one(func(p *OAuth2ProviderConfig) { p.Kind, p.Issuer = "microsoft", "my tenant" }), pp + ".issuer: must be a tenant"},
		{"auth url relative", one(func(p *OAuth2ProviderConfig) { p.AuthURL = "/authorize" }), pp + `.auth_url: must be an absolute http:// or https:// URL, got "/authorize"`},
		{"token url ftp", one(func(p *OAuth2ProviderConfig) { p.TokenURL = "ftp://x.example/token" }), pp + ".token_url: must be an absolute"},
		{"user url fragment", one(func(p *OAuth2ProviderConfig) { p.UserURL = "https://x.example/me#a" }), pp + ".user_url: must not have a fragment"},
		{"user url with password", one(func(p *OAuth2ProviderConfig) { p.UserURL = "https://u:pw@x.example/me" }), pp + ".user_url: must not contain a user name or password"},
		{"unparseable url", one(func(p *OAuth2ProviderConfig) { p.AuthURL = "https://x.example/%zz" }), pp + ".auth_url: not a valid URL"},
		{"duplicate names", users(OAuth2Config{Providers: []OAuth2ProviderConfig{provider(nil), provider(nil)}}),
			`collections.users.oauth2.providers[1].name: "google" is already the name of providers[0]`},
	}
	for _, tt := range tests {
		c := Default()
		c.Collections = tt.cols
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tt.name, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-value") {
			t.Errorf("%s: error leaks the client secret: %v", tt.name, err)
		}
		if _, berr := c.BuildCollections(); berr == nil {
			t.Errorf("%s: BuildCollections() accepted what Validate refused", tt.name)
		}
	}
}

func TestOAuth2Accepts(t *testing.T) {
	t.Parallel()
	tests := map[string]func(p *OAuth2ProviderConfig){
		"preset name only":    nil,
		"every kind by name":  func(p *OAuth2ProviderConfig) { p.Name = "discord" },
		"oidc named oidc":     func(p *OAuth2ProviderConfig) { p.Name, p.Issuer = "oidc", "http://127.0.0.1:5556/dex" },
		"gitlab self-managed": func(p *OAuth2ProviderConfig) { p.Name, p.Issuer = "gitlab", "https://gitlab.example.com" },
		"google issuer":       func(p *OAuth2ProviderConfig) { p.Issuer = "https://accounts.google.com" },
		"microsoft tenant id": func(p *OAuth2ProviderConfig) { p.Name, p.Issuer = "microsoft", "9188040d-6c67-4c5b-b112-36a304b66dad" },
		"microsoft issuer url": func(p *OAuth2ProviderConfig) {
			p.Name, p.Issuer = "microsoft", "https://login.microsoftonline.com/contoso.com/v2.0"
		},
		"auth url with query": func(p *OAuth2ProviderConfig) { p.AuthURL = "https://x.example/authorize?prompt=consent" },
		"name with _ and -":   func(p *OAuth2ProviderConfig) { p.Name, p.Kind = "corp_sso-2", "github" },
		"forty-char name":     func(p *OAuth2ProviderConfig) { p.Name, p.Kind = strings.Repeat("z", 40), "google" },
	}
	for name, edit := range tests {
		c := Default()
		c.Collections = map[string]CollectionConfig{"users": {OAuth2: OAuth2Config{
			Enabled: ptr(true), Providers: []OAuth2ProviderConfig{provider(edit)},
		}}}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
	c := Default()
	c.Collections = map[string]CollectionConfig{
		"_superusers": {OAuth2: OAuth2Config{Enabled: ptr(false), MappedFields: MappedFieldsConfig{Name: ptr(""), AvatarURL: ptr("")}}},
		"users":       {OAuth2: OAuth2Config{MappedFields: MappedFieldsConfig{Name: ptr(""), Username: ptr("name")}}},
	}
	if err := c.Validate(); err != nil {
		t.Errorf("oauth2 off for superusers, username mapped: Validate() = %v, want nil", err)
	}
}

// Every problem is reported at once, each at its own path.
func TestOAuth2ReportsEveryProblem(t *testing.T) {
	t.Parallel()
	yml := `
collections:
  users:
    oauth2:
      enabled: true
      providers:
        - name: google
          client_id: a
        - name: sso
          client_secret: b
        - name: google
          kind: oidc
          client_id: c
          client_secret: d
`
	_, err := Load(writeConfig(t, yml), nil)
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	for _, want := range []string{
		"collections.users.oauth2.providers[0].client_secret: required",
		"collections.users.oauth2.providers[1].kind: required",
		"collections.users.oauth2.providers[1].client_id: required",
		"collections.users.oauth2.providers[2].issuer: required for kind oidc",
		"collections.users.oauth2.providers[2].name: \"google\" is already the name of providers[0]",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error lacks %q; got:\n%v", want, err)
		}
	}
}

func TestLoadOAuth2YAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, want string }{
		{"unknown provider key", "collections:\n  users:\n    oauth2:\n      providers:\n        - name: google\n        - name: github\n          clientid: x\n",
			"line 7: collections.users.oauth2.providers[1].clientid: unknown option"},
		{"bad pkce", "collections:\n  users:\n    oauth2:\n      providers:\n        - pkce: maybe\n",
			`line 5: collections.users.oauth2.providers[0].pkce: want true or false, got "maybe"`},
		{"list for a secret", "collections:\n  users:\n    oauth2:\n      providers:\n        - name: google\n          client_secret: [a]\n",
			"line 6: collections.users.oauth2.providers[0].client_secret: want a string, got a list"},
		{"unknown mapped field", "collections:\n  users:\n    oauth2:\n      mapped_fields:\n        email: email\n",
			"line 5: collections.users.oauth2.mapped_fields.email: unknown option"},
	}
	for _, tt := range tests {
		_, err := Load(writeConfig(t, tt.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// Only cmd wires OAuth: this package produces plain data and must not
// depend on the oauth implementation.
func TestConfigDoesNotImportOAuth(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasSuffix(path, "/internal/oauth") || strings.Contains(path, "oauth2") || strings.Contains(path, "oidc") {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
