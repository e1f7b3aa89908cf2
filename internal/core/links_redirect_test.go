package core_test

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestRedirectAllowList(t *testing.T) {
	listed := core.RedirectAllowList{URIs: []string{"https://app.test/done", "http://localhost:3000/cb"}}
	anyURL := core.RedirectAllowList{AllowAny: true}
	for _, tc := range []struct {
		raw          string
		listed, free bool
	}{
		{"https://app.test/done", true, true},
		{"HTTPS://APP.test/done?next=/x", true, true}, // scheme and host fold; a client's query is kept
		{"https://app.test/done#frag", true, true},
		{"http://localhost:3000/cb", true, true},
		{"https://app.test/done/", false, true},     // another path
		{"https://app.test/Done", false, true},      // paths are exact
		{"https://app.test:8443/done", false, true}, // another port
		{"http://app.test/done", false, true},       // another scheme
		{"https://evil.test/done", false, true},
		{"https://app.test.evil.test/done", false, true},
		{"https://app.test@evil.test/done", false, false}, // user information
		{"javascript:alert(1)", false, false},
		{"myapp://callback", false, false},
		{"/relative", false, false},
		{"//evil.test/done", false, false},
		{"https://app.test/do\nne", false, false},
		{"", false, false},
		{"https://app.test/" + strings.Repeat("a", core.MaxLinkLength), false, false},
	} {
		u, err := listed.Check(tc.raw, false)
		if (err == nil) != tc.listed {
			t.Errorf("listed.Check(%q) = %v, %v; want allowed %v", tc.raw, u, err, tc.listed)
		}
		if err != nil {
			wantKind(t, err, core.KindForbidden, core.CodeRedirectDenied)
		}
		if _, err := anyURL.Check(tc.raw, false); (err == nil) != tc.free {
			t.Errorf("allowAny.Check(%q) = %v; want allowed %v", tc.raw, err, tc.free)
		}
		// A redirect that carries a token takes the list, allowAny or not.
		anyListed := core.RedirectAllowList{AllowAny: true, URIs: listed.URIs}
		if _, err := anyListed.Check(tc.raw, true); (err == nil) != tc.listed {
			t.Errorf("allowAny.Check(%q, credential) = %v; want allowed %v", tc.raw, err, tc.listed)
		}
	}
	if _, err := (core.RedirectAllowList{}).Check("https://app.test/done", false); err == nil {
		t.Error("an empty list allowed a redirect")
	}
}

// TestRedirectAllowListAdmit: a configured default is allowed even for a
// credential-carrying redirect, where allowAny is not, and admitting it
// leaves the original list alone.
func TestRedirectAllowListAdmit(t *testing.T) {
	base := core.RedirectAllowList{AllowAny: true, URIs: []string{"https://app.test/done"}}
	withDef := base.Admit("https://app.test/reset", "")
	for _, tc := range []struct {
		raw        string
		base, more bool
	}{
		{"https://app.test/reset?x=1", false, true},
		{"https://app.test/done", true, true},
		{"https://evil.test/reset", false, false},
	} {
		if _, err := base.Check(tc.raw, true); (err == nil) != tc.base {
			t.Errorf("base.Check(%q, credential) = %v; want allowed %v", tc.raw, err, tc.base)
		}
		if _, err := withDef.Check(tc.raw, true); (err == nil) != tc.more {
			t.Errorf("Admit(default).Check(%q, credential) = %v; want allowed %v", tc.raw, err, tc.more)
		}
	}
	if len(base.URIs) != 1 || len(withDef.URIs) != 2 {
		t.Errorf("URIs: base %v, admitted %v", base.URIs, withDef.URIs)
	}
	if _, err := (core.RedirectAllowList{}).Admit("").Check("https://app.test/done", false); err == nil {
		t.Error("an empty default admitted a redirect")
	}
}
