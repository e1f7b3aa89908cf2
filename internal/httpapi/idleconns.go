package httpapi

import (
	"container/list"
	"net"
	"net/http"
	"sync"
)

// IdleConns caps the keep-alive connections an http.Server holds idle
// (between requests): past the cap, it closes the longest-idle ones.
// Each idle connection keeps its goroutine's stack and net/http's read
// and write buffers, about 28 KB together (docs/decisions.md, "Issue 16:
// memory and start-up"), so without a cap a crowd of idle clients holds
// tens of megabytes. Closing an idle keep-alive connection is always
// allowed in HTTP/1.1: the client opens a new one for its next request.
// Connections serving a request are never touched, and a connection
// becomes idle only once its response is written.
//
// Install it with Track as the server's ConnState hook. It is safe for
// concurrent use.
type IdleConns struct {
	max     int
	onClose func()

	mu    sync.Mutex
	order *list.List                 // idle connections, longest idle first
	at    map[net.Conn]*list.Element // each idle connection's place in order
}

// NewIdleConns returns a cap of n idle connections (at least 1);
// onClose, if set, is called for every connection it closes (a metric).
func NewIdleConns(n int, onClose func()) *IdleConns {
	return &IdleConns{max: max(1, n), onClose: onClose, order: list.New(), at: map[net.Conn]*list.Element{}}
}

// Track is an http.Server ConnState hook.
func (ic *IdleConns) Track(c net.Conn, state http.ConnState) {
	if state != http.StateIdle {
		// Active, hijacked or closed: no longer idle (new: not yet).
		ic.mu.Lock()
		ic.forget(c)
		ic.mu.Unlock()
		return
	}
	ic.mu.Lock()
	ic.forget(c)
	ic.at[c] = ic.order.PushBack(c)
	var evict net.Conn
	if ic.order.Len() > ic.max {
		evict = ic.order.Remove(ic.order.Front()).(net.Conn)
		delete(ic.at, evict)
	}
	ic.mu.Unlock()
	if evict != nil {
		// net/http sees the read fail, and reports the connection
		// closed (which finds nothing left to forget).
		evict.Close()
		if ic.onClose != nil {
			ic.onClose()
		}
	}
}

// Len is how many connections are idle now.
func (ic *IdleConns) Len() int {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	return ic.order.Len()
}

func (ic *IdleConns) forget(c net.Conn) {
	if e, ok := ic.at[c]; ok {
		ic.order.Remove(e)
		delete(ic.at, c)
	}
}
