// Package logfmt is a slog.Handler that writes exactly what slog's own
// text and JSON handlers write, faster for the records a server logs on
// every request (the access log: short strings, integers, durations).
// Any record it cannot format byte-for-byte the same way (other kinds of
// values, strings needing escapes, handlers with attributes or groups) goes
// to slog's handler, on the same writer.
//
// Why: the access log line was about a tenth of the CPU of a token check,
// mostly spent in slog's general-purpose formatting.
package logfmt

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Handler is the fast slog.Handler; build it with New.
type Handler struct {
	out   *lockedWriter
	json  bool
	level slog.Leveler
	slow  slog.Handler
	// slowOnly sends every record to slow: the fast paths know nothing
	// of AddSource and ReplaceAttr.
	slowOnly bool
}

// New returns a handler writing to w in slog's JSON layout when json is
// true, else its text layout, for records at opts.Level and above. opts
// may be nil. With AddSource or ReplaceAttr set, every record goes
// through slog's own handler, which applies them.
func New(w io.Writer, json bool, opts *slog.HandlerOptions) *Handler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	lw := &lockedWriter{w: w}
	h := &Handler{out: lw, json: json, level: opts.Level, slowOnly: opts.AddSource || opts.ReplaceAttr != nil}
	if h.level == nil {
		h.level = slog.LevelInfo
	}
	if json {
		h.slow = slog.NewJSONHandler(lw, opts)
	} else {
		h.slow = slog.NewTextHandler(lw, opts)
	}
	return h
}

// lockedWriter makes each Write (one whole line, from either path) atomic.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// WithAttrs implements slog.Handler; the result is slog's own handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler { return h.slow.WithAttrs(as) }

// WithGroup implements slog.Handler; the result is slog's own handler.
func (h *Handler) WithGroup(name string) slog.Handler { return h.slow.WithGroup(name) }

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if h.slowOnly {
		return h.slow.Handle(ctx, r)
	}
	bp := bufs.Get().(*[]byte)
	defer func() { *bp = (*bp)[:0]; bufs.Put(bp) }()
	var ok bool
	if h.json {
		*bp, ok = appendJSON(*bp, r)
	} else {
		*bp, ok = appendText(*bp, r)
	}
	if !ok {
		return h.slow.Handle(ctx, r)
	}
	_, err := h.out.Write(*bp)
	return err
}

// textTime is slog's text time layout (RFC 3339, milliseconds).
const textTime = "2006-01-02T15:04:05.000Z07:00"

// appendTextTime appends t in textTime, digit by digit for the years
// 0-9999 and zones a whole number of minutes off UTC (time's layout
// interpreter was a measurable part of every access line), through
// AppendFormat otherwise.
func appendTextTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	_, off := t.Zone()
	if year < 0 || year > 9999 || off%60 != 0 {
		return t.AppendFormat(b, textTime)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	b = append(b, byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T')
	b = append(b, byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':')
	b = append(b, byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	h, m := off/3600, off/60%60
	if h > 99 {
		return t.AppendFormat(b[:len(b)-23], textTime)
	}
	return append(b, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

func appendText(b []byte, r slog.Record) ([]byte, bool) {
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = appendTextTime(b, r.Time.Round(0).Truncate(time.Millisecond))
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = append(b, r.Level.String()...)
	b = append(b, " msg="...)
	var ok bool
	if b, ok = appendTextString(b, r.Message); !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		if !plainKey(a.Key) {
			ok = false
			return false
		}
		b = append(b, ' ')
		b = append(b, a.Key...)
		b = append(b, '=')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			b, ok = appendTextString(b, v.String())
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			b = append(b, v.Duration().String()...)
		default:
			ok = false
		}
		return ok
	})
	return append(b, '\n'), ok
}

// appendTextString writes s bare when it is plain, quoted when it is
// printable ASCII with spaces, and gives up otherwise (slog's own rules
// then decide).
func appendTextString(b []byte, s string) ([]byte, bool) {
	if s == "" {
		return append(b, `""`...), true
	}
	quote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			quote = true
		case c < 0x21 || c > 0x7e || c == '"' || c == '\\' || c == '=':
			return b, false
		}
	}
	if quote {
		return strconv.AppendQuote(b, s), true
	}
	return append(b, s...), true
}

// plainKey reports whether a key needs no quoting or escaping in either
// layout.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func appendJSON(b []byte, r slog.Record) ([]byte, bool) {
	b = append(b, '{')
	if !r.Time.IsZero() {
		b = append(b, `"time":"`...)
		b = r.Time.Round(0).AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":"`...)
	b = append(b, r.Level.String()...)
	b = append(b, `","msg":`...)
	var ok bool
	if b, ok = appendJSONString(b, r.Message); !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		if !plainKey(a.Key) {
			ok = false
			return false
		}
		b = append(b, `,"`...)
		b = append(b, a.Key...)
		b = append(b, `":`...)
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			b, ok = appendJSONString(b, v.String())
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			b = strconv.AppendInt(b, int64(v.Duration()), 10)
		default:
			ok = false
		}
		return ok
	})
	return append(b, "}\n"...), ok
}

// appendJSONString writes s when it is printable ASCII needing no escape,
// and gives up otherwise.
func appendJSONString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		// slog's JSON handler escapes no HTML characters (<, >, &), so
		// they need no fallback either.
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return b, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
