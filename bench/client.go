package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// api speaks the PocketBase surface of the server under test.
type api struct {
	base string
	hc   *http.Client
}

// newAPI returns a client with its own connection pool, sized so that
// up to maxConns concurrent requests reuse kept-alive connections rather
// than opening and closing one per request (which would measure the
// kernel's TCP setup, and exhaust ephemeral ports at high rates).
func newAPI(base string, maxConns int) *api {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &api{base: base, hc: &http.Client{Transport: tr, Timeout: 15 * time.Second}}
}

// close drops the client's idle connections.
func (a *api) close() { a.hc.CloseIdleConnections() }

// user is one seeded account and its access token.
type user struct {
	id, email, password, token string
}

// do sends req, drains and closes the body (so the connection goes back
// to the pool) and returns the status; into, when not nil, receives the
// decoded JSON body of a 200 answer.
func (a *api) do(req *http.Request, into any) (int, error) {
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if into != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", req.URL.Path, err)
		}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func (a *api) postJSON(ctx context.Context, path string, body any) (*http.Request, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// login sends auth-with-password and returns the status and, on 200, the
// access token.
func (a *api) login(ctx context.Context, identity, password string) (int, string, error) {
	status, token, _, err := a.loginRecord(ctx, identity, password)
	return status, token, err
}

// loginRecord is login that also returns the user's record id.
func (a *api) loginRecord(ctx context.Context, identity, password string) (status int, token, id string, err error) {
	req, err := a.postJSON(ctx, "/api/collections/users/auth-with-password",
		map[string]string{"identity": identity, "password": password})
	if err != nil {
		return 0, "", "", err
	}
	var out authAnswer
	status, err = a.do(req, &out)
	return status, out.Token, out.Record.ID, err
}

// authAnswer is the part of PocketBase's auth answer the bench reads.
type authAnswer struct {
	Token  string `json:"token"`
	Record struct {
		ID string `json:"id"`
	} `json:"record"`
}

// authRefresh sends auth-refresh with token and returns the status and,
// on 200, the new token.
func (a *api) authRefresh(ctx context.Context, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/api/collections/users/auth-refresh", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", token)
	return a.doExtract(req, `"token":`)
}

// get sends a plain GET (the bare handler's load).
func (a *api) get(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return 0, err
	}
	return a.do(req, nil)
}

// readOwnRecord fetches u's own record with u's token: the token check
// (signature, expiry, session still active) plus one record lookup, the
// request every app makes on every page.
func (a *api) readOwnRecord(ctx context.Context, u user) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/collections/users/records/"+u.id, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", u.token)
	return a.do(req, nil)
}
