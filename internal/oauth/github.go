package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/core"
)

// GitHub's endpoints. Its emails API lives under the user API
// (UserURL + "/emails"), which keeps a single override for both.
const (
	githubAuthURL  = "https://github.com/login/oauth/authorize"
	githubTokenURL = "https://github.com/login/oauth/access_token"
	githubUserURL  = "https://api.github.com/user"
)

// setupGitHub configures the plain OAuth2 GitHub kind.
func (p *provider) setupGitHub(cfg Config) error {
	if cfg.Issuer != "" {
		return errors.New("issuer is not used by github")
	}
	p.preset(cfg, "GitHub", githubAuthURL, githubTokenURL, []string{"read:user", "user:email"})
	// GitHub documents client credentials as form parameters.
	p.oauth.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	userURL := override(cfg.UserURL, githubUserURL)
	emailsURL := strings.TrimSuffix(userURL, "/") + "/emails"
	p.fetch = func(ctx context.Context, tok *oauth2.Token) (core.OAuthUser, error) {
		return p.fetchGitHub(ctx, tok.AccessToken, userURL, emailsURL)
	}
	return nil
}

// githubEmail is one entry of GitHub's GET /user/emails.
type githubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// fetchGitHub reads the profile, then the email list: /user shows only a
// public email and never says whether it is verified.
func (p *provider) fetchGitHub(ctx context.Context, accessToken, userURL, emailsURL string) (core.OAuthUser, error) {
	body, err := getJSON(ctx, p.client, userURL, accessToken)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("get user: %w", err)
	}
	raw, err := decodeObject(body)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("decode user: %w", err)
	}
	id, ok := raw["id"].(json.Number)
	if !ok || id.String() == "" {
		return core.OAuthUser{}, errors.New("user has no numeric id")
	}
	user := core.OAuthUser{
		ID:        id.String(),
		Name:      str(raw, "name"),
		Username:  str(raw, "login"),
		AvatarURL: str(raw, "avatar_url"),
		Email:     str(raw, "email"),
		Raw:       raw,
	}

	// Without the user:email scope the list is refused; the user then
	// signs in with the public email, unverified, which cannot link to an
	// existing account.
	emails, err := p.githubEmails(ctx, emailsURL, accessToken)
	if err != nil {
		return user, nil
	}
	for _, e := range emails {
		if e.Primary && e.Verified {
			user.Email, user.EmailVerified = e.Email, true
			return user, nil
		}
	}
	for _, e := range emails {
		if user.Email != "" && strings.EqualFold(e.Email, user.Email) {
			user.EmailVerified = e.Verified
		}
	}
	return user, nil
}

// githubEmails fetches GET /user/emails.
func (p *provider) githubEmails(ctx context.Context, url, accessToken string) ([]githubEmail, error) {
	body, err := getJSON(ctx, p.client, url, accessToken)
	if err != nil {
		return nil, err
	}
	var emails []githubEmail
	if err := json.Unmarshal(body, &emails); err != nil {
		return nil, err
	}
	return emails, nil
}
