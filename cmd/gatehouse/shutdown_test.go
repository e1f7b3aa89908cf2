package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdownFinishesInFlight starts a request, shuts the server
// down while the request body is still arriving, and checks the request
// is still answered in full before run returns.
func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	ts.signUp(t, "frank@example.com", "frank password")

	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"identity":"frank@example.com","password":"frank password"}`
	fmt.Fprintf(conn, "POST /api/collections/users/auth-with-password HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	// Give the server time to read the headers: the connection is then
	// active, and Shutdown must wait for it.
	time.Sleep(200 * time.Millisecond)

	stopped := make(chan struct{})
	go func() { ts.Stop(t); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("server stopped while a request was in flight")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the in-flight response: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("in-flight login answered %d, want 200", res.StatusCode)
	}
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after the in-flight request finished")
	}
}
