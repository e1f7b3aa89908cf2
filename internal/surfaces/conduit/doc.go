// Package conduit serves the REST API of Conduit v0.16's authentication
// module over Gatehouse's core, for one auth collection: local
// registration and login, token renewal and logout, the user itself,
// the mailed flows (password reset, email verification, email and
// password changes), magic links, authenticator-app 2FA and OAuth2.
// Routes sit where Conduit's router puts them, under the mount:
// /authentication/... and /hook/authentication/....
//
// The package translates wire format only: every rule lives in core
// (logins, rate limits, lockout, sessions, rotation and reuse detection,
// sudo mode, one session per user) or httpapi (the exact Bearer rule,
// cookies, client secrets). Errors are Conduit's
// {"name","status","message","conduitCode"?} through its gRPC to HTTP
// mapping.
//
// Files by flow:
//
//   - handler.go, routes.go: NewHandler and every route in one table.
//   - options.go, options_validate.go: the surface's settings.
//   - profile.go: the surface's core.Profile.
//   - errors.go, render.go, words.go: the error shape, the gRPC mapping,
//     and how core's codes read.
//   - auth.go: the access token of a route (Bearer, else the accessToken
//     cookie) and Conduit's 401 messages; client.go: client validation.
//   - body.go: request parameters as the router checks them.
//   - tokens.go: login-style answers (body or cookies, and redirects
//     with tokens), shared by every flow that ends in a token pair.
//   - register.go, login.go, renew.go, logout.go, user.go, userview.go:
//     local authentication and the user.
//   - mail.go: forgot/reset password, verification, change password and
//     email. magiclink.go: magic links.
//   - twofa.go: twoFa/*. oauth.go: init/{provider} and its hook.
package conduit
