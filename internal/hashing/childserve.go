package hashing

import (
	"bufio"
	"errors"
	"io"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/gatehouse/gatehouse/internal/memtrim"
)

// childReleaseAfter is how long a worker waits without a request before
// it hands its memory back to the kernel (releaseMemory). During a login
// flood requests come back to back and a worker keeps its hash's memory
// for the next one; a worker left idle shrinks to its bare runtime long
// before the server stops it (ChildConfig.IdleTimeout).
const childReleaseAfter = time.Second

// RunChild is the body of a hash worker process (see ChildDeriver): it
// lowers the process's scheduling priority (Linux: the SCHED_IDLE class,
// at nice; elsewhere the priority is left alone), keeps the Go scheduler
// to one processor, drops the pages of the executable its start touched
// (Linux; see memtrim.DropFilePages), and answers derivation requests from in on
// out until in is closed. It is
// meant to own its process: it changes process-wide settings and ignores
// SIGINT and SIGTERM, because the parent decides when its workers stop
// (closing in, or killing them) and a Ctrl-C meant for the server must not
// kill the hashes it is still finishing.
func RunChild(nice int, in io.Reader, out io.Writer) error {
	runtime.GOMAXPROCS(1)
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	lowerPriority(nice)
	// Collections come after each answer (serveChild), when the hash's
	// memory is garbage: one left to the pacer would come in the middle
	// of every hash, when the hash's allocation crosses the heap goal,
	// and free nothing.
	debug.SetGCPercent(-1)
	// What the start-up touched of the binary is not needed any more.
	memtrim.DropFilePages()
	return serveChild(in, out)
}

// serveChild is RunChild's request loop, without the process settings.
func serveChild(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	release := time.AfterFunc(time.Hour, releaseMemory)
	release.Stop()
	defer release.Stop()
	if _, err := w.WriteString(childReady); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for {
		req, err := readRequest(r)
		release.Stop()
		if errors.Is(err, io.EOF) {
			return nil // the parent is done with us
		}
		if err != nil {
			return err
		}
		key, err := DeriveKey(req.password, req.salt, req.params)
		clear(req.password)
		if err != nil {
			msg := err.Error()
			if len(msg) > maxChildRefusal {
				msg = msg[:maxChildRefusal]
			}
			err = writeResponse(w, statusRefused, []byte(msg))
		} else {
			err = writeResponse(w, statusKey, key)
		}
		if err != nil {
			return err
		}
		// The hash's memory (Params.Memory) is garbage now. Collecting it
		// here, once the answer is on its way, lets the next hash reuse
		// it: left to the pacer, the next hash's allocation came before
		// the collection and a worker held two hashes' memory (measured:
		// 42 MiB anonymous memory at the default 19 MiB, ~21 MiB with
		// this; see docs/decisions.md). With a heap this small the
		// collection takes microseconds.
		runtime.GC()
		release.Reset(childReleaseAfter)
	}
}

// releaseMemory returns what an idle worker holds beyond its bare runtime
// to the kernel: the heap the last hash freed (the Go runtime otherwise
// keeps it for minutes; measured: 20.6 MiB anonymous 3 s after a hash)
// and the pages of the executable the hash touched. The next hash faults
// them back in, which costs it a few milliseconds; a worker busy with one
// hash after another never releases.
func releaseMemory() {
	debug.FreeOSMemory()
	memtrim.DropFilePages()
}
