package pocketbase

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// The part of PocketBase's realtime API that its SDK's authWithOAuth2
// popup flow uses: a client opens an SSE stream, subscribes to "@oauth2",
// and receives the authorization code the provider redirected with.
// Record subscriptions are accepted and never fire: Gatehouse has no
// records beyond users.
//
// With several nodes the subscription and the redirect may reach another
// node than the one holding the stream; a core.RealtimeRelay (the shared
// database) then carries them over (realtime_relay.go).

const (
	realtimeIdle     = 5 * time.Minute // PocketBase closes idle streams after this
	realtimeLifetime = time.Hour       // then the SDK reconnects; bounds relay entries
	maxRealtime      = 10000           // open streams per node
	maxRealtimePerIP = 20              // so one client cannot use them all
	maxSubscriptions = 100
)

// realtimeClient is one open SSE stream.
type realtimeClient struct {
	id      string
	ip      string
	expires time.Time
	mu      sync.Mutex
	subs    []string
	msgs    chan realtimeMsg
}

type realtimeMsg struct {
	event string
	data  []byte
}

// errStreamBusy is a stream whose queue is full: its reader is stuck.
var errStreamBusy = errors.New("realtime stream busy")

// broker holds this node's open streams and, with a relay, shares them
// with the other nodes.
type broker struct {
	mu      sync.Mutex
	clients map[string]*realtimeClient
	done    <-chan struct{} // closed when the server shuts down
	relay   core.RealtimeRelay
	log     *slog.Logger
	poll    sync.Once
}

func newBroker(done <-chan struct{}, relay core.RealtimeRelay, log *slog.Logger) *broker {
	return &broker{clients: map[string]*realtimeClient{}, done: done, relay: relay, log: log}
}

func (b *broker) add(ip string) (*realtimeClient, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.clients) >= maxRealtime {
		return nil, false
	}
	n := 0
	for _, c := range b.clients {
		if c.ip == ip {
			n++
		}
	}
	if n >= maxRealtimePerIP {
		return nil, false
	}
	c := &realtimeClient{id: randomText(40), ip: ip, expires: time.Now().Add(realtimeLifetime), msgs: make(chan realtimeMsg, 4)}
	b.clients[c.id] = c
	return c, true
}

func (b *broker) remove(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.clients, id)
}

func (b *broker) get(id string) (*realtimeClient, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.clients[id]
	return c, ok
}

// ids returns the ids of this node's streams.
func (b *broker) ids() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	ids := make([]string, 0, len(b.clients))
	for id := range b.clients {
		ids = append(ids, id)
	}
	return ids
}

// push queues a message on a local stream without blocking.
func (c *realtimeClient) push(m realtimeMsg) error {
	select {
	case c.msgs <- m:
		return nil
	default:
		return errStreamBusy
	}
}

// subscriptions returns a copy of a local stream's topics.
func (c *realtimeClient) subscriptions() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.subs)
}

// handleRealtimeConnect answers GET /api/realtime with an SSE stream: it
// announces the client id (PB_CONNECT), then forwards messages until the
// client goes, stays idle too long, reaches the stream lifetime, or the
// server shuts down.
func (s *server) handleRealtimeConnect() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		rc := http.NewResponseController(w)
		c, err := s.realtime.open(r.Context(), httpapi.ClientIPFrom(r.Context()))
		if err != nil {
			return err
		}
		defer s.realtime.close(c.id)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // let proxies stream it
		connect, _ := json.Marshal(map[string]string{"clientId": c.id})
		if err := writeEvent(w, rc, c.id, "PB_CONNECT", connect); err != nil {
			return nil // the client went away
		}
		idle := time.NewTimer(realtimeIdle)
		defer idle.Stop()
		end := time.NewTimer(time.Until(c.expires))
		defer end.Stop()
		for {
			select {
			case m := <-c.msgs:
				if err := writeEvent(w, rc, c.id, m.event, m.data); err != nil {
					return nil
				}
				idle.Reset(realtimeIdle)
			case <-idle.C:
				return nil
			case <-end.C:
				return nil
			case <-r.Context().Done():
				return nil
			case <-s.realtime.done:
				return nil
			}
		}
	})
}

// open registers a new stream, with the relay too when there is one.
func (b *broker) open(ctx context.Context, ip string) (*realtimeClient, error) {
	c, ok := b.add(ip)
	if !ok {
		return nil, &pbError{status: 503, message: "Too many realtime connections."}
	}
	if b.relay == nil {
		return c, nil
	}
	err := b.relay.PutRealtimeClient(ctx, core.RealtimeClient{ID: c.id, IP: ip, Subscriptions: []string{}, Expires: c.expires})
	if err != nil {
		b.remove(c.id)
		return nil, core.Internal(err)
	}
	b.poll.Do(func() { go b.pollRelay() })
	return c, nil
}

// close forgets a stream that ended, on the relay too: detached from the
// request, which has ended with the stream.
func (b *broker) close(id string) {
	b.remove(id)
	if b.relay == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.relay.DeleteRealtimeClient(ctx, id); err != nil {
		b.log.Warn("realtime: forgetting a closed stream failed; it expires on its own", "err", err)
	}
}

func writeEvent(w http.ResponseWriter, rc *http.ResponseController, id, event string, data []byte) error {
	if _, err := fmt.Fprintf(w, "id:%s\nevent:%s\ndata:%s\n\n", id, event, data); err != nil {
		return err
	}
	return rc.Flush()
}
