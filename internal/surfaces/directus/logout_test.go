package directus_test

import (
	"net/http"
	"testing"
)

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")

	t.Run("json", func(t *testing.T) {
		tk, _ := e.login(t, "ada@example.com", "json")
		r := e.post(t, "/auth/logout", `{"mode":"json","refresh_token":`+jsonString(tk.RefreshToken)+`}`)
		wantStatus(t, r, http.StatusNoContent)
		if len(r.cookies) != 0 {
			t.Errorf("json logout touched cookies: %v", r.header.Values("Set-Cookie"))
		}
		wantError(t, e.refreshJSON(t, tk.RefreshToken), "INVALID_CREDENTIALS", "")
		wantError(t, e.get(t, "/users/me", tk.AccessToken), "INVALID_CREDENTIALS", "")
	})
	t.Run("cookie", func(t *testing.T) {
		tk, login := e.login(t, "ada@example.com", "cookie")
		rt := login.cookies["directus_refresh_token"].Value
		r := e.do(t, request{method: http.MethodPost, path: "/auth/logout", body: `{"mode":"cookie"}`, cookies: map[string]string{"directus_refresh_token": rt}})
		wantStatus(t, r, http.StatusNoContent)
		wantCleared(t, r, "directus_refresh_token")
		if r.cookies["directus_session_token"] != nil {
			t.Error("logout cleared a cookie the request did not carry")
		}
		wantError(t, e.refreshJSON(t, rt), "INVALID_CREDENTIALS", "")
		wantError(t, e.get(t, "/users/me", tk.AccessToken), "INVALID_CREDENTIALS", "")
	})
	t.Run("session", func(t *testing.T) {
		_, login := e.login(t, "ada@example.com", "session")
		st := login.cookies["directus_session_token"].Value
		both := map[string]string{"directus_session_token": st, "directus_refresh_token": "stale"}
		r := e.do(t, request{method: http.MethodPost, path: "/auth/logout", body: `{"mode":"session"}`, cookies: both})
		wantStatus(t, r, http.StatusNoContent)
		wantCleared(t, r, "directus_session_token")
		wantCleared(t, r, "directus_refresh_token")
		r = e.do(t, request{method: http.MethodGet, path: "/users/me", cookies: map[string]string{"directus_session_token": st}})
		wantError(t, r, "INVALID_CREDENTIALS", "")
	})
	t.Run("missing and unknown", func(t *testing.T) {
		wantError(t, e.post(t, "/auth/logout", `{}`), "INVALID_PAYLOAD", msgNoRefresh)
		wantError(t, e.post(t, "/auth/logout", `{"mode":"json"}`), "INVALID_PAYLOAD", msgNoRefresh)
		wantStatus(t, e.post(t, "/auth/logout", `{"refresh_token":"unknown"}`), http.StatusNoContent)
	})
}
