// Package tcpproxy forwards TCP connections to one upstream and can cut,
// reset, delay or freeze them on demand. Tests put it between Gatehouse
// and its database or Redis to stand in for the server going away and
// coming back, a network that resets connections or is slow, or a server
// hanging with its connections open, without stopping a server other
// tests share.
package tcpproxy

import (
	"net"
	"sync"
	"time"
)

// Proxy listens on a local port and forwards each connection to the
// upstream address while it is up. While down, it accepts connections
// and closes them at once, as a restarting server does; while frozen, it
// keeps every connection open and accepts new ones but forwards nothing,
// as a server that stopped answering (a stalled process, a partitioned
// network whose kernels still acknowledge) does. Reset aborts the open
// connections with a TCP reset and Delay slows every chunk down, both
// while new connections keep going through. The port stays the same
// throughout, so clients keep their configuration.
type Proxy struct {
	upstream string
	ln       net.Listener

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
	// thawed is closed while the proxy forwards; Freeze replaces it with
	// an open channel that Thaw closes.
	thawed chan struct{}
	// cut is closed by Down, Reset (and Close) to release the forwarding
	// goroutines waiting for a thaw or a delay; Up and Reset replace it.
	cut chan struct{}
	// delay is how long each chunk is held before it is passed on.
	delay time.Duration
	wg    sync.WaitGroup
}

// Start listens on 127.0.0.1 on a free port and forwards to upstream
// (host:port).
func Start(upstream string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	thawed := make(chan struct{})
	close(thawed)
	p := &Proxy{upstream: upstream, ln: ln, conns: map[net.Conn]struct{}{},
		thawed: thawed, cut: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port clients should dial instead of the upstream.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Down cuts every forwarded connection and refuses new ones until Up. A
// frozen proxy stays frozen: Up then leaves it frozen until Thaw.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.down {
		close(p.cut)
	}
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Up forwards connections again.
func (p *Proxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		p.cut = make(chan struct{})
	}
	p.down = false
}

// Reset aborts every open connection with a TCP reset (RST), on both
// sides, as a middlebox dropping its state or a peer's kernel after a
// restart does: the client's next read or write fails with "connection
// reset by peer". Unlike Down, new connections go through at once.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.down {
		close(p.cut)
		p.cut = make(chan struct{})
	}
	// Every socket is set to reset before any is closed: closing one side
	// wakes its forwarding goroutine, which closes the other side itself.
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // Close then sends RST, not FIN
		}
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Delay holds every chunk of data, either way, for d before passing it
// on: a slow network's latency. Chunks of one direction stay in order
// and each waits in turn, so throughput drops too. Zero ends the delay
// for data read from then on.
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = max(d, 0)
}

// Freeze stops forwarding: open connections stay open and new ones are
// accepted and connected upstream, but no byte goes either way until
// Thaw. What is sent meanwhile waits, as it would in a stalled server's
// socket buffers, and is delivered on Thaw.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.thawed:
		p.thawed = make(chan struct{})
	default: // frozen already
	}
}

// Thaw forwards again, starting with what waited.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.thawed:
	default:
		close(p.thawed)
	}
}

// Close stops listening, cuts every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.Down()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

// forward dials the upstream for one client connection and copies both
// ways until either side closes or Down cuts them.
func (p *Proxy) forward(c net.Conn) {
	defer p.wg.Done()
	cut, ok := p.track(c)
	if !ok {
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		p.untrack(c)
		return
	}
	if _, ok := p.track(up); !ok {
		up.Close()
		p.untrack(c)
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		p.copy(dst, src, cut)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
	p.untrack(c)
	p.untrack(up)
}

// copy copies src to dst until either fails or cut is closed, holding
// each chunk it reads for the delay and while the proxy is frozen.
func (p *Proxy) copy(dst, src net.Conn, cut <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if d := p.delayNow(); d > 0 {
				timer := time.NewTimer(d)
				select {
				case <-timer.C:
				case <-cut:
					timer.Stop()
					return
				}
			}
			select {
			case <-p.thawedNow():
			case <-cut:
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// delayNow is the delay chunks read now are held for.
func (p *Proxy) delayNow() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delay
}

// thawedNow is the channel that is closed once the proxy forwards.
func (p *Proxy) thawedNow() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.thawed
}

// track registers a live connection and returns the channel Down closes;
// it reports false while the proxy is down, and the caller must drop the
// connection.
func (p *Proxy) track(c net.Conn) (<-chan struct{}, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return nil, false
	}
	p.conns[c] = struct{}{}
	return p.cut, true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
	c.Close()
}
