// Package payload serves the auth REST API of Payload CMS v3 (3.88, as
// @payloadcms/sdk 3.90 drives it) over Gatehouse's core, for each
// configured collection slug: login, logout, the sliding refresh-token,
// me, forgot-password and reset-password, email verification, unlock,
// first-register and init, the permissions view (GET <api>/access), and
// the user documents themselves (create, read, update, delete); and
// Payload's GraphQL auth operations for every slug at <api>/graphql
// (meUser, loginUser, ..., Access) over the shared layer
// (internal/httpapi/gql), each resolver calling the same function as
// its REST route.
//
// The package translates wire format only. Every rule (who may log in,
// when an account locks and for how long, what a token is worth, who
// may read or unlock whom) lives in core; this package reads Payload's
// JSON bodies, its `Authorization: JWT <token>` / `Bearer` headers and
// its `payload-token` cookie, calls core, and answers in Payload's
// shapes: plain JSON objects with a `message`, and failures as
// `{"errors":[{"message":...}]}` (ValidationError adds `name` and
// `data`).
//
// Tokens are Gatehouse's own access tokens, carrying Payload's extra
// claims `collection` (the slug) and `email` beside the standard `id`,
// `sid`, `iat` and `exp`; a token is valid only while its session is,
// which is what Payload's `sessions` array gives it. Payload has no
// separate refresh token: refresh-token extends the session of a still
// valid token (core.Service.Refresh).
package payload
