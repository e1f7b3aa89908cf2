package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestState checks that signed state comes back unchanged, only as its
// own kind, only until it expires, and is no access token.
func TestState(t *testing.T) {
	e := newEnv(t)
	data := map[string]string{"state": "s1", "verifier": "v1", "redirect": "/app"}
	tok, err := e.svc.SignState("oauth", data, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.VerifyState("oauth", tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["state"] != "s1" || got["verifier"] != "v1" || got["redirect"] != "/app" {
		t.Errorf("VerifyState = %v, want %v", got, data)
	}
	for name, bad := range map[string]string{
		"other kind": "", "tampered": tok[:len(tok)-3] + "abc", "empty": "",
	} {
		kind := "oauth"
		if name == "other kind" {
			kind, bad = "other", tok
		}
		_, err := e.svc.VerifyState(kind, bad)
		wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
	}
	if _, err := e.svc.Authenticate(context.Background(), tok); err == nil {
		t.Error("a state token authenticated as an access token")
	}
	e.clock.Advance(5 * time.Minute)
	_, err = e.svc.VerifyState("oauth", tok)
	wantKind(t, err, core.KindUnauthenticated, core.CodeStateInvalid)
	if _, err := e.svc.SignState("oauth", nil, 2*time.Hour); err == nil {
		t.Error("SignState accepted a two-hour state")
	}
}
