package main

import (
	"path/filepath"
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
	sdk := needNodeSDK(t, "Payload", payloadSDKDir, "@payloadcms/sdk")
	t.Parallel()
	// The default server: Payload at /payload with Payload's defaults
	// (a short stall only), users made through PocketBase's API.
	ts := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n", serverOpts{})
	// fresh.test.mjs: a server whose users collection is still empty,
	// with verify on, for first-register and verifyEmail.
	fresh := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n    verify: true\n", serverOpts{})

	if err := sdk.run(t, 3*time.Minute, nil,
		"PAYLOAD_URL="+ts.URL+"/payload/api",
		"MAIL_DIR="+filepath.Join(ts.Dir, "mail"),
		"PAYLOAD_URL_FRESH="+fresh.URL+"/payload/api",
		"MAIL_DIR_FRESH="+filepath.Join(fresh.Dir, "mail"),
	); err != nil {
		t.Errorf("%v\n--- server log ---\n%s\n--- fresh server log ---\n%s", err, ts.stderr.String(), fresh.stderr.String())
	}
}
