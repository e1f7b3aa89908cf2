package main

import (
	"context"
	"net/http"
)

// The Directus surface's auth calls, in json mode: the refresh token
// travels in the body, as @directus/sdk sends it with `mode: "json"`.

// directusTokens is the data of a Directus login or refresh answer.
type directusTokens struct {
	Data struct {
		RefreshToken string `json:"refresh_token"`
	} `json:"data"`
}

// directusLogin logs in through POST /directus/auth/login and returns
// the status and, on 200, the refresh token.
func (a *api) directusLogin(ctx context.Context, email, password string) (int, string, error) {
	req, err := a.postJSON(ctx, "/directus/auth/login",
		map[string]string{"email": email, "password": password, "mode": "json"})
	if err != nil {
		return 0, "", err
	}
	var out directusTokens
	status, err := a.do(req, &out)
	return status, out.Data.RefreshToken, err
}

// directusRefresh rotates refresh through POST /directus/auth/refresh and
// returns the status and, on 200, its successor.
func (a *api) directusRefresh(ctx context.Context, refresh string) (int, string, error) {
	req, err := a.postJSON(ctx, "/directus/auth/refresh",
		map[string]string{"mode": "json", "refresh_token": refresh})
	if err != nil {
		return 0, "", err
	}
	status, next, err := a.doExtract(req, `"refresh_token":`)
	if err == nil && status == http.StatusOK && next == "" {
		err = errNoSuccessor // the chain cannot go on
	}
	return status, next, err
}
