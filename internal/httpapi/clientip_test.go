package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seenClientIP serves one request through ClientIP(trusted) and returns
// what the handler saw.
func seenClientIP(t *testing.T, trusted []netip.Prefix, remote string, header http.Header) string {
	t.Helper()
	var seen string
	h := ClientIP(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = ClientIPFrom(r.Context())
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = remote
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	return seen
}

func TestClientIPNoTrustedProxies(t *testing.T) {
	t.Parallel()
	tests := []struct{ remote, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"[2001:db8::1]:80", "2001:db8::1"},
		{"[::ffff:192.0.2.9]:80", "192.0.2.9"},
		{"192.0.2.7", "192.0.2.7"},
		{"@", ""},
		{"", ""},
	}
	// Proxy headers are not trusted without trusted prefixes: they must
	// not change the answer.
	spoof := http.Header{"X-Forwarded-For": {"203.0.113.5"}, "X-Real-Ip": {"203.0.113.6"}}
	for _, tt := range tests {
		if got := seenClientIP(t, nil, tt.remote, spoof); got != tt.want {
			t.Errorf("RemoteAddr %q: ClientIPFrom = %q, want %q", tt.remote, got, tt.want)
		}
	}
	if ClientIPFrom(t.Context()) != "" {
		t.Error("ClientIPFrom(empty context) is not empty")
	}
}

func TestClientIPTrustedProxies(t *testing.T) {
	t.Parallel()
	trusted, err := ParsePrefixes([]string{"10.0.0.0/8", "192.0.2.10", "fd00::/8", "::ffff:172.16.0.0/108"})
	if err != nil {
		t.Fatal(err)
	}
	const proxy = "10.1.2.3:4567"
	tests := []struct {
		name   string
		remote string
		header http.Header
		want   string
	}{
		{name: "untrusted peer sends xff", remote: "198.51.100.7:1", want: "198.51.100.7",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "untrusted peer sends x-real-ip", remote: "198.51.100.7:1", want: "198.51.100.7",
			header: http.Header{"X-Real-Ip": {"203.0.113.6"}}},
		{name: "untrusted peer claims a trusted address", remote: "198.51.100.7:1", want: "198.51.100.7",
			header: http.Header{"X-Forwarded-For": {"10.0.0.1"}}},
		{name: "one hop", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "bare trusted address", remote: "192.0.2.10:80", want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "neighbour of bare trusted address is not trusted", remote: "192.0.2.11:80", want: "192.0.2.11",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "client spoofs leftmost", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"1.2.3.4, 203.0.113.5"}}},
		{name: "chain of trusted proxies", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"1.2.3.4, 203.0.113.5, 10.9.9.9, 192.0.2.10"}}},
		{name: "client spoofs a trusted address", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"10.0.0.1, 203.0.113.5"}}},
		{name: "multiple headers joined in order", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"1.2.3.4", "203.0.113.5, 10.0.0.9"}}},
		{name: "spoofed header line before proxy's", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"1.2.3.4, 5.6.7.8", "203.0.113.5"}}},
		{name: "all trusted gives leftmost", remote: proxy, want: "10.0.0.5",
			header: http.Header{"X-Forwarded-For": {"10.0.0.5, 10.0.0.6"}}},
		{name: "garbage left of the client is never read", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"<script>, 203.0.113.5"}}},
		{name: "empty elements skipped", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {" , 203.0.113.5 ,, "}}},
		{name: "garbage rightmost falls back to x-real-ip", remote: proxy, want: "203.0.113.6",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5, garbage"}, "X-Real-Ip": {"203.0.113.6"}}},
		{name: "garbage rightmost falls back to peer", remote: proxy, want: "10.1.2.3",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5, unknown"}}},
		{name: "empty xff falls back to x-real-ip", remote: proxy, want: "203.0.113.6",
			header: http.Header{"X-Forwarded-For": {""}, "X-Real-Ip": {" 203.0.113.6 "}}},
		{name: "garbage x-real-ip falls back to peer", remote: proxy, want: "10.1.2.3",
			header: http.Header{"X-Real-Ip": {"203.0.113.6, 1.2.3.4"}}},
		{name: "two x-real-ip lines are ambiguous", remote: proxy, want: "10.1.2.3",
			header: http.Header{"X-Real-Ip": {"203.0.113.6", "1.2.3.4"}}},
		{name: "no headers gives peer", remote: proxy, want: "10.1.2.3"},
		{name: "ipv6 hop", remote: "[fd00::1]:443", want: "2001:db8::7",
			header: http.Header{"X-Forwarded-For": {"2001:db8::1, 2001:db8::7, fd00::2"}}},
		{name: "ipv6 with port and zone", remote: "[fd00::1]:443", want: "2001:db8::7",
			header: http.Header{"X-Forwarded-For": {"[2001:db8::7%eth0]:5555"}}},
		{name: "ipv4 with port", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5:5555"}}},
		{name: "mapped address unmapped", remote: proxy, want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"::ffff:203.0.113.5"}}},
		{name: "mapped peer matches ipv4 prefix", remote: "[::ffff:10.0.0.1]:80", want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "mapped trusted prefix matches ipv4 peer", remote: "172.16.0.9:80", want: "203.0.113.5",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
		{name: "unparseable peer ignores headers", remote: "@", want: "",
			header: http.Header{"X-Forwarded-For": {"203.0.113.5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := seenClientIP(t, trusted, tt.remote, tt.header); got != tt.want {
				t.Errorf("client ip = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClientIPLongTrustedChain(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	xff := strings.Repeat("10.0.0.1, ", 10000) + "10.0.0.2"
	if got := seenClientIP(t, trusted, "10.0.0.3:1", http.Header{"X-Forwarded-For": {xff}}); got != "10.0.0.1" {
		t.Errorf("client ip = %q, want leftmost 10.0.0.1", got)
	}
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	got, err := ParsePrefixes([]string{"10.1.2.3/8", " 192.0.2.1 ", "", "2001:db8::/32", "::1", "::ffff:10.0.0.0/104"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.0.2.1/32"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("10.0.0.0/8"),
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("ParsePrefixes mismatch (-want +got):\n%s", diff)
	}

	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0", "fe80::1%eth0", "10.0.0.0/8/8", "/8"} {
		_, err := ParsePrefixes([]string{"10.0.0.0/8", bad})
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParsePrefixes(%q) error = %v, want one naming the entry", bad, err)
		}
	}
	if got, err := ParsePrefixes(nil); err != nil || len(got) != 0 {
		t.Errorf("ParsePrefixes(nil) = %v, %v", got, err)
	}
}
