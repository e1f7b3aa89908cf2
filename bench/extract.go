package main

import (
	"bytes"
	"io"
	"net/http"
)

// The refresh scenarios use each answer's new token, as an SDK does. The
// load generator shares the machine's CPUs with the server, so it finds
// the token with a byte search instead of decoding the whole answer with
// encoding/json (which cost it about a tenth of a refresh's CPU): the
// generator should spend as little as possible of what it measures.

// maxAnswer bounds the answers the load generator reads.
const maxAnswer = 64 << 10

// doExtract sends req and, for a 200 answer, returns the JSON string value
// that follows key (e.g. `"token":`) in the body; "" when absent.
func (a *api) doExtract(req *http.Request, key string) (int, string, error) {
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp.StatusCode, "", err
	}
	return resp.StatusCode, jsonStringAfter(body, key), nil
}

// jsonStringAfter returns the string value right after key in body, or
// "" when key is missing or its value is not a plain string. Tokens are
// base64url and dots, so a value with escapes is not one of them, and is
// not read.
func jsonStringAfter(body []byte, key string) string {
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(body[i+len(key):], " ")
	if len(rest) == 0 || rest[0] != '"' {
		return ""
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return ""
	}
	v := rest[1 : 1+end]
	if bytes.IndexByte(v, '\\') >= 0 {
		return ""
	}
	return string(v)
}
