//go:build unix

package hashing

import (
	"testing"
	"time"
)

// CPUWatch reports busy while this process spins and idle when it rests.
func TestCPUWatch(t *testing.T) {
	w := NewCPUWatch(50*time.Millisecond, 0.2) // low: a loaded machine may give the spinner little
	defer w.Close()
	deadline := time.Now().Add(5 * time.Second)
	stop := make(chan struct{})
	go func() { // about one core of spinning
		for {
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	for !w.Busy() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	if !w.Busy() {
		t.Fatal("spinning a core: watch never reported busy")
	}
	for w.Busy() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w.Busy() {
		t.Error("resting: watch still busy")
	}
}
