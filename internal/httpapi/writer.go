package httpapi

import "net/http"

// trackingWriter records the status and size of a response as it is
// written. It is the one ResponseWriter wrapper the middleware share, and
// stays minimal on purpose: Flush and Unwrap keep streaming (server-sent
// events) and http.ResponseController working through it.
type trackingWriter struct {
	http.ResponseWriter
	status int // 0 until the header is written
	bytes  int64
}

// newTrackingWriter wraps w, or returns w itself when it is a
// trackingWriter already: the access log, Recover and Handle all track
// the same response, and with nothing between them that writes, one
// tracker sees exactly what each of their own would (one allocation per
// request instead of three).
func newTrackingWriter(w http.ResponseWriter) *trackingWriter {
	if tw, ok := w.(*trackingWriter); ok {
		return tw
	}
	return &trackingWriter{ResponseWriter: w}
}

// WriteHeader records the first final status. Informational 1xx headers
// (103 Early Hints) do not commit the response, so they are not recorded.
func (t *trackingWriter) WriteHeader(code int) {
	if t.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes sent; the first write implies a 200.
func (t *trackingWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	n, err := t.ResponseWriter.Write(b)
	t.bytes += int64(n)
	return n, err
}

// Flush sends buffered data, which commits the header.
func (t *trackingWriter) Flush() {
	if err := http.NewResponseController(t.ResponseWriter).Flush(); err == nil && t.status == 0 {
		t.status = http.StatusOK
	}
}

// Unwrap returns the wrapped writer for http.ResponseController.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// started reports whether the response header has been committed.
func (t *trackingWriter) started() bool { return t.status != 0 }

// statusCode is the status the client got: 200 when the handler wrote
// nothing at all, as net/http sends.
func (t *trackingWriter) statusCode() int {
	if t.status == 0 {
		return http.StatusOK
	}
	return t.status
}
