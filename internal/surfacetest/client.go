package surfacetest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Request is one HTTP call to a Server.
type Request struct {
	Method string
	// Path is the path and query, appended to the server's URL.
	Path string
	// Body is sent as is; an empty one is sent as no body at all.
	Body string
	// ContentType defaults to application/json when Body is not empty.
	ContentType string
	// Authorization is the header's value, sent as given when not empty:
	// a raw token for PocketBase, "Bearer <token>" for Directus.
	Authorization string
	// Header values are set last, so they may override any of the above.
	Header map[string]string
	// Cookies are sent by name and value.
	Cookies map[string]string
}

// Response is what a Server answered.
type Response struct {
	Status int
	Header http.Header
	Body   string
	// Cookies are the Set-Cookie headers by cookie name (the last one
	// wins when a name repeats).
	Cookies map[string]*http.Cookie
	// Elapsed runs from sending the request to reading the whole body.
	Elapsed time.Duration
}

// Do sends r and returns the answer. It fails the test only when the
// call itself fails; judging the answer is the caller's part.
func (s *Server) Do(t testing.TB, r Request) Response {
	t.Helper()
	req, err := http.NewRequest(r.Method, s.URL+r.Path, strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	if r.Body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	ct := r.ContentType
	if ct == "" && r.Body != "" {
		ct = "application/json"
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if r.Authorization != "" {
		req.Header.Set("Authorization", r.Authorization)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	for k, v := range r.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	start := time.Now()
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", r.Method, r.Path, err)
	}
	out := Response{Status: res.StatusCode, Header: res.Header, Body: string(body), Cookies: map[string]*http.Cookie{}, Elapsed: time.Since(start)}
	for _, c := range res.Cookies() {
		out.Cookies[c.Name] = c
	}
	return out
}

// Client returns an HTTP client for the server's listener that does not
// follow redirects: a test sees the redirect the surface answered, not
// the page it points at. It is for calls Do cannot make (a stream, a
// body of unknown length).
func (s *Server) Client() *http.Client {
	c := *s.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
