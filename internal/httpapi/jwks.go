package httpapi

import "net/http"

// JWKS serves the JSON Web Key Set that lets other services verify
// Gatehouse's tokens offline. doc is called per request so keys rotated
// while the server runs are published at once. Public keys are not
// secret, so the document may be cached briefly and fetched cross-origin.
func JWKS(doc func() []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc())
	})
}
