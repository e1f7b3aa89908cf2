package core_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"https://auth.example", "https://auth.example/", "http://127.0.0.1:8090/directus",
		"HTTPS://Auth.Example/D", "https://[::1]:8443/x", "https://bücher.example/cb",
	} {
		if err := core.CheckBaseURL(ok); err != nil {
			t.Errorf("CheckBaseURL(%q) = %v, want nil", ok, err)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "must be an absolute http:// or https:// URL"},
		{"/directus", "must be an absolute http:// or https:// URL"},
		{"auth.example", "must be an absolute"},
		{"ftp://auth.example", `must be an absolute http:// or https:// URL, got "ftp://auth.example"`},
		{"javascript:alert(1)", "must be an absolute"},
		{"https:auth.example", "must include a host"},
		{"https:///x", `must include a host, got "https:///x"`},
		{"https://u:p@auth.example", "must not contain a user name or password"},
		{"https://user@auth.example", "must not contain a user name or password"},
		{"https://auth.example/?x=1", "must not have a query (?...)"},
		{"https://auth.example/?", "must not have a query"},
		{"https://auth.example/#top", "must not have a fragment (#...)"},
		{"https://auth.example/#", "must not have a fragment"},
		{"http://[::1", "not a valid URL: missing ']' in host"},
		{"https://auth.example/\tx", "not a valid URL: net/url: invalid control character"},
	} {
		err := core.CheckBaseURL(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckBaseURL(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestLinkKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HTTPS://App.Example/Reset?x=1#f": "https://app.example/Reset",
		"https://app.example:8443/a%20b":  "https://app.example:8443/a%20b",
		"https://app.example":             "https://app.example",
		"https://app.example/":            "https://app.example/",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := core.LinkKey(u); got != want {
			t.Errorf("LinkKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchLink(t *testing.T) {
	t.Parallel()
	allowed := []string{"https://app.example/reset", "http://localhost:3000/cb", "https://bücher.example/cb", "::bad"}
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{"https://app.example/reset", true},
		{"https://app.example/reset?next=/home&lang=en", true}, // the query is not compared
		{"https://app.example/reset#frag", true},
		{"HTTPS://APP.EXAMPLE/reset", true},
		{"http://localhost:3000/cb", true},
		{"https://bücher.example/cb", true},
		{"https://BÜCHER.example/cb", true},
		{"https://xn--bcher-kva.example/cb", false}, // compared as written: the punycode form is another entry
		{"https://app.example/Reset", false},        // paths are case-sensitive
		{"https://app.example/reset/", false},       // a trailing slash is another path
		{"https://app.example/reset/../admin", false},
		{"https://app.example:443/reset", false}, // an explicit port is another key
		{"http://app.example/reset", false},
		{"https://app.example/resetx", false},
		{"https://app.example.evil/reset", false},
		{"https://app.example/reset@evil.example", false},
		{"https://user@app.example/reset", false},
		{"https://app.example@evil.example/reset", false},
		{`https://app.example\@evil.example/reset`, false},
		{"//app.example/reset", false},
		{"/reset", false},
		{"javascript:alert(1)//https://app.example/reset", false},
		{"https://app.example/re\tset", false},
		{"https://app.example/reset\n", false},
		{"https://app.example/reset?x=" + strings.Repeat("a", 3000), false},
		{"::bad", false},
		{"", false},
	} {
		u, ok := core.MatchLink(tc.raw, allowed)
		if ok != tc.want {
			t.Errorf("MatchLink(%q) = %v, want %v", tc.raw, ok, tc.want)
		}
		if ok && (u == nil || u.Host == "") {
			t.Errorf("MatchLink(%q) returned %v", tc.raw, u)
		}
	}
	if _, ok := core.MatchLink("https://app.example/reset", nil); ok {
		t.Error("an empty allow list admitted a link")
	}
}

func TestLinkPolicyRedirect(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://auth.example/directus")
	p := core.LinkPolicy{Base: base, Redirects: []string{"https://app.example/after", "http://localhost:3000/"}}
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		// Paths on this host.
		{"/", true},
		{"/admin/content", true},
		{"/a?b=c#d", true},
		{"/%2F%2Fevil.example", true},
		{"//evil.example", false},
		{"//evil.example/path", false},
		{`/\evil.example`, false},
		{`/\/evil.example`, false},
		{"///evil.example", false},
		{"/ok\t/evil", false},
		{"/ok\n", false},
		{"/ok\r\nLocation: https://evil.example", false},
		{"/ok\x7f", false},
		{"/ok\x00", false},
		{"/" + strings.Repeat("a", core.MaxLinkLength-1), true},
		{"/" + strings.Repeat("a", 3000), false},
		// The public base URL and below it.
		{"https://auth.example/directus", true},
		{"https://auth.example/directus/", true},
		{"https://auth.example/directus/admin?x=1", true},
		{"HTTPS://AUTH.EXAMPLE/directus/admin", true},
		{"https://auth.example/directusx", false},
		{"https://auth.example/", false},
		{"https://auth.example/api", false},
		{"http://auth.example/directus", false},
		{"https://auth.example:8443/directus", false},
		{"https://user@auth.example/directus", false},
		{"https://auth.example@evil.example/directus", false},
		{"https://auth.example.evil.example/directus", false},
		// The allow list.
		{"https://app.example/after", true},
		{"https://app.example/after?tab=2", true},
		{"https://APP.example/after", true},
		{"https://app.example/after/", false},
		{"https://app.example/", false},
		{"http://localhost:3000/", true},
		{"http://localhost:3000", false},
		{"http://localhost:3001/", false},
		// Anything else.
		{"", false},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"evil.example", false},
		{`\\evil.example`, false},
		{"https:evil.example", false},
		{"https://evil.example", false},
		{" https://app.example/after", false},
		{"https://app.example/after\t", false},
		{"https://app.example/after?x=" + strings.Repeat("a", 3000), false},
		{"https://bücher.example/", false},
	} {
		if got := p.Redirect(tc.raw); got != tc.want {
			t.Errorf("Redirect(%q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
	// A base with a trailing slash, and a base at the root of its host.
	slash, _ := url.Parse("https://auth.example/directus/")
	root, _ := url.Parse("https://Auth.Example")
	for _, tc := range []struct {
		base *url.URL
		raw  string
		want bool
	}{
		{slash, "https://auth.example/directus", true},
		{slash, "https://auth.example/directus/x", true},
		{slash, "https://auth.example/directusx", false},
		{root, "https://auth.example", true},
		{root, "https://auth.example/anything", true},
		{root, "https://auth.example.evil.example/", false},
		{root, "https://auth.examplex/", false},
		{nil, "https://auth.example/", false},
		{nil, "/local", true},
	} {
		if got := (core.LinkPolicy{Base: tc.base}).Redirect(tc.raw); got != tc.want {
			t.Errorf("base %v: Redirect(%q) = %v, want %v", tc.base, tc.raw, got, tc.want)
		}
	}
}
