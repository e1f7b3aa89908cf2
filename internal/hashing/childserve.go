package hashing

import (
	"bufio"
	"errors"
	"io"
	"os/signal"
	"runtime"
	"syscall"
)

// RunChild is the body of a hash worker process (see ChildDeriver): it
// lowers the process's scheduling priority (Linux: the SCHED_IDLE class,
// at nice; elsewhere the priority is left alone), keeps the Go scheduler to one processor, and
// answers derivation requests from in on out until in is closed. It is
// meant to own its process: it changes process-wide settings and ignores
// SIGINT and SIGTERM, because the parent decides when its workers stop
// (closing in, or killing them) and a Ctrl-C meant for the server must not
// kill the hashes it is still finishing.
func RunChild(nice int, in io.Reader, out io.Writer) error {
	runtime.GOMAXPROCS(1)
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	lowerPriority(nice)
	return serveChild(in, out)
}

// serveChild is RunChild's request loop, without the process settings.
func serveChild(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	if _, err := w.WriteString(childReady); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for {
		req, err := readRequest(r)
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
	}
}
