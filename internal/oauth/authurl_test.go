package oauth

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestAuthURLShape(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t, rsaKey(t))
	ms := newFakeIssuer(t, rsaKey(t))
	ms.set(func(f *fakeIssuer) { f.issuer = f.srv.URL + "/{tenantid}/v2.0" })
	off := false
	tests := []struct {
		kind      string
		cfg       Config
		wantBase  string // scheme://host/path of the authorization endpoint
		wantScope string
		wantPKCE  bool
	}{
		{"oidc", Config{Issuer: f.srv.URL}, f.srv.URL + "/authorize", "openid email profile", true},
		{"google", Config{Issuer: f.srv.URL}, f.srv.URL + "/authorize", "openid email profile", true},
		{"gitlab", Config{Issuer: f.srv.URL, Scopes: []string{"read_user"}}, f.srv.URL + "/authorize", "openid read_user", true},
		{"microsoft", Config{Issuer: ms.srv.URL + "/common/v2.0"}, ms.srv.URL + "/authorize", "openid email profile", true},
		{"oidc", Config{Issuer: f.srv.URL, AuthURL: "https://login.example/auth?tenant=x", PKCE: &off},
			"https://login.example/auth", "openid email profile", false},
		{"github", Config{}, "https://github.com/login/oauth/authorize", "read:user user:email", true},
		{"discord", Config{}, "https://discord.com/oauth2/authorize", "identify email", true},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.ClientID, cfg.ClientSecret = testClientID, testSecret
			p := mustNew(t, tt.kind, cfg)
			if p.PKCE() != tt.wantPKCE {
				t.Errorf("PKCE() = %v, want %v", p.PKCE(), tt.wantPKCE)
			}
			u, q := parseAuthURL(t, p.AuthURL("st&ate", "chal-lenge"))
			if base := u.Scheme + "://" + u.Host + u.Path; base != tt.wantBase {
				t.Errorf("endpoint = %q, want %q", base, tt.wantBase)
			}
			want := map[string]string{
				"response_type": "code", "client_id": testClientID, "scope": tt.wantScope,
				"state": "st&ate", "redirect_uri": "",
			}
			if tt.wantPKCE {
				want["code_challenge"], want["code_challenge_method"] = "chal-lenge", "S256"
			}
			if tt.cfg.AuthURL != "" {
				want["tenant"] = "x" // the override's own query survives
			}
			got := map[string]string{}
			for k, v := range q {
				got[k] = strings.Join(v, ",")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if strings.Contains(p.AuthURL("s", "c"), testSecret) {
				t.Error("auth URL contains the client secret")
			}
		})
	}
}

func TestAuthURLWithoutChallenge(t *testing.T) {
	t.Parallel()
	p := mustNew(t, "github", Config{ClientID: testClientID})
	_, q := parseAuthURL(t, p.AuthURL("s", ""))
	if q.Has("code_challenge") || q.Has("code_challenge_method") {
		t.Errorf("query %v carries a PKCE challenge without one given", q)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind string
		cfg  Config
	}{
		{"unknown kind", "myspace", Config{ClientID: testClientID}},
		{"missing client id", "github", Config{}},
		{"negative timeout", "github", Config{ClientID: testClientID, Timeout: -1}},
		{"issuer for github", "github", Config{ClientID: testClientID, Issuer: "https://github.com"}},
		{"issuer for discord", "discord", Config{ClientID: testClientID, Issuer: "https://discord.com"}},
		{"relative token url", "discord", Config{ClientID: testClientID, TokenURL: "/token"}},
		{"non-http user url", "github", Config{ClientID: testClientID, UserURL: "ftp://x/user"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.ClientSecret = testSecret
			p, err := New(context.Background(), tt.kind, tt.cfg)
			if err == nil {
				t.Fatalf("New = %v, want an error", p)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestNamesDefaultAndOverride(t *testing.T) {
	t.Parallel()
	var p core.OAuthProvider = mustNew(t, "discord", Config{ClientID: testClientID})
	if p.Name() != "discord" || p.DisplayName() != "Discord" {
		t.Errorf("defaults = %q/%q, want discord/Discord", p.Name(), p.DisplayName())
	}
	p = mustNew(t, "github", Config{ClientID: testClientID, Name: "gh-enterprise", DisplayName: "Acme GitHub"})
	if p.Name() != "gh-enterprise" || p.DisplayName() != "Acme GitHub" {
		t.Errorf("overrides = %q/%q", p.Name(), p.DisplayName())
	}
}
