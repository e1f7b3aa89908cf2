package oauth

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestOIDCIDTokenChecks runs the generic kind against a fake issuer whose
// ID tokens and userinfo each break one rule.
func TestOIDCIDTokenChecks(t *testing.T) {
	t.Parallel()
	key, otherKey := rsaKey(t), rsaKey(t)
	tests := []struct {
		name    string
		setup   func(f *fakeIssuer)
		timeout time.Duration
		wantErr error  // nil: success
		why     string // what the error message must say
	}{
		{"valid", func(f *fakeIssuer) {}, 0, nil, ""},
		{"signed by another key", func(f *fakeIssuer) { f.signer = otherKey }, 0, core.ErrOAuthUser, "signature"},
		{"another audience", func(f *fakeIssuer) { f.claims["aud"] = "someone-else" }, 0, core.ErrOAuthUser, "audience"},
		{"another issuer", func(f *fakeIssuer) { f.claims["iss"] = "https://evil.example" }, 0, core.ErrOAuthUser, "different provider"},
		{"expired", func(f *fakeIssuer) { f.claims["exp"] = time.Now().Add(-time.Hour).Unix() }, 0, core.ErrOAuthUser, "expired"},
		{"unsigned", func(f *fakeIssuer) {
			f.tokenHook = func(w http.ResponseWriter, r *http.Request) bool {
				tok, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
					"iss": f.srv.URL, "aud": testClientID, "sub": "x", "exp": time.Now().Add(time.Hour).Unix(),
				}).SignedString(jwt.UnsafeAllowNoneSignatureType)
				writeJSON(w, http.StatusOK, map[string]any{"access_token": "at-1", "token_type": "Bearer", "id_token": tok})
				return true
			}
		}, 0, core.ErrOAuthUser, "signature algorithm"},
		{"no id token", func(f *fakeIssuer) {
			f.tokenHook = func(w http.ResponseWriter, r *http.Request) bool {
				writeJSON(w, http.StatusOK, map[string]any{"access_token": "at-1", "token_type": "Bearer"})
				return true
			}
		}, 0, core.ErrOAuthUser, "no id_token"},
		{"userinfo for another subject", func(f *fakeIssuer) {
			f.userinfo = map[string]any{"sub": "user-2", "email": "x@example.com"}
		}, 0, core.ErrOAuthUser, "subject does not match"},
		{"userinfo body over the cap", func(f *fakeIssuer) {
			f.userinfo = map[string]any{"sub": "user-1", "blob": strings.Repeat("x", MaxBodyBytes)}
		}, 0, core.ErrOAuthUser, "exceeds"},
		{"token endpoint too slow", func(f *fakeIssuer) {
			f.tokenHook = func(w http.ResponseWriter, r *http.Request) bool {
				// Reading the body lets the server notice the client
				// hanging up; the test's end releases it otherwise.
				_ = r.ParseForm()
				select {
				case <-r.Context().Done():
				case <-f.done:
				}
				return true
			}
		}, 200 * time.Millisecond, core.ErrOAuthToken, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t, key)
			f.set(tt.setup)
			p := mustNew(t, "oidc", Config{Issuer: f.srv.URL, ClientID: testClientID, ClientSecret: testSecret, Timeout: tt.timeout})
			start := time.Now()
			user, err := p.Exchange(context.Background(), "good-code", "verifier", testRedirect)
			if tt.wantErr == nil {
				if err != nil || user.ID != "user-1" {
					t.Fatalf("Exchange = %+v, %v; want user-1", user, err)
				}
				return
			}
			wantErr(t, err, tt.wantErr)
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("error %q does not say %q", err, tt.why)
			}
			if tt.timeout > 0 && time.Since(start) > 5*time.Second {
				t.Errorf("exchange took %v despite a %v timeout", time.Since(start), tt.timeout)
			}
		})
	}
}

// TestOIDCUserInfoMerge shows which side wins when the ID token and the
// userinfo document disagree.
func TestOIDCUserInfoMerge(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	tests := []struct {
		name     string
		claims   jwt.MapClaims
		userinfo map[string]any
		want     core.OAuthUser
	}{
		{"userinfo adds profile claims",
			jwt.MapClaims{"sub": "user-1", "email": "a@example.com", "email_verified": true},
			map[string]any{"sub": "user-1", "name": "Ann", "picture": "https://img/a.png", "nickname": "annie"},
			core.OAuthUser{ID: "user-1", Email: "a@example.com", EmailVerified: true, Name: "Ann", Username: "annie", AvatarURL: "https://img/a.png"}},
		{"another email does not inherit the verified flag",
			jwt.MapClaims{"sub": "user-1", "email": "a@example.com", "email_verified": true},
			map[string]any{"email": "b@example.com"},
			core.OAuthUser{ID: "user-1", Email: "b@example.com"}},
		{"string verified flag and split name",
			jwt.MapClaims{"sub": "user-1", "email": "a@example.com", "email_verified": "true", "given_name": "Ann", "family_name": "Lee"},
			map[string]any{},
			core.OAuthUser{ID: "user-1", Email: "a@example.com", EmailVerified: true, Name: "Ann Lee"}},
		{"userinfo cannot replace signed claims",
			jwt.MapClaims{"sub": "user-1"},
			map[string]any{"iss": "https://evil.example", "aud": "x"},
			core.OAuthUser{ID: "user-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t, key)
			f.set(func(f *fakeIssuer) { f.claims, f.userinfo = tt.claims, tt.userinfo })
			p := mustNew(t, "oidc", Config{Issuer: f.srv.URL, ClientID: testClientID, ClientSecret: testSecret})
			got, err := p.Exchange(context.Background(), "good-code", "v", testRedirect)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			opts := cmpopts.IgnoreFields(core.OAuthUser{}, "AccessToken", "RefreshToken", "Expiry", "Raw")
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if got.Raw["iss"] != f.srv.URL {
				t.Errorf("Raw iss = %v, want the verified %v", got.Raw["iss"], f.srv.URL)
			}
			if got.AccessToken != "at-1" || got.RefreshToken != "rt-1" || got.Expiry.Before(time.Now().Add(50*time.Minute)) {
				t.Errorf("tokens = %q %q %v, want at-1 rt-1 and an hour's expiry", got.AccessToken, got.RefreshToken, got.Expiry)
			}
		})
	}
}
