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

// payloadSDKDir holds the node project that drives the official Payload
// SDK, relative to this package.
const payloadSDKDir = "../../sdktest/payload"

// TestPayloadSDK runs the official npm @payloadcms/sdk (pinned in
// sdktest/payload) under node against real servers: the proof that the
// Payload surface works for the apps written against it. Like the other
// SDK tests it is opt-in with GATEHOUSE_SDK_TESTS=1, and once opted in, a
// missing node or SDK fails instead of skipping.
func TestPayloadSDK(t *testing.T) {
	if os.Getenv("GATEHOUSE_SDK_TESTS") != "1" {
		t.Skip("set GATEHOUSE_SDK_TESTS=1 to run the Payload JS SDK tests (`make test` does)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("GATEHOUSE_SDK_TESTS=1 but node is not on PATH; install Node.js 20+ and run `npm ci --prefix sdktest/payload`")
	}
	dir, err := filepath.Abs(payloadSDKDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@payloadcms", "sdk")); err != nil {
		t.Fatalf("GATEHOUSE_SDK_TESTS=1 but @payloadcms/sdk is not installed (%v); run `npm ci --prefix sdktest/payload`", err)
	}

	t.Parallel()
	// The default server: Payload at /payload with Payload's defaults
	// (a short stall only), users made through PocketBase's API.
	ts := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n", serverOpts{})
	// fresh.test.mjs: a server whose users collection is still empty,
	// with verify on, for first-register and verifyEmail.
	fresh := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n    verify: true\n", serverOpts{})

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
		"PAYLOAD_URL="+ts.URL+"/payload/api",
		"MAIL_DIR="+filepath.Join(ts.Dir, "mail"),
		"PAYLOAD_URL_FRESH="+fresh.URL+"/payload/api",
		"MAIL_DIR_FRESH="+filepath.Join(fresh.Dir, "mail"),
		"NO_COLOR=1",
	)
	cmd.WaitDelay = 5 * time.Second
	if err := runLogged(t, cmd); err != nil {
		t.Errorf("node --test %s: %v (node's report is logged above)\n--- server log ---\n%s\n--- fresh server log ---\n%s",
			strings.Join(files, " "), err, ts.stderr.String(), fresh.stderr.String())
	}
}
