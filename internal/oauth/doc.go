// Package oauth is Gatehouse's sign-in providers: OAuth2 and OpenID Connect
// clients implementing core.OAuthProvider.
//
// New builds one provider from a kind and a Config. The OpenID Connect kinds
// ("oidc", "google", "microsoft", "gitlab") discover their endpoints and
// signing keys from the issuer when New runs and take the user from the
// verified ID token, merged with the userinfo endpoint. The plain OAuth2
// kinds ("github", "discord") call the provider's user API with the access
// token. Every kind uses PKCE (S256) unless the Config turns it off.
//
// Authorization URLs end in "redirect_uri=" with an empty value, so a client
// appends its own redirect (PocketBase's convention); Exchange is told the
// redirect that was used.
//
// The client secret never leaves a provider except in the token request:
// it is redacted from Config's printed and logged forms and from every
// error. Every HTTP call is bounded by the Config's Timeout and every
// response body is read up to MaxBodyBytes.
package oauth
