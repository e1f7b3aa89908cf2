package pocketbase

import (
	"encoding/json"
	"fmt"
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

const (
	realtimeIdle     = 5 * time.Minute // PocketBase closes idle streams after this
	maxRealtime      = 10000           // open streams per node
	maxRealtimePerIP = 20              // so one client cannot use them all
	maxSubscriptions = 100
)

// realtimeClient is one open SSE stream.
type realtimeClient struct {
	id   string
	ip   string
	mu   sync.Mutex
	subs []string
	msgs chan realtimeMsg
}

type realtimeMsg struct {
	event string
	data  []byte
}

// broker holds this node's open streams.
type broker struct {
	mu      sync.Mutex
	clients map[string]*realtimeClient
	done    <-chan struct{} // closed when the server shuts down
}

func newBroker(done <-chan struct{}) *broker {
	return &broker{clients: map[string]*realtimeClient{}, done: done}
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
	c := &realtimeClient{id: randomText(40), ip: ip, msgs: make(chan realtimeMsg, 4)}
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

// handleRealtimeConnect answers GET /api/realtime with an SSE stream: it
// announces the client id (PB_CONNECT), then forwards messages until the
// client goes, stays idle too long, or the server shuts down.
func (s *server) handleRealtimeConnect() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		rc := http.NewResponseController(w)
		c, ok := s.realtime.add(httpapi.ClientIPFrom(r.Context()))
		if !ok {
			return core.Errorf(core.KindUnavailable, "realtime_full", "Too many realtime connections.")
		}
		defer s.realtime.remove(c.id)
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
		for {
			select {
			case m := <-c.msgs:
				if err := writeEvent(w, rc, c.id, m.event, m.data); err != nil {
					return nil
				}
				idle.Reset(realtimeIdle)
			case <-idle.C:
				return nil
			case <-r.Context().Done():
				return nil
			case <-s.realtime.done:
				return nil
			}
		}
	})
}

func writeEvent(w http.ResponseWriter, rc *http.ResponseController, id, event string, data []byte) error {
	if _, err := fmt.Fprintf(w, "id:%s\nevent:%s\ndata:%s\n\n", id, event, data); err != nil {
		return err
	}
	return rc.Flush()
}

// handleRealtimeSubscribe answers POST /api/realtime {clientId,
// subscriptions} with 204.
func (s *server) handleRealtimeSubscribe() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		id := f.str("clientId")
		var subs []string
		if raw, ok := f.fields["subscriptions"]; ok && raw != nil {
			list, isList := raw.([]any)
			if !isList || len(list) > maxSubscriptions {
				return &httpapi.DecodeError{Reason: httpapi.ReasonWrongType, Field: "subscriptions"}
			}
			for _, v := range list {
				sub, isStr := v.(string)
				if !isStr || len(sub) > 2000 {
					return &httpapi.DecodeError{Reason: httpapi.ReasonWrongType, Field: "subscriptions"}
				}
				subs = append(subs, sub)
			}
		}
		if f.err != nil {
			return f.err
		}
		c, ok := s.realtime.get(id)
		if !ok {
			return core.Errorf(core.KindNotFound, core.CodeNotFound, "Missing or invalid client id.")
		}
		c.mu.Lock()
		c.subs = subs
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleOAuth2Redirect answers GET (and POST, for form_post providers)
// /api/oauth2-redirect: the provider sends the browser here with state
// and code; state names the realtime client that waits for them (from the
// same IP, so a stolen state cannot redirect a code elsewhere). The popup
// then shows a short page.
func (s *server) handleOAuth2Redirect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // a bad body only means no code
		state, code, errParam := r.Form.Get("state"), r.Form.Get("code"), r.Form.Get("error")
		c, ok := s.realtime.get(state)
		ok = ok && c.ip == httpapi.ClientIPFrom(r.Context())
		if ok {
			c.mu.Lock()
			ok = slices.Contains(c.subs, "@oauth2")
			c.mu.Unlock()
		}
		if ok {
			msg := map[string]string{"state": state, "code": code}
			if errParam != "" {
				msg["error"] = errParam
			}
			data, _ := json.Marshal(msg)
			select {
			case c.msgs <- realtimeMsg{event: "@oauth2", data: data}:
			default:
				ok = false
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok || errParam != "" || code == "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintln(w, "OAuth2 authorization failed. You can close this window and try again.")
			return
		}
		fmt.Fprintln(w, "OAuth2 authorization completed. You can close this window.")
	})
}
