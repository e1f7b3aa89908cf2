package main

import (
	"context"
	"net/http"
)

// The Payload surface's auth calls, as @payloadcms/sdk sends them with
// the token in `Authorization: JWT <token>` (the SDK handles no token
// itself: the app passes the header). The surface is mounted at
// /payload with the default slug, users.

// payloadBase is where the Payload surface's REST API for the default
// slug lives.
const payloadBase = "/payload/api/users"

// payloadLogin logs in through POST /payload/api/users/login and returns
// the status and, on 200, the token.
func (a *api) payloadLogin(ctx context.Context, email, password string) (int, string, error) {
	req, err := a.postJSON(ctx, payloadBase+"/login", map[string]string{"email": email, "password": password})
	if err != nil {
		return 0, "", err
	}
	return a.doExtract(req, `"token":`)
}

// payloadMe sends GET /payload/api/users/me with token.
func (a *api) payloadMe(ctx context.Context, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+payloadBase+"/me", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "JWT "+token)
	return a.do(req, nil)
}

// payloadRefresh sends POST /payload/api/users/refresh-token with token
// and returns the status and, on 200, the refreshed token.
func (a *api) payloadRefresh(ctx context.Context, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+payloadBase+"/refresh-token", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "JWT "+token)
	status, next, err := a.doExtract(req, `"refreshedToken":`)
	if err == nil && status == http.StatusOK && next == "" {
		err = errNoSuccessor
	}
	return status, next, err
}
