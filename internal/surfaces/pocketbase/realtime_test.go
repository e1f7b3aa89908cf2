package pocketbase_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRealtimeConnect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.openStream(t) // asserts the exact PB_CONNECT event
	for k, v := range map[string]string{
		"Content-Type":           "text/event-stream",
		"Cache-Control":          "no-store",
		"X-Accel-Buffering":      "no",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "SAMEORIGIN",
	} {
		if got := s.header.Get(k); got != v {
			t.Errorf("stream header %s = %q, want %q", k, got, v)
		}
	}
	// Each stream gets its own id, and the stream stays open after
	// PB_CONNECT: the id can still be subscribed.
	if s2 := e.openStream(t); s2.id == s.id {
		t.Errorf("two streams share the client id %s", s.id)
	}
	e.subscribe(t, s.id, "@oauth2")
}

func TestRealtimeSubscribeErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.openStream(t)
	tooMany := `["` + strings.Repeat(`a","`, 100) + `a"]` // 101 topics
	for _, tc := range []struct{ name, body string }{
		{"string", `{"clientId":"` + s.id + `","subscriptions":"@oauth2"}`},
		{"numbers", `{"clientId":"` + s.id + `","subscriptions":[1]}`},
		{"object", `{"clientId":"` + s.id + `","subscriptions":{"a":"@oauth2"}}`},
		{"nested", `{"clientId":"` + s.id + `","subscriptions":[["@oauth2"]]}`},
		{"too many", `{"clientId":"` + s.id + `","subscriptions":` + tooMany + `}`},
		{"too long", `{"clientId":"` + s.id + `","subscriptions":["` + strings.Repeat("x", 2001) + `"]}`},
		{"client id number", `{"clientId":5,"subscriptions":["@oauth2"]}`},
		{"not json", `{"clientId":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.post(t, realtimePath, "", tc.body), 400, msgLoad, `{}`)
		})
	}
	for _, tc := range []struct{ name, body string }{
		{"unknown", `{"clientId":"nope","subscriptions":["@oauth2"]}`},
		{"missing", `{"subscriptions":["@oauth2"]}`},
		{"empty body", `{}`},
		{"prefix", `{"clientId":"` + s.id[:39] + `","subscriptions":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.post(t, realtimePath, "", tc.body), 404, msgNoClient, `{}`)
		})
	}
	// The wrong-type attempts left the stream usable.
	e.subscribe(t, s.id, "@oauth2", "users/*")
	e.subscribe(t, s.id)
	wantStatus(t, e.post(t, realtimePath, "", `{"clientId":"`+s.id+`","subscriptions":null}`), http.StatusNoContent)
}

func TestOAuth2RedirectDelivers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.openStream(t)
	e.subscribe(t, s.id, "@oauth2")

	r := e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"code-1"}})
	if r.status != 200 || r.body != redirectOKText {
		t.Errorf("redirect = %d %q, want 200 %q", r.status, r.body, redirectOKText)
	}
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"code-1","state":"`+s.id+`"}`); got != want {
		t.Errorf("event = %q, want %q", got, want)
	}

	// Apple's form_post: the same by POST.
	r = e.redirect(t, http.MethodPost, url.Values{"state": {s.id}, "code": {"code-2"}})
	if r.status != 200 {
		t.Errorf("form_post redirect = %d %q", r.status, r.body)
	}
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"code-2","state":"`+s.id+`"}`); got != want {
		t.Errorf("form_post event = %q, want %q", got, want)
	}

	// A provider error reaches the client too, and the popup says it
	// failed.
	r = e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "error": {"access_denied"}})
	if r.status != 400 || r.body != redirectFailText {
		t.Errorf("error redirect = %d %q, want 400 failure page", r.status, r.body)
	}
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"","error":"access_denied","state":"`+s.id+`"}`); got != want {
		t.Errorf("error event = %q, want %q", got, want)
	}
	// JSON escaping holds for hostile values.
	e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"a\"b\n<c>"}})
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"a\"b\n\u003cc\u003e","state":"`+s.id+`"}`); got != want {
		t.Errorf("escaped event = %q, want %q", got, want)
	}
}

// TestOAuth2RedirectRefused covers redirects that must not reach a
// stream. Each is followed by a good one: the next event the stream sees
// must be the good one, so nothing from the refused one was queued.
func TestOAuth2RedirectRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.openStream(t)
	other := e.openStream(t)
	e.subscribe(t, other.id, "@oauth2")

	refused := func(t *testing.T, r response) {
		t.Helper()
		if r.status != 400 || r.body != redirectFailText {
			t.Errorf("redirect = %d %q, want 400 failure page", r.status, r.body)
		}
	}
	// Not subscribed, or subscribed to something else.
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"bad-1"}}))
	e.subscribe(t, s.id, "users/*")
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"bad-2"}}))
	e.subscribe(t, s.id, "@oauth2")
	// Wrong, missing or differently cased state.
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {"nope"}, "code": {"bad-3"}}))
	refused(t, e.redirect(t, http.MethodGet, url.Values{"code": {"bad-4"}}))
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {strings.ToUpper(s.id[:1]) + strings.ToLower(s.id[1:])}, "code": {"bad-5"}}))
	// From another machine than the stream's.
	refused(t, e.redirectFrom(t, "192.0.2.7:4567", url.Values{"state": {s.id}, "code": {"bad-6"}}))
	// Without a code it is a failure (the client is told, with an empty
	// code, as in PocketBase).
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {s.id}}))
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"","state":"`+s.id+`"}`); got != want {
		t.Errorf("codeless event = %q, want %q", got, want)
	}

	e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"good"}})
	if got, want := s.next(t), oauthEvent(s.id, `{"code":"good","state":"`+s.id+`"}`); got != want {
		t.Errorf("after refused redirects the next event is %q, want %q", got, want)
	}
	// The other stream never saw s's codes.
	e.redirect(t, http.MethodGet, url.Values{"state": {other.id}, "code": {"mine"}})
	if got, want := other.next(t), oauthEvent(other.id, `{"code":"mine","state":"`+other.id+`"}`); got != want {
		t.Errorf("other stream's next event = %q, want %q", got, want)
	}

	// Unsubscribing (an empty list) stops delivery.
	e.subscribe(t, s.id)
	refused(t, e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"late"}}))
}

func TestRealtimeEndsOnDone(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	e := newOAuthEnv(t, func(c *config) { c.Done = done })
	s1, s2 := e.openStream(t), e.openStream(t)
	e.subscribe(t, s1.id, "@oauth2")
	close(done)
	s1.ended(t)
	s2.ended(t)
	// A closed stream's id is forgotten.
	wantError(t, e.post(t, realtimePath, "", `{"clientId":"`+s1.id+`","subscriptions":["@oauth2"]}`), 404, msgNoClient, `{}`)
	r := e.redirect(t, http.MethodGet, url.Values{"state": {s1.id}, "code": {"c"}})
	if r.status != 400 {
		t.Errorf("redirect to a closed stream = %d, want 400", r.status)
	}
}

func TestRealtimeClientGone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.openStream(t)
	e.subscribe(t, s.id, "@oauth2")
	s.close()
	// The server notices the hang-up on its own time: poll until the id
	// stops resolving.
	waitFor(t, "the closed stream's id to be forgotten", func() bool {
		return e.rawDo(t, request{method: http.MethodPost, path: realtimePath, body: `{"clientId":"` + s.id + `"}`}).status == 404
	})
	r := e.redirect(t, http.MethodGet, url.Values{"state": {s.id}, "code": {"c"}})
	if r.status != 400 {
		t.Errorf("redirect to a gone stream = %d, want 400", r.status)
	}
}
