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

// childHeadroom is how much a worker's soft memory limit leaves beside
// the memory of the hash it runs (memoryLimitFor): the runtime's own
// structures, the stacks and the small allocations of a request. Below
// about 8 MiB the collector starts running during the hash, when there is
// nothing to free (measured with GODEBUG=gctrace=1 at the default 19 MiB:
// a limit 4 to 6 MiB above it collected eight to ten times per hash, 7
// MiB above it once per hash, 8 MiB above it once on the first hash, 9
// MiB above it never).
const childHeadroom = 10 << 20

// memoryLimitFor is a worker's soft memory limit while it derives with p.
//
// Why a worker has a limit at all: its collector's pace is off (RunChild),
// and with no limit either the runtime takes the heap's goal to be
// unbounded, which it treats as a heap past 1 GiB: it then asks the kernel
// for huge pages on its own metadata (the 32 MiB heap index and the page
// allocator's chunks, Go's enableMetadataHugePages), and every 2 MiB
// region of them a hash touches becomes 2 MiB resident. Measured on a
// worker of the real binary (argon2id m=19 MiB), 30 hashes half a second
// apart: 2 to 6 MiB of that index resident and not given back by
// releaseMemory (25 to 29 MiB anonymous while hashing, 5 to 9 MiB idle),
// against 22.6 MiB hashing and 3.3 MiB idle with the limit. A limit keeps
// the goal bounded, and it also has the runtime return free pages that
// pile up beyond one hash's memory. (A stored hash asking for close to
// the 1 GiB this package accepts lifts the goal past that point again;
// that worker then keeps the advice until it is stopped.)
func memoryLimitFor(p Params) int64 { return int64(p.Memory)<<10 + childHeadroom }

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
	// With the pace off, a limit keeps the heap's goal bounded (see
	// memoryLimitFor); each request sets its own before it derives.
	debug.SetMemoryLimit(childHeadroom)
	// What the start-up touched of the binary is not needed any more.
	memtrim.DropFilePages()
	return serveChild(in, out, setMemoryLimit)
}

// setMemoryLimit sets the process's soft memory limit for a derivation
// with p.
func setMemoryLimit(p Params) { debug.SetMemoryLimit(memoryLimitFor(p)) }

// serveChild is RunChild's request loop, without the process settings:
// before each derivation it calls limit (nil: nothing) with the
// request's parameters.
func serveChild(in io.Reader, out io.Writer, limit func(Params)) error {
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
		if limit != nil && req.params.Check() == nil {
			limit(req.params)
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
