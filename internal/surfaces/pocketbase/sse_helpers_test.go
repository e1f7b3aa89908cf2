package pocketbase_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// eventWait bounds every wait for a server-sent event.
const eventWait = 5 * time.Second

// stream is an open GET /api/realtime, read event by event in the
// background.
type stream struct {
	id     string
	header http.Header
	events chan string // one raw event, blank line included
	close  func()      // hangs up from the client side
}

// connectEvent matches the first event exactly: the id twice.
var connectEvent = regexp.MustCompile(`^id:([A-Za-z0-9]{40})\nevent:PB_CONNECT\ndata:\{"clientId":"([A-Za-z0-9]{40})"\}\n\n$`)

// openStream connects to the realtime endpoint, reads PB_CONNECT and
// returns the stream with its client id. The connection is closed when
// the test ends (before the server, so its Close does not wait).
func (e *env) openStream(t testing.TB) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+realtimePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	hangUp := func() { cancel(); res.Body.Close() }
	t.Cleanup(hangUp)
	s := &stream{header: res.Header, events: make(chan string, 16), close: hangUp}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET /api/realtime: %d %s", res.StatusCode, b)
	}
	go readEvents(ctx, res.Body, s.events)
	first := s.next(t)
	m := connectEvent.FindStringSubmatch(first)
	if m == nil || m[1] != m[2] {
		t.Fatalf("first event = %q, want id:<id>\\nevent:PB_CONNECT\\ndata:{\"clientId\":\"<id>\"}\\n\\n", first)
	}
	s.id = m[1]
	return s
}

// readEvents splits an SSE body into events until it ends.
func readEvents(ctx context.Context, body io.Reader, out chan<- string) {
	defer close(out)
	br := bufio.NewReader(body)
	var ev strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		ev.WriteString(line)
		if line != "\n" {
			continue
		}
		select {
		case out <- ev.String():
		case <-ctx.Done():
			return
		}
		ev.Reset()
	}
}

// next returns the next event, failing if none comes in time or the
// stream ended.
func (s *stream) next(t testing.TB) string {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("the stream ended, want an event")
		}
		return ev
	case <-time.After(eventWait):
		t.Fatal("no event in time")
	}
	return ""
}

// ended asserts the server closes the stream without sending more.
func (s *stream) ended(t testing.TB) {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if ok {
			t.Fatalf("got event %q, want the stream to end", ev)
		}
	case <-time.After(eventWait):
		t.Fatal("the stream is still open")
	}
}

// oauthEvent is the exact @oauth2 event for client id with the given
// JSON data.
func oauthEvent(id, data string) string {
	return "id:" + id + "\nevent:@oauth2\ndata:" + data + "\n\n"
}

// subscribe subscribes the stream to topics and expects 204.
func (e *env) subscribe(t testing.TB, id string, topics ...string) {
	t.Helper()
	list := make([]string, len(topics))
	for i, tp := range topics {
		list[i] = jsonString(tp)
	}
	r := e.post(t, realtimePath, "", `{"clientId":`+jsonString(id)+`,"subscriptions":[`+strings.Join(list, ",")+`]}`)
	wantStatus(t, r, http.StatusNoContent)
}

// redirect calls the OAuth2 redirect endpoint: GET with q as the query,
// or POST with q as a urlencoded form. It checks the answer is the plain
// text page with the surface's security headers and returns it.
func (e *env) redirect(t testing.TB, method string, q url.Values) response {
	t.Helper()
	r := request{method: method, path: redirectPath}
	if method == http.MethodGet {
		r.path += "?" + q.Encode()
	} else {
		r.body, r.ctype = q.Encode(), "application/x-www-form-urlencoded"
	}
	out := e.rawDo(t, r)
	checkRedirectPage(t, out)
	return out
}

// checkRedirectPage asserts the redirect endpoint's answer: plain text,
// success or failure by status, with the security headers.
func checkRedirectPage(t testing.TB, r response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("redirect Content-Type = %q, want text/plain; charset=utf-8", ct)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("redirect page lacks the security headers: %v", r.header)
	}
	switch {
	case r.status == http.StatusOK && r.body == redirectOKText:
	case r.status == http.StatusBadRequest && r.body == redirectFailText:
	default:
		t.Errorf("redirect answer %d %q is neither the success nor the failure page", r.status, r.body)
	}
}

// redirectFrom calls GET /api/oauth2-redirect in process from another
// client address, as a different machine would.
func (e *env) redirectFrom(t testing.TB, remote string, q url.Values) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, redirectPath+"?"+q.Encode(), nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	out := response{status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
	checkRedirectPage(t, out)
	return out
}
