package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestDiscordExchange(t *testing.T) {
	t.Parallel()
	verifier, _ := pkcePair(t)
	users := map[string]string{
		"full": `{"id":"80351110224678912","username":"nelly","global_name":"Nelly","avatar":"8342729096ea3675442027381ff50dfe",
			"email":"nelly@example.com","verified":true}`,
		"bare": `{"id":"42","username":"plain","global_name":null,"avatar":null,"email":"plain@example.com","verified":false}`,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f := r.PostForm
		if _, ok := users[f.Get("code")]; !ok || f.Get("code_verifier") != verifier || f.Get("client_secret") != testSecret {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": `Invalid "code" in request.`})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "tok-" + f.Get("code"), "token_type": "Bearer",
			"expires_in": 604800, "refresh_token": "rt", "scope": "identify email"})
	})
	mux.HandleFunc("GET /api/users/@me", func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		for code, body := range users {
			if auth == "Bearer tok-"+code {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(body))
				return
			}
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := mustNew(t, "discord", Config{ClientID: testClientID, ClientSecret: testSecret,
		AuthURL: srv.URL + "/oauth2/authorize", TokenURL: srv.URL + "/api/oauth2/token", UserURL: srv.URL + "/api/users/@me"})

	tests := []struct {
		code    string
		want    core.OAuthUser
		wantErr error
	}{
		{"full", core.OAuthUser{ID: "80351110224678912", Username: "nelly", Name: "Nelly", Email: "nelly@example.com", EmailVerified: true,
			AvatarURL: "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png", RefreshToken: "rt"}, nil},
		{"bare", core.OAuthUser{ID: "42", Username: "plain", Name: "plain", Email: "plain@example.com", RefreshToken: "rt"}, nil},
		{"bad", core.OAuthUser{}, core.ErrOAuthToken},
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
			opts := cmpopts.IgnoreFields(core.OAuthUser{}, "AccessToken", "Expiry", "Raw")
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if got.Raw["id"] != tt.want.ID || got.Expiry.IsZero() {
				t.Errorf("Raw id = %v, Expiry = %v; want the id and an expiry", got.Raw["id"], got.Expiry)
			}
		})
	}
}
