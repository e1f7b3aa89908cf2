package main

import (
	"context"
	"net/http"
)

// The Conduit surface's auth calls: the refresh token travels as
// `Authorization: Bearer`, as the seed's curl example sends it.

// conduitBase is where the Conduit surface's routes are by default.
const conduitBase = "/conduit/authentication"

// conduitLogin logs in through POST /conduit/authentication/local and
// returns the status and, on 200, the refresh token.
func (a *api) conduitLogin(ctx context.Context, email, password string) (int, string, error) {
	req, err := a.postJSON(ctx, conduitBase+"/local", map[string]string{"email": email, "password": password})
	if err != nil {
		return 0, "", err
	}
	var out struct {
		RefreshToken string `json:"refreshToken"`
	}
	status, err := a.do(req, &out)
	return status, out.RefreshToken, err
}

// conduitRenew rotates refresh through POST /conduit/authentication/renew
// and returns the status and, on 200, its successor.
func (a *api) conduitRenew(ctx context.Context, refresh string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+conduitBase+"/renew", http.NoBody)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+refresh)
	status, next, err := a.doExtract(req, `"refreshToken":`)
	if err == nil && status == http.StatusOK && next == "" {
		err = errNoSuccessor // the chain cannot go on
	}
	return status, next, err
}
