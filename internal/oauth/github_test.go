package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatehouse/gatehouse/internal/core"
)

// fakeGitHub emulates GitHub's token endpoint (form-encoded answers, errors
// with status 200), GET /user and GET /user/emails. Codes are user keys.
type fakeGitHub struct {
	users    map[string]string // code -> /user JSON
	emails   map[string]string // code -> /user/emails JSON; absent: 404
	verifier string            // the PKCE verifier every exchange must send
}

func (g fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer tok-")
	switch r.URL.Path {
	case "/login/oauth/access_token":
		_ = r.ParseForm()
		f := r.PostForm
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		if _, ok := g.users[f.Get("code")]; !ok || f.Get("client_id") != testClientID || f.Get("client_secret") != testSecret ||
			f.Get("code_verifier") != g.verifier || f.Get("redirect_uri") != testRedirect {
			// A careless provider echoing the request, secret included.
			w.Write([]byte(url.Values{"error": {"bad_verification_code"}, "error_description": {"bad request: " + f.Encode()}}.Encode()))
			return
		}
		w.Write([]byte(url.Values{"access_token": {"tok-" + f.Get("code")}, "token_type": {"bearer"}, "scope": {"read:user,user:email"}}.Encode()))
	case "/user":
		body, ok := g.users[code]
		if !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	case "/user/emails":
		body, ok := g.emails[code]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	default:
		http.NotFound(w, r)
	}
}

func TestGitHubExchange(t *testing.T) {
	t.Parallel()
	verifier, _ := pkcePair(t)
	const octo = `{"id":1,"login":"octo","name":"Octo Cat","email":"octo@example.com","avatar_url":"https://avatars.example/1"}`
	gh := fakeGitHub{
		verifier: verifier,
		users: map[string]string{
			"public":     octo,
			"private":    `{"id":123456789012,"login":"hidden","name":null,"email":null,"avatar_url":""}`,
			"unverified": `{"id":3,"login":"new","email":null}`,
			"replaced":   `{"id":4,"login":"pub","email":"pub@example.com"}`,
			"refused":    `{"id":5,"login":"noscope","email":"pub@example.com"}`,
			"noid":       `{"login":"ghost"}`,
		},
		emails: map[string]string{
			"public": `[{"email":"octo@example.com","primary":true,"verified":true,"visibility":"public"}]`,
			"private": `[{"email":"old@example.com","primary":false,"verified":true},
			            {"email":"main@example.com","primary":true,"verified":true,"visibility":"private"}]`,
			"unverified": `[{"email":"p@example.com","primary":true,"verified":false}]`,
			"replaced": `[{"email":"pub@example.com","primary":false,"verified":false},
			             {"email":"prim@example.com","primary":true,"verified":true}]`,
			"noid": `[]`,
		},
	}
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	p := mustNew(t, "github", Config{ClientID: testClientID, ClientSecret: testSecret,
		AuthURL: srv.URL + "/login/oauth/authorize", TokenURL: srv.URL + "/login/oauth/access_token", UserURL: srv.URL + "/user"})

	tests := []struct {
		code    string
		want    core.OAuthUser
		wantErr error
	}{
		{"public", core.OAuthUser{ID: "1", Username: "octo", Name: "Octo Cat", Email: "octo@example.com",
			EmailVerified: true, AvatarURL: "https://avatars.example/1"}, nil},
		{"private", core.OAuthUser{ID: "123456789012", Username: "hidden", Email: "main@example.com", EmailVerified: true}, nil},
		{"unverified", core.OAuthUser{ID: "3", Username: "new"}, nil},
		{"replaced", core.OAuthUser{ID: "4", Username: "pub", Email: "prim@example.com", EmailVerified: true}, nil},
		{"refused", core.OAuthUser{ID: "5", Username: "noscope", Email: "pub@example.com"}, nil},
		{"noid", core.OAuthUser{}, core.ErrOAuthUser},
		{"wrong-code", core.OAuthUser{}, core.ErrOAuthToken},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			got, err := p.Exchange(context.Background(), tt.code, verifier, testRedirect)
			if tt.wantErr != nil {
				wantErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			opts := cmpopts.IgnoreFields(core.OAuthUser{}, "AccessToken", "Raw")
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if got.AccessToken != "tok-"+tt.code || got.Raw["login"] != tt.want.Username {
				t.Errorf("AccessToken = %q, Raw = %v", got.AccessToken, got.Raw)
			}
		})
	}

	t.Run("token error names the code, not the secret", func(t *testing.T) {
		t.Parallel()
		_, err := p.Exchange(context.Background(), "public", "wrong-verifier", testRedirect)
		wantErr(t, err, core.ErrOAuthToken)
		if !strings.Contains(err.Error(), "bad_verification_code") {
			t.Errorf("error %q does not name bad_verification_code", err)
		}
	})
}

// TestGitHubRedactsEncodedSecret: a secret echoed form-encoded is redacted
// as well.
func TestGitHubRedactsEncodedSecret(t *testing.T) {
	t.Parallel()
	const secret = "pa ss/w+rd&=secret"
	srv := httptest.NewServer(fakeGitHub{users: map[string]string{}})
	t.Cleanup(srv.Close)
	p := mustNew(t, "github", Config{ClientID: testClientID, ClientSecret: secret, TokenURL: srv.URL + "/login/oauth/access_token"})
	_, err := p.Exchange(context.Background(), "any", "v", testRedirect)
	if !errors.Is(err, core.ErrOAuthToken) {
		t.Fatalf("error = %v, want ErrOAuthToken", err)
	}
	if msg := err.Error(); strings.Contains(msg, secret) || strings.Contains(msg, url.QueryEscape(secret)) || !strings.Contains(msg, redacted) {
		t.Errorf("error %q shows the secret or does not mark it redacted", msg)
	}
}
