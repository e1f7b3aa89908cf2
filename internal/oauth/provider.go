package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Kinds returns the provider kinds New accepts.
func Kinds() []string {
	return []string{"oidc", "google", "microsoft", "gitlab", "github", "discord"}
}

// userFetcher turns a token response into the signed-in user; one per
// kind family (OpenID Connect, GitHub, Discord).
type userFetcher func(ctx context.Context, tok *oauth2.Token) (core.OAuthUser, error)

// provider implements core.OAuthProvider for every kind.
type provider struct {
	name, displayName string
	pkce              bool
	secret            string // only for redacting errors; oauth holds the real one
	oauth             *oauth2.Config
	client            *http.Client
	timeout           time.Duration
	fetch             userFetcher
}

// New builds the provider of this kind ("oidc", "google", "microsoft",
// "gitlab", "github" or "discord") from cfg. OpenID Connect kinds run
// discovery against the issuer here, bounded by cfg.Timeout and ctx, so a
// wrong issuer fails at startup rather than at the first sign-in.
func New(ctx context.Context, kind string, cfg Config) (core.OAuthProvider, error) {
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("oauth %s: client id is required", kind)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("oauth %s: timeout must not be negative", kind)
	}
	for _, u := range []struct{ name, value string }{
		{"auth url", cfg.AuthURL}, {"token url", cfg.TokenURL}, {"user url", cfg.UserURL},
	} {
		if u.value != "" && !isHTTPURL(u.value) {
			return nil, fmt.Errorf("oauth %s: %s %q is not an http(s) URL", kind, u.name, u.value)
		}
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	p := &provider{
		name:        cfg.Name,
		displayName: cfg.DisplayName,
		pkce:        cfg.PKCE == nil || *cfg.PKCE,
		secret:      cfg.ClientSecret,
		client:      newHTTPClient(cfg.HTTPClient, timeout),
		timeout:     timeout,
		oauth: &oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
		},
	}
	var err error
	switch kind {
	case "oidc", "google", "microsoft", "gitlab":
		err = p.setupOIDC(ctx, kind, cfg)
	case "github":
		err = p.setupGitHub(cfg)
	case "discord":
		err = p.setupDiscord(cfg)
	default:
		return nil, fmt.Errorf("oauth: unknown provider kind %q (want one of %s)", kind, strings.Join(Kinds(), ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("oauth %s: %s", kind, p.redact(err.Error()))
	}
	if p.name == "" {
		p.name = kind
	}
	return p, nil
}

// preset fills the fields a kind defaults and Config may override.
func (p *provider) preset(cfg Config, displayName, authURL, tokenURL string, scopes []string) {
	if p.displayName == "" {
		p.displayName = displayName
	}
	p.oauth.Endpoint.AuthURL = override(cfg.AuthURL, authURL)
	p.oauth.Endpoint.TokenURL = override(cfg.TokenURL, tokenURL)
	p.oauth.Scopes = scopes
	if len(cfg.Scopes) > 0 {
		p.oauth.Scopes = slices.Clone(cfg.Scopes)
	}
}

// Name implements core.OAuthProvider.
func (p *provider) Name() string { return p.name }

// DisplayName implements core.OAuthProvider.
func (p *provider) DisplayName() string { return p.displayName }

// PKCE implements core.OAuthProvider.
func (p *provider) PKCE() bool { return p.pkce }

// String names the provider, so printing one never dumps its secret.
func (p *provider) String() string { return "oauth provider " + p.name }

// GoString is String for %#v.
func (p *provider) GoString() string { return p.String() }

// AuthURL implements core.OAuthProvider. Parameters come in a fixed order
// with redirect_uri last and empty, for the client to complete.
func (p *provider) AuthURL(state, codeChallenge string) string {
	var b strings.Builder
	b.WriteString(p.oauth.Endpoint.AuthURL)
	switch {
	case !strings.Contains(p.oauth.Endpoint.AuthURL, "?"):
		b.WriteByte('?')
	case !strings.HasSuffix(p.oauth.Endpoint.AuthURL, "?") && !strings.HasSuffix(p.oauth.Endpoint.AuthURL, "&"):
		b.WriteByte('&')
	}
	param := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
		b.WriteByte('&')
	}
	param("response_type", "code")
	param("client_id", p.oauth.ClientID)
	param("scope", strings.Join(p.oauth.Scopes, " "))
	param("state", state)
	if p.pkce && codeChallenge != "" {
		param("code_challenge", codeChallenge)
		param("code_challenge_method", "S256")
	}
	b.WriteString("redirect_uri=")
	return b.String()
}

// Exchange implements core.OAuthProvider. The token call and the user
// fetch share one Timeout.
func (p *provider) Exchange(ctx context.Context, code, codeVerifier, redirectURL string) (core.OAuthUser, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)

	if code == "" {
		return core.OAuthUser{}, fmt.Errorf("%w: %s: empty authorization code", core.ErrOAuthToken, p.name)
	}
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("redirect_uri", redirectURL)}
	if p.pkce && codeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(codeVerifier))
	}
	tok, err := p.oauth.Exchange(ctx, code, opts...)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("%w: %s: %s", core.ErrOAuthToken, p.name, p.tokenErrorDetail(err))
	}
	user, err := p.fetch(ctx, tok)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("%w: %s: %s", core.ErrOAuthUser, p.name, p.redact(err.Error()))
	}
	user.AccessToken = tok.AccessToken
	user.RefreshToken = tok.RefreshToken
	user.Expiry = tok.Expiry
	return user, nil
}

// maxErrorDescription caps how much of a provider's error_description an
// error message repeats.
const maxErrorDescription = 300

// tokenErrorDetail describes a failed token call by the provider's error
// code and description, never by the raw response body (which a careless
// provider could fill with the request, secret included).
func (p *provider) tokenErrorDetail(err error) string {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return p.redact(err.Error())
	}
	detail := "token endpoint refused the code"
	if re.Response != nil {
		detail = fmt.Sprintf("token endpoint answered %d", re.Response.StatusCode)
	}
	if re.ErrorCode != "" {
		detail += ": " + re.ErrorCode
		if desc := re.ErrorDescription; desc != "" {
			if len(desc) > maxErrorDescription {
				desc = desc[:maxErrorDescription] + "..."
			}
			detail += " (" + desc + ")"
		}
	}
	return p.redact(detail)
}

// redact removes the client secret from a message, raw or form-encoded,
// in case a library or a provider echoed it.
func (p *provider) redact(s string) string {
	if p.secret == "" {
		return s
	}
	s = strings.ReplaceAll(s, p.secret, redacted)
	return strings.ReplaceAll(s, url.QueryEscape(p.secret), redacted)
}

// override returns v if set, else def.
func override(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// isHTTPURL reports whether s is an absolute http or https URL.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
