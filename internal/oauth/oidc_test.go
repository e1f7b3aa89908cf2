package oauth

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/gatehouse/gatehouse/internal/core"
)

// runMock starts an in-process mockoidc server with our client
// credentials, set before it serves so no request races the setup.
func runMock(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	m.ClientID, m.ClientSecret = testClientID, testSecret
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// mockProvider is a generic OIDC provider for the mock server.
func mockProvider(t *testing.T, m *mockoidc.MockOIDC) core.OAuthProvider {
	t.Helper()
	return mustNew(t, "oidc", Config{Issuer: m.Issuer(), ClientID: testClientID, ClientSecret: testSecret})
}

// authorize drives the authorization endpoint the way a browser would and
// returns the code from the redirect, without following it.
func authorize(t *testing.T, p core.OAuthProvider, state, challenge string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(p.AuthURL(state, challenge) + url.QueryEscape(testRedirect))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("redirect state = %q, want %q", got, state)
	}
	return loc.Query().Get("code")
}

// mockUser is a mockoidc user with the profile claims MockUser lacks.
type mockUser struct {
	sub, email, name, picture, username string
	verified                            bool
}

func (u mockUser) ID() string { return u.sub }

// Userinfo answers without "sub" (as mockoidc does) and with an extra
// claim, to show the merge.
func (u mockUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]any{"preferred_username": u.username, "locale": "en-GB"})
}

func (u mockUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &mockUserClaims{IDTokenClaims: base, Email: u.email, EmailVerified: u.verified, Name: u.name, Picture: u.picture}, nil
}

// mockUserClaims are the ID-token claims of a mockUser.
type mockUserClaims struct {
	*mockoidc.IDTokenClaims
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name,omitempty"`
	Picture       string `json:"picture,omitempty"`
}

func TestOIDCExchangeWithPKCE(t *testing.T) {
	t.Parallel()
	m := runMock(t)
	p := mockProvider(t, m)
	m.QueueUser(mockUser{sub: "sub-42", email: "ada@example.com", verified: true, name: "Ada Lovelace",
		picture: "https://img.example/ada.png", username: "ada"})

	verifier, challenge := pkcePair(t)
	code := authorize(t, p, "state-1", challenge)
	got, err := p.Exchange(context.Background(), code, verifier, testRedirect)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	want := core.OAuthUser{ID: "sub-42", Email: "ada@example.com", EmailVerified: true, Name: "Ada Lovelace",
		Username: "ada", AvatarURL: "https://img.example/ada.png"}
	opts := cmpopts.IgnoreFields(core.OAuthUser{}, "AccessToken", "RefreshToken", "Expiry", "Raw")
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
	if got.AccessToken == "" || got.RefreshToken == "" || !got.Expiry.After(time.Now()) {
		t.Errorf("tokens = %q, %q, expiry %v; want both set and a future expiry", got.AccessToken, got.RefreshToken, got.Expiry)
	}
	// Raw holds the verified ID-token claims merged with userinfo.
	if got.Raw["iss"] != m.Issuer() || got.Raw["locale"] != "en-GB" || got.Raw["sub"] != "sub-42" {
		t.Errorf("Raw = %v, want iss, sub and the userinfo locale", got.Raw)
	}
}

func TestOIDCExchangeTokenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// wantCode is the provider's OAuth error code the message carries.
		wantCode string
		// exchange runs against a freshly authorized code and challenge.
		exchange func(p core.OAuthProvider, code, verifier string) error
	}{
		{"wrong verifier", "invalid_grant", func(p core.OAuthProvider, code, _ string) error {
			other, _ := pkcePair(t)
			_, err := p.Exchange(context.Background(), code, other, testRedirect)
			return err
		}},
		{"missing verifier", "invalid_grant", func(p core.OAuthProvider, code, _ string) error {
			_, err := p.Exchange(context.Background(), code, "", testRedirect)
			return err
		}},
		{"unknown code", "invalid_grant", func(p core.OAuthProvider, _, verifier string) error {
			_, err := p.Exchange(context.Background(), "not-a-code", verifier, testRedirect)
			return err
		}},
		{"empty code", "", func(p core.OAuthProvider, _, verifier string) error {
			_, err := p.Exchange(context.Background(), "", verifier, testRedirect)
			return err
		}},
		{"code used twice", "invalid_grant", func(p core.OAuthProvider, code, verifier string) error {
			if _, err := p.Exchange(context.Background(), code, verifier, testRedirect); err != nil {
				t.Errorf("first exchange: %v", err)
			}
			_, err := p.Exchange(context.Background(), code, verifier, testRedirect)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := runMock(t)
			p := mockProvider(t, m)
			verifier, challenge := pkcePair(t)
			code := authorize(t, p, "state-x", challenge)
			err := tt.exchange(p, code, verifier)
			wantErr(t, err, core.ErrOAuthToken)
			if !strings.Contains(err.Error(), tt.wantCode) {
				t.Errorf("error %q does not name the provider's code %q", err, tt.wantCode)
			}
		})
	}
}

func TestOIDCEmailMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		user mockUser
		want core.OAuthUser
	}{
		{"verified email", mockUser{sub: "a", email: "a@example.com", verified: true, name: "A"},
			core.OAuthUser{ID: "a", Email: "a@example.com", EmailVerified: true, Name: "A"}},
		{"unverified email", mockUser{sub: "b", email: "b@example.com", name: "B", username: "bee"},
			core.OAuthUser{ID: "b", Email: "b@example.com", Name: "B", Username: "bee"}},
		{"verified flag without email", mockUser{sub: "c", verified: true},
			core.OAuthUser{ID: "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := runMock(t)
			p := mockProvider(t, m)
			m.QueueUser(tt.user)
			verifier, challenge := pkcePair(t)
			got, err := p.Exchange(context.Background(), authorize(t, p, "s", challenge), verifier, testRedirect)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			opts := cmpopts.IgnoreFields(core.OAuthUser{}, "AccessToken", "RefreshToken", "Expiry", "Raw")
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewDiscoveryFailure(t *testing.T) {
	t.Parallel()
	m := runMock(t)
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name   string
		issuer string
	}{
		{"no discovery document", notFound.URL},
		{"issuer mismatch", m.Issuer() + "/"},
		{"unreachable", closed.URL},
		{"missing issuer", ""},
		{"not a URL", "accounts.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(context.Background(), "oidc", Config{Issuer: tt.issuer, ClientID: testClientID, ClientSecret: testSecret})
			if err == nil {
				t.Fatal("New succeeded, want a discovery error")
			}
		})
	}
}
