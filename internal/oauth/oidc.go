package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Issuers of the OpenID Connect presets.
const (
	googleIssuer    = "https://accounts.google.com"
	gitlabIssuer    = "https://gitlab.com"
	microsoftHost   = "https://login.microsoftonline.com/"
	microsoftTenant = "common"
	// tenantPlaceholder is how Microsoft's multi-tenant discovery documents
	// ("common", "organizations") write the issuer: each token's real
	// issuer names the user's own tenant.
	tenantPlaceholder = "{tenantid}"
)

// oidcScopes are the default scopes of every OpenID Connect kind.
func oidcScopes() []string { return []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile} }

// oidcVerifier checks ID tokens for one provider.
type oidcVerifier struct {
	verifier *oidc.IDTokenVerifier
	// issuerTemplate is set only for Microsoft's multi-tenant endpoints.
	// go-oidc's issuer check is then off, and the token's issuer must be
	// the template with the token's own "tid" claim filled in.
	issuerTemplate string
}

// setupOIDC discovers the issuer and configures an OpenID Connect kind.
func (p *provider) setupOIDC(ctx context.Context, kind string, cfg Config) error {
	issuer, displayName := cfg.Issuer, "OpenID Connect"
	switch kind {
	case "oidc":
		if issuer == "" {
			return errors.New("issuer is required")
		}
	case "google":
		issuer, displayName = override(issuer, googleIssuer), "Google"
	case "gitlab":
		issuer, displayName = override(issuer, gitlabIssuer), "GitLab"
	case "microsoft":
		issuer, displayName = microsoftIssuer(issuer), "Microsoft"
	}
	if !isHTTPURL(issuer) {
		return fmt.Errorf("issuer %q is not an http(s) URL", issuer)
	}

	dctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	dctx = oidc.ClientContext(dctx, p.client)
	if kind == "microsoft" {
		// Microsoft's documents name a tenant id where the URL may hold
		// an alias ("common", a domain); the issuer is checked below.
		dctx = oidc.InsecureIssuerURLContext(dctx, issuer)
	}
	op, err := oidc.NewProvider(dctx, issuer)
	if err != nil {
		return fmt.Errorf("discovery at %s: %v", issuer, err)
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := op.Claims(&meta); err != nil {
		return fmt.Errorf("discovery at %s: %v", issuer, err)
	}

	v := oidcVerifier{}
	if kind == "microsoft" {
		v, err = microsoftVerifier(p, issuer, meta.Issuer, meta.JWKSURI)
		if err != nil {
			return err
		}
	} else {
		v.verifier = op.Verifier(&oidc.Config{ClientID: cfg.ClientID})
	}

	ep := op.Endpoint()
	p.preset(cfg, displayName, ep.AuthURL, ep.TokenURL, oidcScopes())
	if p.oauth.Endpoint.AuthURL == "" || p.oauth.Endpoint.TokenURL == "" {
		return fmt.Errorf("discovery at %s: no authorization or token endpoint", issuer)
	}
	if !slices.Contains(p.oauth.Scopes, oidc.ScopeOpenID) {
		p.oauth.Scopes = append([]string{oidc.ScopeOpenID}, p.oauth.Scopes...)
	}
	userInfoURL := override(cfg.UserURL, op.UserInfoEndpoint())
	p.fetch = func(ctx context.Context, tok *oauth2.Token) (core.OAuthUser, error) {
		return p.fetchOIDC(ctx, tok, v, userInfoURL)
	}
	return nil
}

// microsoftIssuer turns the Issuer setting of the microsoft kind (empty, a
// tenant, or a full URL) into the issuer URL to discover.
func microsoftIssuer(v string) string {
	switch {
	case v == "":
		v = microsoftTenant
	case strings.Contains(v, "://"):
		return v
	}
	return microsoftHost + url.PathEscape(v) + "/v2.0"
}

// microsoftVerifier trusts the issuer Microsoft's discovery document names,
// provided it is on the discovered host. For the multi-tenant endpoints the
// issuer varies per token, so go-oidc's issuer check is skipped and
// checkTenantIssuer takes its place; signature, audience and expiry are
// still verified by go-oidc.
func microsoftVerifier(p *provider, configured, discovered, jwksURI string) (oidcVerifier, error) {
	cu, err1 := url.Parse(configured)
	du, err2 := url.Parse(discovered)
	if err1 != nil || err2 != nil || du.Scheme != cu.Scheme || du.Host != cu.Host {
		return oidcVerifier{}, fmt.Errorf("discovery at %s: issuer %q is on another host", configured, discovered)
	}
	if jwksURI == "" {
		return oidcVerifier{}, fmt.Errorf("discovery at %s: no jwks_uri", configured)
	}
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), p.client), jwksURI)
	conf := &oidc.Config{ClientID: p.oauth.ClientID}
	v := oidcVerifier{}
	if strings.Contains(discovered, tenantPlaceholder) {
		conf.SkipIssuerCheck = true
		v.issuerTemplate = discovered
	}
	v.verifier = oidc.NewVerifier(discovered, keys, conf)
	return v, nil
}

// checkTenantIssuer verifies a multi-tenant Microsoft token's issuer
// against its own tenant id claim.
func checkTenantIssuer(template string, idt *oidc.IDToken, claims map[string]any) error {
	tid := str(claims, "tid")
	if tid == "" {
		return errors.New("id token has no tenant id")
	}
	if want := strings.ReplaceAll(template, tenantPlaceholder, tid); idt.Issuer != want {
		return fmt.Errorf("id token issuer %q does not match its tenant (want %q)", idt.Issuer, want)
	}
	return nil
}
