package httpapi

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// closedByPeer reports whether the far end of a pipe was closed.
func closedByPeer(far net.Conn) bool {
	far.SetReadDeadline(time.Now().Add(time.Second))
	_, err := far.Read(make([]byte, 1))
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe)
}

func TestIdleConnsClosesLongestIdle(t *testing.T) {
	var closed atomic.Int32
	ic := NewIdleConns(2, func() { closed.Add(1) })
	near := make([]net.Conn, 4)
	far := make([]net.Conn, 4)
	for i := range near {
		near[i], far[i] = net.Pipe()
		defer near[i].Close()
		defer far[i].Close()
		ic.Track(near[i], http.StateNew)
		ic.Track(near[i], http.StateActive)
	}
	ic.Track(near[0], http.StateIdle)
	ic.Track(near[1], http.StateIdle)
	// 0 serves another request: it is now the most recently idle.
	ic.Track(near[0], http.StateActive)
	ic.Track(near[0], http.StateIdle)
	// 2 and 3 stay active: never counted, never closed.
	if n := ic.Len(); n != 2 || closed.Load() != 0 {
		t.Fatalf("idle %d, closed %d; want 2 idle, none closed", n, closed.Load())
	}
	ic.Track(near[2], http.StateIdle) // a third idle one: 1 is the longest idle
	if !closedByPeer(far[1]) {
		t.Error("the longest-idle connection was not closed")
	}
	ic.Track(near[1], http.StateClosed) // net/http reports it
	if n := ic.Len(); n != 2 || closed.Load() != 1 {
		t.Errorf("idle %d, closed %d; want 2 idle, 1 closed", n, closed.Load())
	}
	ic.Track(near[3], http.StateHijacked)
	ic.Track(near[2], http.StateClosed)
	if n := ic.Len(); n != 1 {
		t.Errorf("idle %d after a close, want 1", n)
	}
}

// TestIdleConnsConcurrent runs the hook from many goroutines (go test
// -race) and checks the count stays within the cap.
func TestIdleConnsConcurrent(t *testing.T) {
	ic := NewIdleConns(8, nil)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b := net.Pipe()
			defer b.Close()
			for range 200 {
				ic.Track(a, http.StateActive)
				ic.Track(a, http.StateIdle)
				if n := ic.Len(); n > 8 {
					t.Errorf("%d idle, over the cap of 8", n)
					return
				}
			}
			ic.Track(a, http.StateClosed)
		}()
	}
	wg.Wait()
	if n := ic.Len(); n != 0 {
		t.Errorf("%d idle after every connection closed", n)
	}
}
