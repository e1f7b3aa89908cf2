// Package directus serves the Directus auth API (Directus 12.4, as
// @directus/sdk 26 drives it) over Gatehouse's core: login in json,
// cookie and session modes, refresh with rotation, logout, SSO through
// the bound collection's OAuth2 providers, password reset, the current
// user with its two-factor routes, and public registration.
//
// The package translates wire format only. Every rule (who may log in,
// what a token is worth, when a session ends, what a lockout refuses)
// lives in core; this package reads Directus's JSON bodies, cookies and
// token sources, calls core, and answers in Directus's shapes:
// `{"data":...}` results, `{"errors":[...]}` failures with Directus's
// codes, and 204s.
//
// Tokens are Gatehouse's own: access tokens are core's Ed25519 JWTs
// bound to a session (Directus clients treat them as opaque), refresh
// tokens core's opaque rotating ones. In session mode the session cookie
// holds an access token, and a refresh rotates the session behind it
// (core.Service.RotateSession).
package directus
