package hashing

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The child protocol, on the child's stdin and stdout. The child first
// writes childReady once it has lowered its priority. Then, per request,
// the parent writes a header of six big-endian fields (memory u32,
// iterations u32, parallelism u8, key length u32, salt length u32,
// password length u32) followed by the salt and the password, and the
// child answers a status byte (0 key, 1 refusal), a u32 length and that
// many bytes: the key or the refusal's text. Nothing is ever logged and
// the password travels only through the pipe, never argv or the
// environment.
const (
	childReady      = "gatehouse-hash-worker/1\n"
	reqHeaderLen    = 4 + 4 + 1 + 4 + 4 + 4
	statusKey       = 0
	statusRefused   = 1
	maxChildPwdLen  = 4096 // bytes; core caps passwords at 255 characters
	maxChildRefusal = 1024
)

// request is one derivation as it crosses the pipe.
type request struct {
	params   Params
	salt     []byte
	password []byte
}

// encode returns the request's bytes, written with one Write.
func (r *request) encode() []byte {
	b := make([]byte, reqHeaderLen, reqHeaderLen+len(r.salt)+len(r.password))
	binary.BigEndian.PutUint32(b[0:], r.params.Memory)
	binary.BigEndian.PutUint32(b[4:], r.params.Iterations)
	b[8] = r.params.Parallelism
	binary.BigEndian.PutUint32(b[9:], r.params.KeyLen)
	binary.BigEndian.PutUint32(b[13:], uint32(len(r.salt)))
	binary.BigEndian.PutUint32(b[17:], uint32(len(r.password)))
	b = append(b, r.salt...)
	return append(b, r.password...)
}

// errFraming is a stream that cannot be read as the protocol: the side
// that sees it stops using the stream.
var errFraming = errors.New("hashing: child protocol violated")

// readRequest reads one request; io.EOF means the parent closed stdin.
func readRequest(r *bufio.Reader) (*request, error) {
	var h [reqHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	req := &request{params: Params{
		Memory:      binary.BigEndian.Uint32(h[0:]),
		Iterations:  binary.BigEndian.Uint32(h[4:]),
		Parallelism: h[8],
		KeyLen:      binary.BigEndian.Uint32(h[9:]),
	}}
	saltLen, pwdLen := binary.BigEndian.Uint32(h[13:]), binary.BigEndian.Uint32(h[17:])
	if saltLen > maxSaltLen || pwdLen > maxChildPwdLen {
		return nil, errFraming
	}
	body := make([]byte, int(saltLen)+int(pwdLen))
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("%w: %v", errFraming, err)
	}
	req.salt, req.password = body[:saltLen], body[saltLen:]
	return req, nil
}

// writeResponse writes one answer.
func writeResponse(w *bufio.Writer, status byte, payload []byte) error {
	var h [5]byte
	h[0] = status
	binary.BigEndian.PutUint32(h[1:], uint32(len(payload)))
	w.Write(h[:])
	w.Write(payload)
	return w.Flush()
}

// readResponse reads one answer to a request for a key of keyLen bytes.
// A refusal becomes a *refusedError; anything malformed is errFraming.
func readResponse(r *bufio.Reader, keyLen uint32) ([]byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	switch {
	case h[0] == statusKey && n == keyLen:
	case h[0] == statusRefused && n <= maxChildRefusal:
	default:
		return nil, errFraming
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	if h[0] == statusRefused {
		return nil, &refusedError{msg: string(b)}
	}
	return b, nil
}

// refusedError is a child's answer that it would not derive a key (bad
// parameters). The child is healthy; retrying would get the same answer.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return "hashing: child refused: " + e.msg }
