package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// errBodyTooLarge reports a response past MaxBodyBytes.
var errBodyTooLarge = fmt.Errorf("response body exceeds %d bytes", MaxBodyBytes)

// newHTTPClient copies base (or a fresh client) with a body-capping
// transport and a per-call timeout. go-oidc reads bodies with io.ReadAll
// and fetches signing keys on a context it never cancels, so the cap and
// the timeout have to live in the client itself.
func newHTTPClient(base *http.Client, timeout time.Duration) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = cappedTransport{base: rt}
	if c.Timeout == 0 || c.Timeout > timeout {
		c.Timeout = timeout
	}
	return c
}

// cappedTransport makes every response body fail once it passes
// MaxBodyBytes, instead of silently truncating it.
type cappedTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: MaxBodyBytes}
	return resp, nil
}

// cappedBody is a response body that errors after MaxBodyBytes.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Allow a clean EOF exactly at the cap; anything more is too much.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// statusError is a non-2xx answer from a provider's user API.
type statusError struct{ code int }

func (e statusError) Error() string {
	return fmt.Sprintf("unexpected status %d %s", e.code, http.StatusText(e.code))
}

// getJSON GETs url with the access token as a bearer token and returns the
// body, which must be a JSON document.
func getJSON(ctx context.Context, client *http.Client, url, accessToken string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	// GitHub rejects API requests without a User-Agent.
	req.Header.Set("User-Agent", "gatehouse")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError{code: resp.StatusCode}
	}
	if !json.Valid(body) {
		return nil, errors.New("response is not JSON")
	}
	return body, nil
}

// decodeObject decodes a JSON object keeping numbers as json.Number, so
// large ids survive exactly (Raw is the document "as received").
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("response is not a JSON object")
	}
	return m, nil
}

// str returns m[key] as a string ("" when absent or not a string).
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// boolClaim reads a boolean claim; some providers send "true" as a string.
func boolClaim(m map[string]any, key string) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}
