package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// sdkDir holds the node project that drives the official PocketBase SDK,
// relative to this package.
const sdkDir = "../../sdktest/pocketbase"

// TestPocketBaseSDK runs the official npm pocketbase SDK (pinned in
// sdktest/pocketbase) under node against a real server: the strongest
// check that the surface is wire-compatible, since it is exactly what
// PocketBase apps run. It needs node and the npm packages, so it is opt-in
// with GATEHOUSE_SDK_TESTS=1; once opted in, missing tools are a failure,
// not a skip, so CI cannot pass it silently.
func TestPocketBaseSDK(t *testing.T) {
	sdk := needNodeSDK(t, "PocketBase", sdkDir, "pocketbase")
	t.Parallel()
	ts := startServer(t, serverOpts{})
	// otp_mfa.test.mjs needs collections configured for PocketBase's OTP
	// and MFA flows; every other suite runs on the default server.
	otpServer := startServerWith(t, otpOnYAML, serverOpts{})
	mfaServer := startServerWith(t, otpMFAYAML, serverOpts{})
	// oauth.test.mjs signs in through an OpenID Connect provider: mockoidc,
	// in-process (started first: the server reads its discovery document at
	// startup), and OIDC_QUEUE_URL, where a test queues the account the
	// provider signs in next (see serveQueue). display_name lands on the
	// provider item oauthYAML ends with.
	op := startOP(t)
	oauthServer := startServerWith(t, oauthYAML(op, op.ClientSecret, "")+"          display_name: Mock OIDC\n", serverOpts{})
	queueURL := serveQueue(t, op)
	const email, password = "admin@example.com", "adminpassword1"
	if out, err := ts.cli(t, "superuser", "upsert", email, password); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}

	// Every *.test.mjs runs: sdk.test.mjs covers PocketBase's own API,
	// otp_mfa.test.mjs its OTP and MFA flows, oauth.test.mjs its OAuth2
	// sign-in, extensions.test.mjs and totp.test.mjs Gatehouse's routes
	// through pb.send.
	// --experimental-eventsource gives Node 20 and 22 the global EventSource
	// that the SDK's realtime (its authWithOAuth2 popup flow) needs.
	if err := sdk.run(t, 2*time.Minute, []string{"--experimental-eventsource"},
		"PB_URL="+ts.URL,
		"MAIL_DIR="+filepath.Join(ts.Dir, "mail"),
		"SUPERUSER_EMAIL="+email,
		"SUPERUSER_PASSWORD="+password,
		"PB_URL_OTP="+otpServer.URL,
		"MAIL_DIR_OTP="+filepath.Join(otpServer.Dir, "mail"),
		"PB_URL_MFA="+mfaServer.URL,
		"MAIL_DIR_MFA="+filepath.Join(mfaServer.Dir, "mail"),
		"PB_URL_OAUTH="+oauthServer.URL,
		"OIDC_QUEUE_URL="+queueURL,
	); err != nil {
		t.Errorf("%v\n--- server log ---\n%s\n--- OTP server log ---\n%s\n--- MFA server log ---\n%s\n--- OAuth2 server log ---\n%s",
			err, ts.stderr.String(), otpServer.stderr.String(), mfaServer.stderr.String(), oauthServer.stderr.String())
	}
}

// runLogged runs cmd, sending each line of its combined output to t.Log
// as it arrives: the go tool prints it when the test fails (or under -v),
// and a slow or hung run shows how far it got.
func runLogged(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			t.Log(sc.Text())
		}
		io.Copy(io.Discard, r) // after an over-long line, keep draining so node never blocks
	}()
	err := cmd.Wait()
	w.Close()
	<-done
	return err
}
