package main

import (
	"path/filepath"
	"testing"
	"time"
)

// directusSDKDir holds the node project that drives the official Directus
// SDK, relative to this package.
const directusSDKDir = "../../sdktest/directus"

// directusResetURL is the one reset_url the SDK tests' default server
// allows.
const directusResetURL = "https://app.example/reset-password"

// TestDirectusSDK runs the official npm @directus/sdk (pinned in
// sdktest/directus) under node against real servers: the proof that the
// Directus surface works for the apps written against it. Like
// TestPocketBaseSDK it is opt-in with GATEHOUSE_SDK_TESTS=1, and once
// opted in, a missing node or SDK fails instead of skipping.
func TestDirectusSDK(t *testing.T) {
	sdk := needNodeSDK(t, "Directus", directusSDKDir, "@directus/sdk", "otplib")
	t.Parallel()
	// The default server: Directus at /directus with Directus's defaults,
	// plus one allowed reset_url.
	ts := startServerWith(t, `
surfaces:
  directus:
    password_reset_url_allow_list: [`+directusResetURL+`]
`, serverOpts{})
	// refresh.test.mjs: Directus at the root, with access and session
	// tokens just long enough (31 s) for the SDK to schedule its refresh.
	short := startServerWith(t, `
surfaces:
  directus:
    mount: /
    access_ttl: 31s
    session_ttl: 31s
`, serverOpts{})
	// providers.test.mjs: the users collection signs in through an OpenID
	// Connect provider (mockoidc, in-process, started first: the server
	// reads its discovery document at startup).
	op := startOP(t)
	oauthServer := startServerWith(t, oauthYAML(op, op.ClientSecret, ""), serverOpts{})

	if err := sdk.run(t, 3*time.Minute, nil,
		"DIRECTUS_URL="+ts.URL+"/directus",
		"MAIL_DIR="+filepath.Join(ts.Dir, "mail"),
		"RESET_URL="+directusResetURL,
		"DIRECTUS_URL_SHORT="+short.URL,
		"DIRECTUS_URL_OAUTH="+oauthServer.URL+"/directus",
	); err != nil {
		t.Errorf("%v\n--- server log ---\n%s\n--- short-TTL server log ---\n%s\n--- OAuth2 server log ---\n%s",
			err, ts.stderr.String(), short.stderr.String(), oauthServer.stderr.String())
	}
}
