package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// addRoutes lists every route the surface serves. Auth marks what each
// needs: "guest" routes work without a token, "auth" routes need a token
// of the same collection, "superuser" routes a superuser token, and
// "rule" routes apply the record rules (a superuser sees all, a user only
// itself).
func (s *server) addRoutes(m *http.ServeMux) {
	const c = "/api/collections/{collection}"
	mux := httpapi.RouteMux{Mux: m, OnRoute: s.onRoute}

	mux.Handle("GET /api/health", s.handleHealth())
	mux.Handle("GET /api/realtime", s.handleRealtimeConnect())                      // guest (SSE)
	mux.Handle("POST /api/realtime", s.handleRealtimeSubscribe())                   // holder of a client id
	mux.Handle("GET /api/oauth2-redirect", s.handleOAuth2Redirect())                // guest (the provider sends the popup here)
	mux.Handle("POST /api/oauth2-redirect", s.handleOAuth2Redirect())               // guest (form_post providers)
	mux.Handle("GET "+c+"/auth-methods", s.handleAuthMethods())                     // guest
	mux.Handle("POST "+c+"/auth-with-password", s.handleAuthWithPassword())         // guest
	mux.Handle("POST "+c+"/request-otp", s.handleRequestOTP())                      // guest
	mux.Handle("POST "+c+"/auth-with-otp", s.handleAuthWithOTP())                   // guest
	mux.Handle("POST "+c+"/auth-with-oauth2", s.handleAuthWithOAuth2())             // guest, or a user linking a provider
	mux.Handle("POST "+c+"/auth-refresh", s.handleAuthRefresh())                    // auth
	mux.Handle("POST "+c+"/request-verification", s.handleRequestVerification())    // guest
	mux.Handle("POST "+c+"/confirm-verification", s.handleConfirmVerification())    // guest
	mux.Handle("POST "+c+"/request-password-reset", s.handleRequestPasswordReset()) // guest
	mux.Handle("POST "+c+"/confirm-password-reset", s.handleConfirmPasswordReset()) // guest
	mux.Handle("POST "+c+"/request-email-change", s.handleRequestEmailChange())     // auth
	mux.Handle("POST "+c+"/confirm-email-change", s.handleConfirmEmailChange())     // guest
	mux.Handle("POST "+c+"/impersonate/{id}", s.handleImpersonate())                // superuser
	mux.Handle("GET "+c+"/records", s.handleListRecords())                          // rule
	mux.Handle("POST "+c+"/records", s.handleCreateRecord())                        // guest (users), superuser (_superusers)
	mux.Handle("GET "+c+"/records/{id}", s.handleViewRecord())                      // rule
	mux.Handle("PATCH "+c+"/records/{id}", s.handleUpdateRecord())                  // rule
	mux.Handle("DELETE "+c+"/records/{id}", s.handleDeleteRecord())                 // rule

	// Gatehouse extensions in PocketBase's style (docs/pocketbase.md).
	mux.Handle("POST "+c+"/auth-with-refresh-token", s.handleAuthWithRefreshToken())   // guest holding a refresh token
	mux.Handle("GET "+c+"/sessions", s.handleListSessions())                           // auth
	mux.Handle("DELETE "+c+"/sessions/{sid}", s.handleRevokeSession())                 // auth
	mux.Handle("POST "+c+"/logout", s.handleLogout("current"))                         // auth
	mux.Handle("POST "+c+"/logout-others", s.handleLogout("others"))                   // auth
	mux.Handle("POST "+c+"/logout-all", s.handleLogout("all"))                         // auth
	mux.Handle("GET "+c+"/records/{id}/sessions", s.handleListSessions())              // the user itself, or superuser
	mux.Handle("DELETE "+c+"/records/{id}/sessions/{sid}", s.handleRevokeSession())    // the user itself, or superuser
	mux.Handle("POST "+c+"/records/{id}/unlock", s.handleUnlock())                     // superuser
	mux.Handle("POST "+c+"/auth-with-totp", s.handleAuthWithTOTP())                    // guest holding an mfaId
	mux.Handle("GET "+c+"/totp", s.handleTOTPStatus())                                 // auth
	mux.Handle("POST "+c+"/totp/enroll", s.handleTOTPEnroll())                         // auth
	mux.Handle("POST "+c+"/totp/confirm", s.handleTOTPConfirm())                       // auth
	mux.Handle("POST "+c+"/totp/disable", s.handleTOTPDisable())                       // auth
	mux.Handle("POST "+c+"/totp/recovery-codes", s.handleRecoveryCodes())              // auth
	mux.Handle("GET "+c+"/records/{id}/identities", s.handleListIdentities())          // the user itself, or superuser
	mux.Handle("DELETE "+c+"/records/{id}/identities/{iid}", s.handleUnlinkIdentity()) // the user itself, or superuser
	for _, ea := range []string{externalAuthsName, externalAuthsID} {                  // PocketBase's own view of links
		mux.Handle("GET /api/collections/"+ea+"/records", s.handleListExternalAuths())
		mux.Handle("DELETE /api/collections/"+ea+"/records/{id}", s.handleDeleteExternalAuth())
	}
	mux.Handle("GET /api/audit", s.handleAudit()) // superuser

	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { // anything else
		writeAPIError(w, 404, "File not found.", nil)
	}))
}
