package httpapi

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
)

// ConnLimitOptions configure LimitConnsPerIP.
type ConnLimitOptions struct {
	// PerIP is the most connections one address may hold open at once.
	PerIP int
	// Exempt lists prefixes with no cap: trusted reverse proxies, which
	// carry every client's connections.
	Exempt []netip.Prefix
	// OnRefuse, if set, is called for every connection refused (a metric).
	OnRefuse func()
	// Log, if set, gets one warning when an address reaches the cap and
	// has a connection refused, and none again for it until it has
	// dropped below the cap: an attack is logged once, not per
	// connection.
	Log *slog.Logger
}

// LimitConnsPerIP returns a listener that refuses a connection from an
// address already holding opts.PerIP open ones: it closes it at once,
// before reading a byte, and goes on accepting. A client's count drops
// when one of its connections is closed. IPv6 clients are counted by
// their /64, the block a single host is usually given (one host could
// otherwise take a fresh address per connection). Peers that are not
// IP (a unix socket) are never capped.
func LimitConnsPerIP(ln net.Listener, opts ConnLimitOptions) net.Listener {
	return &limitListener{Listener: ln, opts: opts, exempt: normalizePrefixes(opts.Exempt), open: map[netip.Addr]*ipConns{}}
}

type limitListener struct {
	net.Listener
	opts   ConnLimitOptions
	exempt []netip.Prefix

	mu   sync.Mutex
	open map[netip.Addr]*ipConns
}

// ipConns is one client address's open connections.
type ipConns struct {
	n       int
	refused bool // a refusal was logged since it last dropped below the cap
}

// Accept returns the next connection within the cap.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, ok := l.key(c.RemoteAddr())
		if !ok {
			return c, nil
		}
		if l.admit(key) {
			return &limitedConn{Conn: c, l: l, key: key}, nil
		}
		c.Close()
	}
}

// key is the address a connection counts against; ok is false for an
// exempt or non-IP peer.
func (l *limitListener) key(addr net.Addr) (netip.Addr, bool) {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	a := ta.AddrPort().Addr().WithZone("").Unmap()
	if !a.IsValid() || isTrusted(a, l.exempt) {
		return netip.Addr{}, false
	}
	if a.Is6() {
		a = netip.PrefixFrom(a, 64).Masked().Addr()
	}
	return a, true
}

// admit counts a new connection from key, or refuses it at the cap.
func (l *limitListener) admit(key netip.Addr) bool {
	l.mu.Lock()
	c := l.open[key]
	if c == nil {
		c = &ipConns{}
		l.open[key] = c
	}
	if c.n < l.opts.PerIP {
		c.n++
		l.mu.Unlock()
		return true
	}
	first := !c.refused
	c.refused = true
	l.mu.Unlock()
	if l.opts.OnRefuse != nil {
		l.opts.OnRefuse()
	}
	if first && l.opts.Log != nil {
		l.opts.Log.Warn("connection cap reached: refusing more connections from this address",
			"ip", key.String(), "cap", l.opts.PerIP)
	}
	return false
}

// release counts a connection from key as closed.
func (l *limitListener) release(key netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.open[key]
	c.n--
	if c.n < l.opts.PerIP {
		c.refused = false
	}
	if c.n == 0 {
		delete(l.open, key)
	}
}

// limitedConn gives its slot back when closed, once however often Close
// is called.
type limitedConn struct {
	net.Conn
	l    *limitListener
	key  netip.Addr
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key) })
	return err
}

// CloseWrite half-closes the connection when the underlying one can:
// net/http does so before closing a connection whose request body it
// did not read, so the client sees the answer instead of a reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
