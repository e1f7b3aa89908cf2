package logfmt

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// Whatever the record, the handler writes byte-for-byte what slog's own
// handler writes, in both layouts: the fast path where it applies, slog
// itself where it does not.
func FuzzSameAsSlog(f *testing.F) {
	f.Add("http request", "path", "/api/collections/users/records/abc", int64(200), int64(1234567), true, int64(1700000000123456789))
	f.Add("has \"quotes\" and = signs", "k y", "é <&>\n", int64(-1), int64(0), false, int64(0))
	f.Add("", "", "", int64(0), int64(0), false, int64(1))
	f.Add("a <b> & c", "q", "x=1&y=<2>", int64(3), int64(4), true, int64(5))
	f.Fuzz(func(t *testing.T, msg, key, val string, n, dur int64, flag bool, unixNano int64) {
		rec := slog.NewRecord(time.Unix(0, unixNano), slog.LevelInfo, msg, 0)
		if unixNano == 0 {
			rec.Time = time.Time{}
		}
		rec.AddAttrs(slog.String("method", "GET"), slog.String(key, val), slog.Int64("status", n),
			slog.Duration("duration", time.Duration(dur)), slog.Bool("aborted", flag), slog.Uint64("u", uint64(n)))
		for _, json := range []bool{false, true} {
			var fast, std bytes.Buffer
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			if err := New(&fast, json, opts).Handle(context.Background(), rec); err != nil {
				t.Fatal(err)
			}
			var h slog.Handler = slog.NewTextHandler(&std, opts)
			if json {
				h = slog.NewJSONHandler(&std, opts)
			}
			if err := h.Handle(context.Background(), rec); err != nil {
				t.Fatal(err)
			}
			if fast.String() != std.String() {
				t.Fatalf("json=%v\nfast: %q\nslog: %q", json, fast.String(), std.String())
			}
		}
	})
}

// Records with other kinds of values, and derived handlers, are slog's.
func TestFallbacks(t *testing.T) {
	var fast, std bytes.Buffer
	rec := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelWarn, "m", 0)
	rec.AddAttrs(slog.Any("err", context.Canceled), slog.Float64("f", 1.5), slog.Group("g", slog.Int("a", 1)))
	_ = New(&fast, false, nil).Handle(context.Background(), rec)
	_ = slog.NewTextHandler(&std, nil).Handle(context.Background(), rec)
	if fast.String() != std.String() {
		t.Errorf("fast %q, slog %q", fast.String(), std.String())
	}
	h := New(&fast, false, nil)
	if h.Enabled(context.Background(), slog.LevelDebug) || !h.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("default level is not info")
	}
	if _, ok := h.WithAttrs([]slog.Attr{slog.String("a", "b")}).(*Handler); ok {
		t.Error("WithAttrs kept the fast handler")
	}
}

// An access-log record takes the fast path in both layouts.
func TestAccessLineIsFast(t *testing.T) {
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "http request", 0)
	rec.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/collections/users/records/abc123"),
		slog.Int("status", 200), slog.Int64("bytes", 312), slog.Duration("duration", 412*time.Microsecond),
		slog.String("request_id", "016f6a1848944346e6c842ed"), slog.String("client_ip", "127.0.0.1"))
	if _, ok := appendText(nil, rec); !ok {
		t.Error("text layout fell back to slog")
	}
	if _, ok := appendJSON(nil, rec); !ok {
		t.Error("JSON layout fell back to slog")
	}
}

// With ReplaceAttr set, every record is slog's, which applies it.
func TestReplaceAttrIsApplied(t *testing.T) {
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "secret" {
			a.Value = slog.StringValue("REDACTED")
		}
		return a
	}}
	for _, json := range []bool{false, true} {
		var b bytes.Buffer
		rec := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "m", 0)
		rec.AddAttrs(slog.String("secret", "hunter2"))
		if err := New(&b, json, opts).Handle(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b.Bytes(), []byte("hunter2")) || !bytes.Contains(b.Bytes(), []byte("REDACTED")) {
			t.Errorf("json=%v: %q, want the attribute replaced", json, b.String())
		}
	}
}

// Access lines' times are written exactly as time's layout writes them,
// in any zone and year.
func FuzzAppendTextTime(f *testing.F) {
	f.Add(int64(1700000000123456789), 0)
	f.Add(int64(-1), -5*3600-30*60)
	f.Add(int64(253402300799999999), 14*3600)
	f.Add(int64(0), 3600+17) // an offset with seconds
	f.Fuzz(func(t *testing.T, ns int64, off int) {
		off %= 100 * 3600
		loc := time.FixedZone("z", off)
		for _, tm := range []time.Time{time.Unix(0, ns).In(loc), time.Unix(ns, ns%1e9).In(loc), time.Unix(0, ns).UTC(), time.Unix(0, ns).Local()} {
			tm = tm.Truncate(time.Millisecond)
			want := tm.Format(textTime)
			if got := string(appendTextTime(nil, tm)); got != want {
				t.Fatalf("%v: appendTextTime = %q, Format = %q", tm, got, want)
			}
		}
	})
}
