package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	if os.Getenv("GATEHOUSE_SDK_TESTS") != "1" {
		t.Skip("set GATEHOUSE_SDK_TESTS=1 to run the Directus JS SDK tests (`make test` does)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("GATEHOUSE_SDK_TESTS=1 but node is not on PATH; install Node.js 20+ and run `npm ci --prefix sdktest/directus`")
	}
	dir, err := filepath.Abs(directusSDKDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"@directus/sdk", "otplib"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			t.Fatalf("GATEHOUSE_SDK_TESTS=1 but %s is not installed (%v); run `npm ci --prefix sdktest/directus`", pkg, err)
		}
	}

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

	files, err := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.test.mjs in %s (%v)", dir, err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"DIRECTUS_URL="+ts.URL+"/directus",
		"MAIL_DIR="+filepath.Join(ts.Dir, "mail"),
		"RESET_URL="+directusResetURL,
		"DIRECTUS_URL_SHORT="+short.URL,
		"DIRECTUS_URL_OAUTH="+oauthServer.URL+"/directus",
		"NO_COLOR=1",
	)
	cmd.WaitDelay = 5 * time.Second
	if err := runLogged(t, cmd); err != nil {
		t.Errorf("node --test %s: %v (node's report is logged above)\n--- server log ---\n%s\n--- short-TTL server log ---\n%s\n--- OAuth2 server log ---\n%s",
			strings.Join(files, " "), err, ts.stderr.String(), short.stderr.String(), oauthServer.stderr.String())
	}
}
