package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// addRoutes lists every route the surface serves, relative to its mount,
// as Conduit's router prefixes them: module routes under
// /authentication, webhook routes under /hook/authentication. The
// comment says what each needs: "guest" routes read no token, "user"
// routes an access token (Authorization: Bearer, else the accessToken
// cookie), "user, sudo" a token minted by a fresh login (core refuses a
// renewed one), "pending" a token even while 2FA waits, "refresh" a
// refresh token (Bearer, else the refreshToken cookie). Routes whose
// feature is off answer as Conduit does when it does not register them.
func (s *server) addRoutes(m *http.ServeMux) {
	mux := httpapi.RouteMux{Mux: m, OnRoute: s.onRoute}

	// Local authentication and the user (register.go, login.go,
	// renew.go, logout.go, user.go).
	mux.Handle("POST /authentication/local/new", s.optional(s.handleRegister)) // guest (a token is read, not needed)
	mux.Handle("POST /authentication/local", s.handle(s.handleLogin))          // guest
	mux.Handle("POST /authentication/renew", s.handle(s.handleRenew))          // refresh
	mux.Handle("POST /authentication/logout", s.user(s.handleLogout))          // user
	mux.Handle("GET /authentication/user", s.user(s.handleGetUser))            // user
	mux.Handle("PATCH /authentication/user", s.user(s.handlePatchUser))        // user
	mux.Handle("DELETE /authentication/user", s.user(s.handleDeleteUser))      // user, sudo

	// Mailed flows (mail.go).
	mux.Handle("POST /authentication/forgot-password", s.handle(s.handleForgotPassword))                                    // guest
	mux.Handle("POST /authentication/reset-password", s.handle(s.handleResetPassword))                                      // guest holding a mailed token
	mux.Handle("POST /authentication/local/resend-verification", s.handle(s.handleResendVerification))                      // guest
	mux.Handle("POST /authentication/local/verify-email", s.handle(s.handleVerifyEmailCode))                                // guest holding a mailed code
	mux.Handle("GET /hook/authentication/verify-email/{verificationToken}", s.handle(s.handleVerifyEmailHook))              // guest holding a mailed token
	mux.Handle("POST /authentication/local/change-password", s.user(s.handleChangePassword))                                // user, sudo
	mux.Handle("POST /authentication/local/change-email", s.user(s.handleChangeEmail))                                      // user, sudo
	mux.Handle("GET /hook/authentication/verify-change-email/{verificationToken}", s.handle(s.handleVerifyChangeEmailHook)) // guest holding a mailed token

	// Magic links (magiclink.go).
	mux.Handle("POST /authentication/magic-link", s.handle(s.handleMagicLink))                             // guest
	mux.Handle("GET /hook/authentication/magic-link/{verificationToken}", s.handle(s.handleMagicLinkHook)) // guest holding a mailed token
	mux.Handle("POST /authentication/magic-link/{magicToken}", s.handle(s.handleMagicLinkLogin))           // guest holding a mailed token (link_uri set)

	// Second factor (twofa.go).
	mux.Handle("POST /authentication/twoFa/authorize", s.pendingUser(s.handleTwoFAAuthorize)) // pending
	mux.Handle("POST /authentication/twoFa/verify", s.pendingUser(s.handleTwoFAVerify))       // pending
	mux.Handle("POST /authentication/twoFa/recover", s.pendingUser(s.handleTwoFARecover))     // pending
	mux.Handle("PUT /authentication/twoFa/enable", s.user(s.handleTwoFAEnable))               // user, sudo
	mux.Handle("POST /authentication/twoFa/enable/verify", s.user(s.handleTwoFAEnableVerify)) // user
	mux.Handle("PUT /authentication/twoFa/disable", s.user(s.handleTwoFADisable))             // user, sudo
	mux.Handle("GET /authentication/twoFa/generate", s.user(s.handleTwoFAGenerate))           // user, sudo

	// OAuth2 (oauth.go).
	mux.Handle("GET /authentication/init/{provider}", s.optional(s.handleOAuthInit)) // guest (a token is read, not needed)
	mux.Handle("GET /hook/authentication/{provider}", s.handle(s.handleOAuthHook))   // guest holding the state
	mux.Handle("POST /hook/authentication/{provider}", s.handle(s.handleOAuthHook))  // guest (form_post providers)

	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error { // anything else
		return errRouteNotFound()
	}))
}
