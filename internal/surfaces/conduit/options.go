package conduit

import (
	"reflect"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// Options are the surface's settings, each declared here once: its YAML
// key under surfaces.conduit (the tag; the environment variable is named
// from it), its default (DefaultOptions) and its rules (Validate). They
// follow the authentication module's config of Conduit v0.16 (its
// camelCase keys written snake_case: accessTokens.expiryPeriod is
// access_tokens.expiry_period), with durations as Gatehouse writes them
// ("1h") instead of milliseconds. A Go caller starts from DefaultOptions:
// several switches default to on.
type Options struct {
	// Collection is the auth collection whose users log in through the
	// surface (name or id).
	Collection string `yaml:"collection"`
	// PublicURL is the surface's base URL as clients see it (Conduit's
	// router hostUrl): mailed links to /hook/authentication/... start
	// with it. The file may leave it empty for app.url followed by the
	// mount; a Go caller must set it.
	PublicURL string `yaml:"public_url"`

	// AccessTokens are accessTokens.*: the access token's lifetime and
	// whether it is also handed out as the `accessToken` cookie.
	AccessTokens TokenOptions `yaml:"access_tokens"`
	// RefreshTokens are refreshTokens.*, for the `refreshToken` cookie.
	RefreshTokens TokenOptions `yaml:"refresh_tokens"`

	// Clients are clients.* with the router's security.clientValidation.
	Clients ClientOptions `yaml:"clients"`

	// Local are local.*: email verification and the password reset link.
	Local LocalOptions `yaml:"local"`

	// TwoFA are twoFa.*: authenticator-app second factors and backup
	// codes. Only the authenticator method is served (no SMS).
	TwoFA TwoFAOptions `yaml:"two_fa"`

	// MagicLink are magic_link.*: passwordless logins by a mailed link.
	MagicLink MagicLinkOptions `yaml:"magic_link"`

	// RedirectURIs are redirectUris.*: where the hooks (verification,
	// magic link, OAuth2) may send a browser. A redirectUri outside the
	// list is refused with 403, unless AllowAny.
	RedirectURIs RedirectOptions `yaml:"redirect_uris"`

	// ConflictStatus409 answers an email that is already taken with 409
	// CONFLICT instead of Conduit's 500 INTERNAL_SERVER_ERROR (its
	// gRPC ALREADY_EXISTS, which v0.16 maps to 500). The conduitCode
	// (USER_EXISTS) is the same either way.
	ConflictStatus409 bool `yaml:"conflict_status_409"`

	// LoginStall pads logins and the guest mail requests (forgot
	// password, magic link) to at least this long, so success and
	// failure take the same time. Conduit does not pad.
	LoginStall setting.Duration `yaml:"login_stall"`
}

// TokenOptions are one kind of token's settings (accessTokens or
// refreshTokens).
type TokenOptions struct {
	// ExpiryPeriod is the token's lifetime (Conduit's expiryPeriod).
	ExpiryPeriod setting.Duration `yaml:"expiry_period"`
	// SetCookie hands the token out as a cookie (`accessToken` or
	// `refreshToken`) instead of in the body.
	SetCookie bool `yaml:"set_cookie"`
	// Cookie are the cookie's attributes (always HttpOnly, never signed).
	Cookie CookieOptions `yaml:"cookie"`
}

// CookieOptions are a token cookie's attributes (Conduit's cookieOptions,
// less httpOnly, which is always on, and signed, which Conduit's
// own cookies never use).
type CookieOptions struct {
	// Secure: auto marks the cookie Secure when PublicURL is https.
	// (Conduit's default is false.)
	Secure setting.Switch `yaml:"secure"`
	// Domain shares the cookie with subdomains; empty keeps it on the
	// exact host.
	Domain string `yaml:"domain"`
	// Path limits the cookie; empty is "/".
	Path string `yaml:"path"`
	// SameSite is lax, strict or none.
	SameSite string `yaml:"same_site"`
}

// ClientOptions are clients.* and client validation.
type ClientOptions struct {
	// MultipleUserSessions lets a user keep several sessions; off (the
	// default), a new login ends the user's other sessions opened
	// through this surface (scoped to the client with
	// MultipleClientLogins).
	MultipleUserSessions bool `yaml:"multiple_user_sessions"`
	// MultipleClientLogins, with MultipleUserSessions off, limits the
	// sessions a login ends to those of the same client.
	MultipleClientLogins bool `yaml:"multiple_client_logins"`
	// Validation requires the `clientid` and `clientsecret` headers on
	// every route but the /hook/ ones (the router's
	// security.clientValidation). Off, every request is the client
	// `anonymous-client`.
	Validation bool `yaml:"validation"`
	// Secrets are the known clients: each client id and the SHA-256 of
	// its secret, in hex (`printf %s "$SECRET" | sha256sum`), so the
	// file holds no secret.
	Secrets map[string]string `yaml:"secrets"`
}

// LocalOptions are local.*.
type LocalOptions struct {
	// Verification is local.verification.*.
	Verification VerificationOptions `yaml:"verification"`
	// ForgotPasswordRedirectURI is where the password reset mail links
	// (with ?reset_token=), when the request names no redirectUri.
	ForgotPasswordRedirectURI string `yaml:"forgot_password_redirect_uri"`
}

// VerificationOptions are local.verification.*.
type VerificationOptions struct {
	// Required refuses logins of unverified users (403).
	Required bool `yaml:"required"`
	// SendEmail mails new users a verification link or code.
	SendEmail bool `yaml:"send_email"`
	// Method is link or code.
	Method string `yaml:"method"`
	// RedirectURI is where the verification hook sends the browser; empty
	// answers {"redirect":""}.
	RedirectURI string `yaml:"redirect_uri"`
	// ResendThreshold is the least time between two verification mails
	// to one user.
	ResendThreshold setting.Duration `yaml:"resend_threshold"`
}

// TwoFAOptions are twoFa.*.
type TwoFAOptions struct {
	// Enabled serves the twoFa routes.
	Enabled bool `yaml:"enabled"`
	// BackupCodes serves twoFa/generate and twoFa/recover.
	BackupCodes bool `yaml:"backup_codes"`
}

// MagicLinkOptions are magic_link.*.
type MagicLinkOptions struct {
	// Enabled serves the magic-link routes.
	Enabled bool `yaml:"enabled"`
	// RedirectURI is where the link's hook sends the browser, with the
	// tokens.
	RedirectURI string `yaml:"redirect_uri"`
	// LinkURI, when set, is the mailed link's base instead of the hook
	// (<link_uri>/<token>), and enables POST magic-link/{token}.
	LinkURI string `yaml:"link_uri"`
	// TTL is how long a mailed link works. Conduit's never expire.
	TTL setting.Duration `yaml:"ttl"`
}

// RedirectOptions are redirectUris.*.
type RedirectOptions struct {
	// AllowAny admits any redirectUri.
	AllowAny bool `yaml:"allow_any"`
	// WhitelistedURIs are the absolute URLs a redirectUri may name.
	WhitelistedURIs []string `yaml:"whitelisted_uris"`
}

// Conduit's defaults, where Gatehouse keeps them.
const (
	defaultAccessTTL       = time.Hour
	defaultRefreshTTL      = 7 * 24 * time.Hour
	defaultResendThreshold = time.Minute
	defaultMagicLinkTTL    = 15 * time.Minute
	defaultLoginStall      = 500 * time.Millisecond
)

// Verification methods.
const (
	methodLink = "link"
	methodCode = "code"
)

// DefaultOptions returns Conduit's defaults, except the cookies' Secure
// (auto), the magic link's lifetime (Conduit's links never expire) and
// LoginStall (Conduit does not pad).
// PublicURL has none: the configuration derives it from app.url and the
// mount.
func DefaultOptions() Options {
	cookie := CookieOptions{Secure: setting.Auto, SameSite: "lax"}
	return Options{
		Collection:    core.UsersName,
		AccessTokens:  TokenOptions{ExpiryPeriod: setting.Duration(defaultAccessTTL), Cookie: cookie},
		RefreshTokens: TokenOptions{ExpiryPeriod: setting.Duration(defaultRefreshTTL), Cookie: cookie},
		Clients:       ClientOptions{MultipleClientLogins: true, Secrets: map[string]string{}},
		Local: LocalOptions{Verification: VerificationOptions{
			Method: methodLink, ResendThreshold: setting.Duration(defaultResendThreshold),
		}},
		TwoFA:        TwoFAOptions{BackupCodes: true},
		MagicLink:    MagicLinkOptions{TTL: setting.Duration(defaultMagicLinkTTL)},
		RedirectURIs: RedirectOptions{WhitelistedURIs: []string{}},
		LoginStall:   setting.Duration(defaultLoginStall),
	}
}

// withDefaults fills what a Go caller left zero with the defaults, where
// zero means nothing (the switches keep their zero values).
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Collection == "" {
		o.Collection = d.Collection
	}
	o.AccessTokens = o.AccessTokens.withDefaults(d.AccessTokens)
	o.RefreshTokens = o.RefreshTokens.withDefaults(d.RefreshTokens)
	if o.Local.Verification.Method == "" {
		o.Local.Verification.Method = methodLink
	}
	if o.Local.Verification.ResendThreshold == 0 {
		o.Local.Verification.ResendThreshold = d.Local.Verification.ResendThreshold
	}
	if o.MagicLink.TTL == 0 {
		o.MagicLink.TTL = d.MagicLink.TTL
	}
	if o.LoginStall == 0 {
		o.LoginStall = d.LoginStall
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	return o
}

func (t TokenOptions) withDefaults(d TokenOptions) TokenOptions {
	if t.ExpiryPeriod == 0 {
		t.ExpiryPeriod = d.ExpiryPeriod
	}
	if t.Cookie.Secure == "" {
		t.Cookie.Secure = d.Cookie.Secure
	}
	if t.Cookie.SameSite == "" {
		t.Cookie.SameSite = d.Cookie.SameSite
	}
	return t
}

// AuthCollection names the bound collection, for the configuration's
// check.
func (o Options) AuthCollection() string { return o.Collection }

// DefaultPublicURL sets PublicURL to base when it is empty, reporting
// whether it did: the configuration passes app.url followed by the
// mount.
func (o *Options) DefaultPublicURL(base string) bool {
	if o.PublicURL != "" {
		return false
	}
	o.PublicURL = base
	return true
}

// Roots returns the top-level paths the surface serves, relative to its
// mount: what it claims of a server's root when mounted at "/".
func Roots() []string { return []string{"/authentication", "/hook/authentication"} }

// validate checks o for NewHandler, naming each problem by its field.
func (o Options) validate() error {
	return o.Validate().ErrorFor("conduit", reflect.TypeFor[Options]())
}
