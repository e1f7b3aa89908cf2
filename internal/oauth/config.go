package oauth

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// DefaultTimeout bounds a provider's HTTP calls when Config.Timeout is 0.
// It matches the 30 s PocketBase allows for a code exchange.
const DefaultTimeout = 30 * time.Second

// MaxBodyBytes caps every response body read from a provider, so a
// hostile or broken endpoint cannot make Gatehouse buffer without bound.
const MaxBodyBytes = 1 << 20

// redacted replaces the client secret wherever a Config is printed.
const redacted = "[redacted]"

// Config configures one provider. Only ClientID is always required; the
// kind's preset supplies the rest.
type Config struct {
	// Name is the provider's key in APIs and identities; default: the kind.
	Name string
	// DisplayName is what a login button says; default: the kind's brand.
	DisplayName string
	ClientID    string
	// ClientSecret is never printed: String, GoString and LogValue redact
	// it, and errors never contain it. Empty for a public (PKCE-only)
	// client.
	ClientSecret string
	// Scopes replace the kind's default scopes. OpenID Connect kinds always
	// request "openid" as well.
	Scopes []string
	// Issuer is the OpenID Connect issuer URL: required for "oidc", a
	// self-hosted instance for "gitlab", and for "microsoft" either a tenant
	// ("common", "organizations", a tenant id or domain) or a full issuer
	// URL. The plain OAuth2 kinds reject it.
	Issuer string
	// AuthURL, TokenURL and UserURL override the preset or discovered
	// endpoints (self-hosting, tests). UserURL is the userinfo endpoint for
	// OpenID Connect kinds and the user API for the others.
	AuthURL, TokenURL, UserURL string
	// PKCE turns the PKCE challenge on or off; nil means on.
	PKCE *bool
	// HTTPClient is the client to copy for provider calls; nil means a
	// fresh one. It is not modified: the provider wraps its transport to
	// cap bodies and sets its own timeout.
	HTTPClient *http.Client
	// Timeout bounds New's discovery and each Exchange (token call, key
	// fetch and user fetch together); 0 means DefaultTimeout.
	Timeout time.Duration
}

// String prints the Config with its client secret redacted, so %v and %+v
// of a Config (or of a struct holding one) never leak it.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("oauth.Config{")
	for i, f := range c.fields() {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s:%v", f.Key, f.Value)
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue gives slog the Config's fields with the client secret redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(c.fields()...)
}

// fields lists the printable fields; the secret only says whether it is
// set, never its value or length.
func (c Config) fields() []slog.Attr {
	secret := ""
	if c.ClientSecret != "" {
		secret = redacted
	}
	pkce := "default"
	if c.PKCE != nil {
		pkce = fmt.Sprint(*c.PKCE)
	}
	return []slog.Attr{
		slog.String("Name", c.Name),
		slog.String("DisplayName", c.DisplayName),
		slog.String("ClientID", c.ClientID),
		slog.String("ClientSecret", secret),
		slog.String("Scopes", strings.Join(c.Scopes, " ")),
		slog.String("Issuer", c.Issuer),
		slog.String("AuthURL", c.AuthURL),
		slog.String("TokenURL", c.TokenURL),
		slog.String("UserURL", c.UserURL),
		slog.String("PKCE", pkce),
		slog.Bool("HTTPClient", c.HTTPClient != nil),
		slog.Duration("Timeout", c.Timeout),
	}
}
