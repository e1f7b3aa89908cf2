package oauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse/gatehouse/internal/core"
)

const (
	testClientID = "client-123"
	testSecret   = "s3cr3t-value-never-shown"
	testRedirect = "https://app.example/api/oauth2-redirect"
)

// pkcePair returns a fresh PKCE verifier and its S256 challenge, computed
// here independently of the code under test.
func pkcePair(t *testing.T) (verifier, challenge string) {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// mustNew builds a provider or fails the test.
func mustNew(t *testing.T, kind string, cfg Config) core.OAuthProvider {
	t.Helper()
	p, err := New(context.Background(), kind, cfg)
	if err != nil {
		t.Fatalf("New(%q): %v", kind, err)
	}
	return p
}

// wantErr fails unless err wraps want and hides the test secret.
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want it to wrap %v", err, want)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Fatalf("error leaks the client secret: %v", err)
	}
}

// rsaKey generates a signing key for a fake issuer.
func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fakeIssuer is a minimal OpenID Connect provider whose every answer a
// test controls: the discovered issuer, the key it publishes, the key it
// signs with and the ID-token claims. Discovery is served under any path
// prefix, so Microsoft-style issuers ("/common/v2.0") work.
type fakeIssuer struct {
	srv  *httptest.Server
	done chan struct{} // closed when the test ends, to release blocked handlers

	mu        sync.Mutex
	issuer    string // discovery "issuer"; default srv.URL
	published *rsa.PrivateKey
	signer    *rsa.PrivateKey
	claims    jwt.MapClaims  // ID-token claims; iss/aud/exp default
	userinfo  map[string]any // nil: no userinfo endpoint
	tokenHook func(w http.ResponseWriter, r *http.Request) bool
}

// newFakeIssuer starts a fake issuer signing with (and publishing) key.
func newFakeIssuer(t *testing.T, key *rsa.PrivateKey) *fakeIssuer {
	t.Helper()
	f := &fakeIssuer{published: key, signer: key, claims: jwt.MapClaims{"sub": "user-1"}}
	f.done = make(chan struct{})
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.done) }) // runs first: cleanups are LIFO
	f.issuer = f.srv.URL
	return f
}

// set changes the fake under its lock.
func (f *fakeIssuer) set(fn func(f *fakeIssuer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeIssuer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hook := f.tokenHook
	f.mu.Unlock()
	// A hook may block (timeout tests), so it runs without the lock.
	if r.URL.Path == "/token" && hook != nil && hook(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		doc := map[string]any{
			"issuer":                                f.issuer,
			"authorization_endpoint":                f.srv.URL + "/authorize",
			"token_endpoint":                        f.srv.URL + "/token",
			"jwks_uri":                              f.srv.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		}
		if f.userinfo != nil {
			doc["userinfo_endpoint"] = f.srv.URL + "/userinfo"
		}
		writeJSON(w, http.StatusOK, doc)
	case r.URL.Path == "/jwks":
		pub := f.published.PublicKey
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{map[string]any{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	case r.URL.Path == "/token":
		if err := r.ParseForm(); err != nil || r.PostForm.Get("code") != "good-code" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		claims := jwt.MapClaims{"iss": f.srv.URL, "aud": testClientID, "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
		for k, v := range f.claims {
			claims[k] = v
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
		tok.Header["kid"] = "k1"
		idToken, err := tok.SignedString(f.signer)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600,
			"refresh_token": "rt-1", "id_token": idToken,
		})
	case r.URL.Path == "/userinfo" && f.userinfo != nil:
		if r.Header.Get("Authorization") != "Bearer at-1" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
			return
		}
		writeJSON(w, http.StatusOK, f.userinfo)
	default:
		http.NotFound(w, r)
	}
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// parseAuthURL checks the PocketBase shape of an authorization URL (ends
// in an empty redirect_uri, which is the last parameter) and returns it
// parsed with the client's redirect appended.
func parseAuthURL(t *testing.T, raw string) (*url.URL, url.Values) {
	t.Helper()
	if !strings.HasSuffix(raw, "&redirect_uri=") {
		t.Fatalf("auth URL %q does not end in &redirect_uri=", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("auth URL %q: %v", raw, err)
	}
	pairs := strings.Split(u.RawQuery, "&")
	if last := pairs[len(pairs)-1]; last != "redirect_uri=" {
		t.Fatalf("last parameter = %q, want redirect_uri=", last)
	}
	return u, u.Query()
}
