package oauth

import (
	"context"
	"crypto/rsa"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestMicrosoftIssuer(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                             "https://login.microsoftonline.com/common/v2.0",
		"organizations":                "https://login.microsoftonline.com/organizations/v2.0",
		"contoso.onmicrosoft.com":      "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0",
		"https://login.example/t/v2.0": "https://login.example/t/v2.0",
	}
	for in, want := range tests {
		if got := microsoftIssuer(in); got != want {
			t.Errorf("microsoftIssuer(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMicrosoftMultiTenant: the "common" discovery document names the
// issuer "{tenantid}"; each token's issuer must then match its own tid,
// and signature and audience are still checked.
func TestMicrosoftMultiTenant(t *testing.T) {
	t.Parallel()
	key, otherKey := rsaKey(t), rsaKey(t)
	tests := []struct {
		name    string
		claims  func(base string) jwt.MapClaims
		signer  *rsa.PrivateKey
		wantErr error
	}{
		{"issuer of the token's tenant", func(base string) jwt.MapClaims {
			return jwt.MapClaims{"sub": "user-1", "iss": base + "/tid-1/v2.0", "tid": "tid-1"}
		}, key, nil},
		{"issuer of another tenant", func(base string) jwt.MapClaims {
			return jwt.MapClaims{"sub": "user-1", "iss": base + "/tid-2/v2.0", "tid": "tid-1"}
		}, key, core.ErrOAuthUser},
		{"no tenant id", func(base string) jwt.MapClaims {
			return jwt.MapClaims{"sub": "user-1", "iss": base + "/tid-1/v2.0"}
		}, key, core.ErrOAuthUser},
		{"another audience", func(base string) jwt.MapClaims {
			return jwt.MapClaims{"sub": "user-1", "iss": base + "/tid-1/v2.0", "tid": "tid-1", "aud": "other-app"}
		}, key, core.ErrOAuthUser},
		{"another key", func(base string) jwt.MapClaims {
			return jwt.MapClaims{"sub": "user-1", "iss": base + "/tid-1/v2.0", "tid": "tid-1"}
		}, otherKey, core.ErrOAuthUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t, key)
			f.set(func(f *fakeIssuer) {
				f.issuer = f.srv.URL + "/{tenantid}/v2.0"
				f.claims = tt.claims(f.srv.URL)
				f.signer = tt.signer
			})
			p := mustNew(t, "microsoft", Config{Issuer: f.srv.URL + "/common/v2.0", ClientID: testClientID, ClientSecret: testSecret})
			if p.DisplayName() != "Microsoft" || p.Name() != "microsoft" {
				t.Errorf("name = %q/%q, want microsoft/Microsoft", p.Name(), p.DisplayName())
			}
			user, err := p.Exchange(context.Background(), "good-code", "v", testRedirect)
			if tt.wantErr == nil {
				if err != nil || user.ID != "user-1" {
					t.Fatalf("Exchange = %+v, %v; want user-1", user, err)
				}
				return
			}
			wantErr(t, err, tt.wantErr)
		})
	}
}

func TestMicrosoftIssuerOnAnotherHost(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t, rsaKey(t))
	f.set(func(f *fakeIssuer) { f.issuer = "https://evil.example/{tenantid}/v2.0" })
	_, err := New(context.Background(), "microsoft", Config{Issuer: f.srv.URL + "/common/v2.0", ClientID: testClientID})
	if err == nil {
		t.Fatal("New accepted a discovered issuer on another host")
	}
}
