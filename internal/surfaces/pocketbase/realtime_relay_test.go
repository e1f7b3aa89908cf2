package pocketbase_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// memRelay is an in-memory core.RealtimeRelay shared by the handlers of
// one test, standing in for the database two nodes share. down makes
// every call fail as an unreachable database does.
type memRelay struct {
	mu      sync.Mutex
	clients map[string]core.RealtimeClient
	msgs    []core.RealtimeMessage
	down    bool
}

func newMemRelay() *memRelay { return &memRelay{clients: map[string]core.RealtimeClient{}} }

func (m *memRelay) setDown(down bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.down = down
}

func (m *memRelay) check() error {
	if m.down {
		return fmt.Errorf("relay: %w", core.ErrUnavailable)
	}
	return nil
}

func (m *memRelay) PutRealtimeClient(_ context.Context, c core.RealtimeClient) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return err
	}
	c.Subscriptions = slices.Clone(c.Subscriptions)
	m.clients[c.ID] = c
	return nil
}

func (m *memRelay) RealtimeClient(_ context.Context, id string) (core.RealtimeClient, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return core.RealtimeClient{}, err
	}
	c, ok := m.clients[id]
	if !ok {
		return c, core.ErrNotFound
	}
	return c, nil
}

func (m *memRelay) DeleteRealtimeClient(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return err
	}
	delete(m.clients, id)
	m.msgs = slices.DeleteFunc(m.msgs, func(x core.RealtimeMessage) bool { return x.ClientID == id })
	return nil
}

func (m *memRelay) SendRealtime(_ context.Context, msg core.RealtimeMessage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return err
	}
	if _, ok := m.clients[msg.ClientID]; !ok {
		return core.ErrNotFound
	}
	m.msgs = append(m.msgs, msg)
	return nil
}

func (m *memRelay) TakeRealtime(_ context.Context, ids []string) ([]core.RealtimeMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return nil, err
	}
	var out, rest []core.RealtimeMessage
	for _, x := range m.msgs {
		if slices.Contains(ids, x.ClientID) {
			out = append(out, x)
		} else {
			rest = append(rest, x)
		}
	}
	m.msgs = rest
	slices.SortFunc(out, func(a, b core.RealtimeMessage) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (m *memRelay) PruneRealtime(_ context.Context, before time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return 0, err
	}
	n := 0
	for id, c := range m.clients {
		if c.Expires.Before(before) {
			delete(m.clients, id)
			n++
		}
	}
	return n, nil
}

func (m *memRelay) has(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.clients[id]
	return ok
}

// relayPair is two nodes of one deployment: two surfaces over one core
// and one relay, each with its own HTTP server.
func relayPair(t *testing.T) (a, b *env, relay *memRelay) {
	t.Helper()
	relay = newMemRelay()
	done := make(chan struct{})
	a = newEnvWith(t, func(c *config) { c.opt.Realtime, c.Done = relay, done })
	t.Cleanup(func() { close(done) }) // runs first: streams end before the servers close
	return a, envOf(a.Node(t)), relay
}

// A stream held by node A receives the code of an OAuth2 redirect that
// node B answered, after node B took its subscription.
func TestRealtimeAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b, relay := relayPair(t)
	s := a.openStream(t)
	if !relay.has(s.id) {
		t.Fatal("the stream is not in the relay")
	}
	b.subscribe(t, s.id, "@oauth2")

	r := b.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"code-b"}})
	if r.status != 200 {
		t.Fatalf("redirect on B = %d %q", r.status, r.body)
	}
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"code-b","state":"`+s.id+`"}`); got != want {
		t.Errorf("event on A = %q, want %q", got, want)
	}

	// The same checks hold across nodes: an unknown client is 404, and a
	// redirect from another address than the stream's fails and sends
	// nothing.
	wantError(t, b.post(t, realtimePath, "", `{"clientId":"nope","subscriptions":["@oauth2"]}`), 404, msgNoClient, `{}`)
	if r := b.redirectFrom(t, "203.0.113.9:1234", url.Values{"state": {s.id}, "code": {"stolen"}}); r.status != 400 {
		t.Errorf("redirect from another IP = %d, want 400", r.status)
	}
	// A subscription dropped on B stops deliveries too.
	b.subscribe(t, s.id)
	if r := b.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"late"}}); r.status != 400 {
		t.Errorf("redirect after unsubscribing = %d, want 400", r.status)
	}
	select {
	case ev := <-s.events:
		t.Errorf("stream got %q after refused redirects", ev)
	case <-time.After(600 * time.Millisecond): // more than two relay polls
	}

	// A closed stream leaves the relay, so no node accepts it any more.
	s.close()
	deadline := time.Now().Add(eventWait)
	for relay.has(s.id) {
		if time.Now().After(deadline) {
			t.Fatal("the closed stream is still in the relay")
		}
		time.Sleep(10 * time.Millisecond)
	}
	wantError(t, b.post(t, realtimePath, "", `{"clientId":"`+s.id+`","subscriptions":[]}`), 404, msgNoClient, `{}`)
}

// With the shared database down, realtime calls answer 503 in
// PocketBase's format rather than pretending the client is unknown; the
// nodes recover with it.
func TestRealtimeRelayDown(t *testing.T) {
	t.Parallel()
	a, b, relay := relayPair(t)
	s := a.openStream(t)
	relay.setDown(true)

	const msg = "The service is temporarily unavailable, try again shortly."
	wantError(t, b.post(t, realtimePath, "", `{"clientId":"`+s.id+`","subscriptions":["@oauth2"]}`), 503, msg, `{}`)
	r := b.rawDo(t, request{method: http.MethodGet, path: redirectPath + "?state=" + s.id + "&code=c"})
	wantError(t, r, 503, msg, `{}`)
	r = b.rawDo(t, request{method: http.MethodGet, path: realtimePath})
	wantError(t, r, 503, msg, `{}`)

	relay.setDown(false)
	b.subscribe(t, s.id, "@oauth2")
	if r := b.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"after"}}); r.status != 200 {
		t.Fatalf("redirect after recovery = %d %q", r.status, r.body)
	}
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"after","state":"`+s.id+`"}`); got != want {
		t.Errorf("event after recovery = %q, want %q", got, want)
	}
}
