package hashing

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"golang.org/x/crypto/argon2"
)

// serveOnce runs serveChild on in and returns its output after the ready
// line, and its error.
func serveOnce(t *testing.T, in []byte) (*bufio.Reader, error) {
	t.Helper()
	var out bytes.Buffer
	err := serveChild(bytes.NewReader(in), &out, nil)
	r := bufio.NewReader(&out)
	line := make([]byte, len(childReady))
	if _, rerr := io.ReadFull(r, line); rerr != nil || string(line) != childReady {
		t.Fatalf("no ready line: %q, %v", line, rerr)
	}
	return r, err
}

func TestServeChildAnswersAndRefuses(t *testing.T) {
	t.Parallel()
	good := request{params: Params{Memory: 64, Iterations: 1, Parallelism: 1, KeyLen: 32}, salt: []byte("saltsalt"), password: []byte("pw")}
	bad := good
	bad.params.Memory = maxArgonMemory + 1
	r, err := serveOnce(t, append(good.encode(), bad.encode()...))
	if err != nil {
		t.Fatalf("serveChild: %v", err)
	}
	key, err := readResponse(r, 32)
	if err != nil || !bytes.Equal(key, argon2.IDKey([]byte("pw"), []byte("saltsalt"), 1, 64, 1, 32)) {
		t.Fatalf("first answer %x, %v", key, err)
	}
	var refused *refusedError
	if _, err := readResponse(r, 32); !errors.As(err, &refused) {
		t.Fatalf("out-of-limit params: %v, want a refusal", err)
	}
}

func TestServeChildStopsOnBadFraming(t *testing.T) {
	t.Parallel()
	huge := request{params: goldenCases[0].p, salt: make([]byte, maxSaltLen+1)}
	if _, err := serveOnce(t, huge.encode()); !errors.Is(err, errFraming) {
		t.Fatalf("oversized salt: %v, want errFraming", err)
	}
	short := (&request{params: goldenCases[0].p, salt: []byte("saltsalt"), password: []byte("pw")}).encode()
	if _, err := serveOnce(t, short[:len(short)-1]); !errors.Is(err, errFraming) {
		t.Fatalf("truncated body: %v, want errFraming", err)
	}
}

func TestReadResponseRejectsWrongKeyLength(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	writeResponse(w, statusKey, make([]byte, 16))
	if _, err := readResponse(bufio.NewReader(&b), 32); !errors.Is(err, errFraming) {
		t.Fatalf("16-byte key for a 32-byte request: %v, want errFraming", err)
	}
}

// The Hasher must give the same hashes and verdicts through workers, and
// turn an ended ctx into the pool's unavailable error.
func TestHasherWithChildren(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	cfg := cheap
	cfg.Deriver = d
	h := newTestHasher(t, cfg, nil)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "secret")
	if err != nil {
		t.Fatal(err)
	}
	inproc := newTestHasher(t, cheap, nil)
	for _, v := range []*Hasher{h, inproc} {
		if ok, rehash, err := v.Verify(ctx, enc, "secret"); !ok || rehash || err != nil {
			t.Errorf("Verify(right) = %v, %v, %v", ok, rehash, err)
		}
		if ok, _, err := v.Verify(ctx, enc, "wrong"); ok || err != nil {
			t.Errorf("Verify(wrong) = %v, %v", ok, err)
		}
	}
	if err := h.VerifyDummy(ctx, "x"); err != nil {
		t.Errorf("VerifyDummy: %v", err)
	}
	if d.Workers() == 0 {
		t.Error("no worker process was used")
	}
	h.Close()
	if d.Workers() != 0 {
		t.Errorf("Hasher.Close left %d workers", d.Workers())
	}
}

func TestHasherChildCtxEndIsUnavailable(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "hang")
	cfg := cheap
	cfg.Deriver = d
	h := newTestHasher(t, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	enc, _ := newTestHasher(t, cheap, nil).Hash(context.Background(), "pw")
	go func() {
		for d.Workers() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	_, _, err := h.Verify(ctx, enc, "pw")
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Kind != core.KindUnavailable {
		t.Fatalf("Verify with an ended ctx: %v, want KindUnavailable", err)
	}
}
