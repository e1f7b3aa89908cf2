package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Every setting has one variable named from its path, no two settings
// share one, and each alias names a setting without taking another's
// name.
func TestEnvNames(t *testing.T) {
	t.Parallel()
	byName := map[string]string{}
	for _, va := range variables() {
		n := envName(va.path)
		if other, dup := byName[n]; dup {
			t.Errorf("%s and %s both get %s", other, va.path, n)
		}
		byName[n] = va.path
	}
	for path, want := range map[string]string{
		"security.lockout.window":                    "GATEHOUSE_SECURITY_LOCKOUT_WINDOW",
		"security.rate_limits.login.per_ip":          "GATEHOUSE_SECURITY_RATE_LIMITS_LOGIN_PER_IP",
		"collections.users.otp.enabled":              "GATEHOUSE_COLLECTIONS_USERS_OTP_ENABLED",
		"collections._superusers.mfa.duration":       "GATEHOUSE_COLLECTIONS__SUPERUSERS_MFA_DURATION",
		"collections.users.mail.otp.subject":         "GATEHOUSE_COLLECTIONS_USERS_MAIL_OTP_SUBJECT",
		"collections.users.oauth2.providers":         "GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS",
		"surfaces.directus.login_stall":              "GATEHOUSE_SURFACES_DIRECTUS_LOGIN_STALL",
		"security.refresh_reuse_grace":               "GATEHOUSE_SECURITY_REFRESH_REUSE_GRACE",
		"collections.<name>.mail.<kind>.html":        "GATEHOUSE_COLLECTIONS_<NAME>_MAIL_<KIND>_HTML",
		"collections._superusers.password_reset_ttl": "GATEHOUSE_COLLECTIONS__SUPERUSERS_PASSWORD_RESET_TTL",
	} {
		if got := envName(path); got != want {
			t.Errorf("envName(%q) = %q, want %q", path, got, want)
		}
		if !strings.Contains(path, "<") && byName[want] != path {
			t.Errorf("no variable %s for %s", want, path)
		}
	}
	if _, ok := byName["GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS_NAME"]; ok {
		t.Error("a provider's own keys got variables; only the whole list has one")
	}
	aliases := map[string]bool{}
	for _, a := range envAliases {
		if aliases[a.name] {
			t.Errorf("alias %s is listed twice", a.name)
		}
		aliases[a.name] = true
		if path, taken := byName[a.name]; taken {
			t.Errorf("alias %s is the derived name of %s", a.name, path)
		}
		if !slices.ContainsFunc(variables(), func(va variable) bool { return va.path == a.path }) {
			t.Errorf("alias %s names %s, which is not a setting", a.name, a.path)
		}
	}
}

// The map keys the walk expands are the ones the file accepts.
func TestEnvMapKeys(t *testing.T) {
	t.Parallel()
	var names []string
	for _, c := range core.DefaultCollections() {
		names = append(names, c.Name)
	}
	f, _ := reflect.TypeFor[Config]().FieldByName("Collections")
	if got := strings.Split(f.Tag.Get("keys"), ","); !slices.Equal(got, names) {
		t.Errorf("collections keys tag = %v, want core's collections %v", got, names)
	}
	m, _ := reflect.TypeFor[CollectionConfig]().FieldByName("Mail")
	kinds := []string{mailVerification, mailPasswordReset, mailEmailChange, mailOTP, mailMagicLink, mailVerificationCode}
	if got := strings.Split(m.Tag.Get("keys"), ","); !slices.Equal(got, kinds) {
		t.Errorf("mail keys tag = %v, want the mail kinds %v", got, kinds)
	}
}

// The walk finds every field by its yaml tag, through inline groups,
// pointers and known-key maps, so a new field gets its variable with no
// other code.
func TestOptionsWalk(t *testing.T) {
	t.Parallel()
	type item struct {
		Name string `yaml:"name"`
	}
	type inner struct {
		On *bool `yaml:"on,omitempty"`
	}
	type group struct {
		Size  int      `yaml:"size"`
		Inner inner    `yaml:"inner"`
		Items []item   `yaml:"items"`
		Tags  []string `yaml:"tags"`
	}
	type root struct {
		A     string           `yaml:"a"`
		G     group            `yaml:",inline"`
		ByKey map[string]inner `yaml:"by_key" keys:"x,_y" placeholder:"<k>"`
	}
	var got []option
	walkOptions(reflect.TypeFor[root](), "", nil, false, &got)
	var paths []string
	for _, o := range got {
		p := o.path
		if o.item {
			p += " (item)"
		}
		paths = append(paths, p)
	}
	want := []string{"a", "size", "inner.on", "items", "items[].name (item)", "tags", "by_key.<k>.on"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("walk (-want +got):\n%s", diff)
	}
}

func TestLoadEnvDerivedNames(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "collections:\n  users:\n    password_min: 12\n    mail:\n      otp:\n        subject: From file\n")
	got, err := Load(path, env(map[string]string{
		"GATEHOUSE_HTTP_ADDR":                                 "0.0.0.0:8080",
		"GATEHOUSE_SECURITY_LOCKOUT_WINDOW":                   "15m",
		"GATEHOUSE_SECURITY_REFRESH_REUSE_GRACE":              "0",
		"GATEHOUSE_SECURITY_RATE_LIMITS_LOGIN_PER_IP":         "10/1m",
		"GATEHOUSE_SECURITY_RATE_LIMITS_REFRESH_PER_IDENTITY": "off",
		"GATEHOUSE_COLLECTIONS_USERS_OTP_ENABLED":             "on",
		"GATEHOUSE_COLLECTIONS_USERS_MAIL_OTP_TEXT":           "Code: {OTP} # not a comment",
		"GATEHOUSE_COLLECTIONS__SUPERUSERS_MFA_DURATION":      "5m",
		"GATEHOUSE_COLLECTIONS__SUPERUSERS_AUTH_TOKEN_TTL":    "3600",
		"GATEHOUSE_SURFACES_DIRECTUS_LOGIN_STALL":             "20ms",
		"GATEHOUSE_SURFACES_DIRECTUS_COOKIE_SECURE":           "on",
		"GATEHOUSE_MAIL_POLL":                                 "1s",
		"GATEHOUSE_KEYS_RELOAD_INTERVAL":                      "1m",
		"GATEHOUSE_PASSWORDS_ARGON2_ITERATIONS":               "3",
		"GATEHOUSE_TOKENS_ISSUER":                             "https://issuer.example",
		"GATEHOUSE_HTTP_CORS_ORIGINS":                         "https://a.example, https://b.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.HTTP.Addr = "0.0.0.0:8080"
	want.HTTP.CORSOrigins = []string{"https://a.example", "https://b.example"}
	want.Security.Lockout.Window = Duration(15 * time.Minute)
	want.Security.RefreshReuseGrace = 0
	want.Security.RateLimits.Login.PerIP = "10/1m"
	want.Security.RateLimits.Refresh.PerIdentity = "off"
	want.Surfaces.Directus.Options.LoginStall = Duration(20 * time.Millisecond)
	want.Surfaces.Directus.Options.CookieSecure = "on"
	want.Mail.Poll = Duration(time.Second)
	want.Keys.ReloadInterval = Duration(time.Minute)
	want.Passwords.Argon2Iterations = 3
	want.Tokens.Issuer = "https://issuer.example"
	want.Collections = map[string]CollectionConfig{
		// The file's users entry, with the variables' options added.
		"users": {
			PasswordMin: ptr(12), OTP: OTPConfig{Enabled: ptr(true)},
			Mail: map[string]MailTemplateConfig{"otp": {Subject: "From file", Text: "Code: {OTP} # not a comment"}},
		},
		// _superusers is not in the file: its variables alone configure it.
		"_superusers": {AuthTokenTTL: ptr(Duration(time.Hour)), MFA: MFAConfig{Duration: ptr(Duration(5 * time.Minute))}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	cols, err := got.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if c.Name == "users" && !c.OTP.Enabled || c.Name == "_superusers" && c.MFA.Duration != 5*time.Minute {
			t.Errorf("collection %s built without its variables' options: %+v %+v", c.Name, c.OTP, c.MFA)
		}
	}
}

// A list of providers is given as YAML or JSON flow text; its client
// secret may still read another variable.
func TestLoadEnvProvidersAsYAML(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]string{
		"yaml": `[{name: google, client_id: abc, client_secret: $GOOGLE_SECRET}, {name: sso, kind: oidc, issuer: "https://sso.example", client_id: gh, client_secret: s2, scopes: [openid, email]}]`,
		"json": `[{"name":"google","client_id":"abc","client_secret":"$GOOGLE_SECRET"},{"name":"sso","kind":"oidc","issuer":"https://sso.example","client_id":"gh","client_secret":"s2","scopes":["openid","email"]}]`,
	} {
		got, err := Load("", env(map[string]string{
			"GATEHOUSE_COLLECTIONS_USERS_OAUTH2_ENABLED":   "true",
			"GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS": value,
			"GOOGLE_SECRET": "from-env",
		}))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ps := got.OAuthProviders("users")
		if len(ps) != 2 || ps[0].Name != "google" || ps[0].ClientSecret.Reveal() != "from-env" ||
			ps[1].Kind != "oidc" || !slices.Equal(ps[1].Scopes, []string{"openid", "email"}) {
			t.Errorf("%s: providers = %+v", name, ps)
		}
		if s := got.Redacted().Collections["users"].OAuth2.Providers[1].ClientSecret; s.Reveal() != "xxxxx" {
			t.Errorf("%s: Redacted kept the secret", name)
		}
	}
}

func TestLoadEnvErrors(t *testing.T) {
	t.Parallel()
	_, err := Load("", env(map[string]string{
		"GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS": "[{nme: google}]",
		"GATEHOUSE_COLLECTIONS__SUPERUSERS_OTP_LENGTH": "six",
		"GATEHOUSE_SECURITY_LOCKOUT_DURATION":          "soon",
		"GATEHOUSE_SECURITY_RATE_LIMITS_OTP_PER_IP":    "lots",
		"GATEHOUSE_METRICS_ENABLED":                    "maybe",
		"GATEHOUSE_SURFACES_DIRECTUS_PUBLIC_URL":       "https://u@auth.example",
		"GATEHOUSE_COLLECTIONS_USERS_OTP_DURATION":     "[1, 2",
	}))
	for _, want := range []string{
		"GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS (collections.users.oauth2.providers): nme: unknown option",
		`GATEHOUSE_COLLECTIONS__SUPERUSERS_OTP_LENGTH (collections._superusers.otp.length): want a whole number, got "six"`,
		`GATEHOUSE_SECURITY_LOCKOUT_DURATION (security.lockout.duration): invalid duration "soon"`,
		`GATEHOUSE_METRICS_ENABLED (metrics.enabled): want on or off, got "maybe"`,
		`GATEHOUSE_COLLECTIONS_USERS_OTP_DURATION (collections.users.otp.duration): invalid duration "[1, 2"`,
		// Values that read but break a rule are named by their option.
		`security.rate_limits.otp.per_ip: want MAX/WINDOW like 100/1m or off, got "lots"`,
		"surfaces.directus.public_url: must not contain a user name or password",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load error lacks %q; got:\n%v", want, err)
		}
	}
	_, err = Load("", env(map[string]string{"GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS": "[{name: x"}))
	if err == nil || !strings.Contains(err.Error(), "GATEHOUSE_COLLECTIONS_USERS_OAUTH2_PROVIDERS (collections.users.oauth2.providers): not valid YAML") {
		t.Errorf("Load(unclosed flow list) = %v, want a YAML error naming the variable", err)
	}
}

// An alias and the derived name may both be set to one value; to two,
// startup stops naming both, and never the values (one may be a
// password).
func TestLoadEnvAliasConflict(t *testing.T) {
	t.Parallel()
	got, err := Load("", env(map[string]string{"GATEHOUSE_HTTP": ":9000", "GATEHOUSE_HTTP_ADDR": ":9000"}))
	if err != nil || got.HTTP.Addr != ":9000" {
		t.Errorf("same value twice: Load = %v, %v", got.HTTP.Addr, err)
	}
	got, err = Load("", env(map[string]string{"GATEHOUSE_HTTP": "", "GATEHOUSE_HTTP_ADDR": ":9001"}))
	if err != nil || got.HTTP.Addr != ":9001" {
		t.Errorf("empty alias: Load = %v, %v", got.HTTP.Addr, err)
	}
	_, err = Load("", env(map[string]string{
		"GATEHOUSE_DB":                           "postgres://u:secret-one@db/x",
		"GATEHOUSE_DB_URL":                       "postgres://u:secret-two@db/x",
		"GATEHOUSE_DIRECTUS_ACCESS_TTL":          "1m",
		"GATEHOUSE_SURFACES_DIRECTUS_ACCESS_TTL": "2m",
	}))
	for _, want := range []string{
		"GATEHOUSE_DB_URL and GATEHOUSE_DB both set db.url, to different values; unset one of them",
		"GATEHOUSE_SURFACES_DIRECTUS_ACCESS_TTL and GATEHOUSE_DIRECTUS_ACCESS_TTL both set surfaces.directus.access_ttl",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load error lacks %q; got:\n%v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "secret") {
		t.Errorf("the conflict message quotes a value: %v", err)
	}
}

// Every variable named in the docs, the README and the example exists:
// derived from a setting (or its placeholder form), an alias, or one of
// the few that are not settings.
func TestDocsNameOnlyRealVariables(t *testing.T) {
	t.Parallel()
	known := map[string]bool{
		"GATEHOUSE_HASH_IN_PROCESS":   true, // read by cmd/gatehouse: hash without worker processes
		"GATEHOUSE_SDK_TESTS":         true, // test switches
		"GATEHOUSE_TEST_POSTGRES_DSN": true,
		"GATEHOUSE_TEST_REDIS_URL":    true,
	}
	for _, o := range options() {
		known[envName(o.path)] = true
	}
	for _, va := range variables() {
		known[envName(va.path)] = true
	}
	for _, a := range envAliases {
		known[a.name] = true
	}
	name := regexp.MustCompile(`GATEHOUSE_[A-Z0-9_<>]*[A-Z0-9>]`)
	for _, file := range []string{docsPath, examplePath, "../../README.md"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range name.FindAllString(string(data), -1) {
			if !known[n] {
				t.Errorf("%s names %s, which Gatehouse does not read", file, n)
			}
		}
	}
	// And the docs give each setting's variable, and each alias.
	docs, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options() {
		if !o.item && !strings.Contains(string(docs), "`"+envName(o.path)+"`") {
			t.Errorf("%s does not give the variable of %s, `%s`", docsPath, o.path, envName(o.path))
		}
	}
	for _, a := range envAliases {
		if !strings.Contains(string(docs), "`"+a.name+"`") {
			t.Errorf("%s does not document the alias `%s`", docsPath, a.name)
		}
	}
}
