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

// protectedClaim reports the ID-token claims the userinfo document may not
// replace: they are what the signature vouched for.
func protectedClaim(k string) bool {
	switch k {
	case "iss", "sub", "aud", "exp", "iat", "nbf", "azp", "nonce", "at_hash", "c_hash", "auth_time", "tid":
		return true
	}
	return false
}

// fetchOIDC verifies the ID token and builds the user from its claims,
// merged with the userinfo document when the provider has one.
func (p *provider) fetchOIDC(ctx context.Context, tok *oauth2.Token, v oidcVerifier, userInfoURL string) (core.OAuthUser, error) {
	rawIDToken, _ := tok.Extra("id_token").(string)
	if rawIDToken == "" {
		return core.OAuthUser{}, errors.New("token response has no id_token")
	}
	idt, err := v.verifier.Verify(ctx, rawIDToken)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("verify id token: %v", err)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return core.OAuthUser{}, fmt.Errorf("verify id token: %v", err)
		}
	}
	var rawClaims json.RawMessage
	if err := idt.Claims(&rawClaims); err != nil {
		return core.OAuthUser{}, fmt.Errorf("id token claims: %v", err)
	}
	claims, err := decodeObject(rawClaims)
	if err != nil {
		return core.OAuthUser{}, fmt.Errorf("id token claims: %v", err)
	}
	if v.issuerTemplate != "" {
		if err := checkTenantIssuer(v.issuerTemplate, idt, claims); err != nil {
			return core.OAuthUser{}, err
		}
	}
	if idt.Subject == "" {
		return core.OAuthUser{}, errors.New("id token has no subject")
	}

	if userInfoURL != "" {
		body, err := getJSON(ctx, p.client, userInfoURL, tok.AccessToken)
		if err != nil {
			return core.OAuthUser{}, fmt.Errorf("get userinfo: %w", err)
		}
		info, err := decodeObject(body)
		if err != nil {
			return core.OAuthUser{}, fmt.Errorf("decode userinfo: %w", err)
		}
		if err := mergeUserInfo(claims, info, idt.Subject); err != nil {
			return core.OAuthUser{}, err
		}
	}
	return userFromClaims(idt.Subject, claims), nil
}

// mergeUserInfo overlays the userinfo document on the ID-token claims.
// OpenID Connect Core 5.3.2: the userinfo subject must be the token's.
func mergeUserInfo(claims, info map[string]any, subject string) error {
	if sub, ok := info["sub"]; ok && sub != subject {
		return errors.New("userinfo subject does not match the id token")
	}
	// A different email without its own verification flag must not
	// inherit the ID token's.
	if email, ok := info["email"].(string); ok && email != str(claims, "email") {
		if _, ok := info["email_verified"]; !ok {
			delete(claims, "email_verified")
		}
	}
	for k, val := range info {
		if !protectedClaim(k) {
			claims[k] = val
		}
	}
	return nil
}

// userFromClaims maps standard OpenID Connect claims to an OAuthUser.
func userFromClaims(subject string, claims map[string]any) core.OAuthUser {
	u := core.OAuthUser{
		ID:        subject,
		Email:     str(claims, "email"),
		Name:      str(claims, "name"),
		Username:  str(claims, "preferred_username"),
		AvatarURL: str(claims, "picture"),
		Raw:       claims,
	}
	u.EmailVerified = u.Email != "" && boolClaim(claims, "email_verified")
	if u.Name == "" {
		u.Name = strings.TrimSpace(str(claims, "given_name") + " " + str(claims, "family_name"))
	}
	if u.Username == "" {
		u.Username = str(claims, "nickname") // GitLab
	}
	return u
}
