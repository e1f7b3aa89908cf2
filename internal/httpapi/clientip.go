package httpapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP stores the client's IP address in the context (ClientIPFrom).
//
// Without trusted prefixes that is the socket peer. When the peer is a
// trusted proxy, the address comes from X-Forwarded-For instead: the
// list is read from the right, skipping entries that are trusted proxies
// themselves, and the first untrusted one is the client. Entries left of
// it were written by the client and are never believed. When every entry
// is trusted, the leftmost one is the client (a caller inside the proxy
// network). A list that is missing, or breaks with an entry that is not
// an address before an answer is found, falls back to X-Real-Ip if that
// holds one address, else to the peer.
//
// Headers from an untrusted peer are ignored: anyone can send them.
// Proxy headers are honoured here and nowhere else.
func ClientIP(trusted []netip.Prefix) Middleware {
	trusted = normalizePrefixes(trusted)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, info := withInfo(r)
			info.clientIP = clientIP(r, trusted)
			next.ServeHTTP(w, r)
		})
	}
}

// ClientIPFrom returns the client IP ClientIP stored, or "".
func ClientIPFrom(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.clientIP
	}
	return ""
}

// ParsePrefixes parses a trusted-proxy list: CIDR prefixes ("10.0.0.0/8",
// "fd00::/8") and bare addresses ("192.0.2.1", a /32 or /128). Blank
// entries are skipped. The error names the first entry that is neither.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR prefix", s)
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return normalizePrefixes(out), nil
}

// normalizePrefixes masks each prefix and turns IPv4-mapped IPv6 ones
// ("::ffff:10.0.0.0/104") into IPv4, since addresses are unmapped before
// they are checked. Invalid prefixes are dropped.
func normalizePrefixes(in []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(in))
	for _, p := range in {
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out
}

// clientIP returns the client address of r, as documented on ClientIP.
// Addresses are unmapped (one client, one spelling: rate limits and
// sessions key on it). A peer that does not parse (a unix socket, say)
// yields "".
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		if strings.IndexByte(host, ':') < 0 {
			// Without a colon the host parsed as an IPv4 dotted quad,
			// which parses only in its one spelling (no leading zeros,
			// no other forms): the address's String. Keep it rather
			// than make it again.
			return host
		}
		return peer.String()
	}
	if a, ok := forwardedFor(r.Header.Values("X-Forwarded-For"), trusted); ok {
		return a.String()
	}
	if v := r.Header.Values("X-Real-Ip"); len(v) == 1 {
		if a, ok := parseForwarded(v[0]); ok {
			return a.String()
		}
	}
	return peer.String()
}

// forwardedFor walks the X-Forwarded-For values right to left. Several
// header lines count as one list joined in order. Empty elements are
// skipped, as list syntax allows; anything else that is not an address
// ends the walk without an answer, since entries further left cannot be
// attributed to a trusted hop.
func forwardedFor(values []string, trusted []netip.Prefix) (netip.Addr, bool) {
	var leftmost netip.Addr
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for rest != "" {
			var elem string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				rest, elem = rest[:j], rest[j+1:]
			} else {
				rest, elem = "", rest
			}
			elem = strings.TrimSpace(elem)
			if elem == "" {
				continue
			}
			a, ok := parseForwarded(elem)
			if !ok {
				return netip.Addr{}, false
			}
			if !isTrusted(a, trusted) {
				return a, true
			}
			leftmost = a
		}
	}
	return leftmost, leftmost.IsValid()
}

// parseForwarded parses one forwarded address: bare, or with a port as
// some proxies write it ("192.0.2.1:443", "[2001:db8::1]:443"). The zone
// is dropped and the address unmapped: a zone means nothing off the host
// that wrote it, and would let one client vary its rate-limit key.
func parseForwarded(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

// isTrusted reports whether a lies in one of the trusted prefixes.
func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.WithZone("")
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
