package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// JSONAppender is a value that can encode itself faster than
// encoding/json, with the same output; WriteJSON uses AppendJSON when it
// reports true, and encoding/json otherwise.
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, bool)
}

// WriteJSON writes v as the response body with the given status.
//
// The output is what encoding/json's Encoder produces by default: compact,
// with <, > and & escaped as \u003c, \u003e and \u0026, and a trailing
// newline; Content-Type is application/json without a charset. Clients
// and golden files compare these bytes (PocketBase's own tests do).
//
// v is encoded into a buffer first, so a value that fails to encode never
// leaves a half-written body: the response is then a 500 with the body
// {} and the encoding error is returned for the caller to log.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	var fast []byte
	var ok bool
	bp := bodyBufs.Get().(*[]byte)
	defer putBodyBuf(bp)
	switch x := v.(type) {
	case map[string]any:
		fast, ok = jsonenc.AppendFlatObject((*bp)[:0], x)
	case JSONAppender:
		fast, ok = x.AppendJSON((*bp)[:0])
	}
	if ok {
		fast = append(fast, '\n')
		*bp = fast
		w.Header()["Content-Type"] = jsonContentType
		w.WriteHeader(status)
		_, err := w.Write(fast)
		return err
	}
	// The slow path encodes into the pooled buffer too.
	buf := bytes.NewBuffer((*bp)[:0])
	defer func() { *bp = buf.Bytes() }()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("{}\n"))
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteNoContent writes an empty 204 response.
func WriteNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// jsonContentType is WriteJSON's Content-Type, shared by every response
// (net/http only reads it; its capacity is its length, so an Add copies).
var jsonContentType = []string{"application/json"}[:1:1]

// bodyBufs recycles WriteJSON's encoding buffers: the body is copied into
// the connection's own buffer by Write, so the buffer is free again as
// soon as Write returns, and every JSON answer would otherwise allocate
// one.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledBody keeps a rare huge answer's buffer out of the pool.
const maxPooledBody = 64 << 10

func putBodyBuf(bp *[]byte) {
	if cap(*bp) <= maxPooledBody {
		*bp = (*bp)[:0]
		bodyBufs.Put(bp)
	}
}
