package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Discord's endpoints.
const (
	discordAuthURL   = "https://discord.com/oauth2/authorize"
	discordTokenURL  = "https://discord.com/api/oauth2/token"
	discordUserURL   = "https://discord.com/api/users/@me"
	discordAvatarURL = "https://cdn.discordapp.com/avatars/"
)

// setupDiscord configures the plain OAuth2 Discord kind.
func (p *provider) setupDiscord(cfg Config) error {
	if cfg.Issuer != "" {
		return errors.New("issuer is not used by discord")
	}
	p.preset(cfg, "Discord", discordAuthURL, discordTokenURL, []string{"identify", "email"})
	p.oauth.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	userURL := override(cfg.UserURL, discordUserURL)
	p.fetch = func(ctx context.Context, tok *oauth2.Token) (core.OAuthUser, error) {
		return p.fetchDiscord(ctx, tok.AccessToken, userURL)
	}
	return nil
}

// fetchDiscord reads GET /users/@me. Discord ids are snowflake strings;
// "verified" is the email's verification flag.
func (p *provider) fetchDiscord(ctx context.Context, accessToken, userURL string) (core.OAuthUser, error) {
	body, err := getJSON(ctx, p.client, userURL, accessToken)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("get user: %w", err)
	}
	raw, err := decodeObject(body)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("decode user: %w", err)
	}
	id := str(raw, "id")
	if id == "" {
		return core.OAuthUser{}, errors.New("user has no id")
	}
	user := core.OAuthUser{
		ID:       id,
		Username: str(raw, "username"),
		Name:     str(raw, "global_name"),
		Email:    str(raw, "email"),
		Raw:      raw,
	}
	if user.Name == "" {
		user.Name = user.Username
	}
	if user.Email != "" {
		user.EmailVerified = boolClaim(raw, "verified")
	}
	if hash := str(raw, "avatar"); hash != "" {
		user.AvatarURL = discordAvatarURL + url.PathEscape(id) + "/" + url.PathEscape(hash) + ".png"
	}
	return user, nil
}
