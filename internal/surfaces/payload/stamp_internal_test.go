package payload

import (
	"testing"
	"time"
)

// FuzzStamp: stamp writes what time.Format writes with timeLayout, for
// any instant and zone, years beyond 0-9999 included.
func FuzzStamp(f *testing.F) {
	for _, s := range []int64{0, -1, 1, 253402300799, 253402300800, -62135596800, -62135596801, 1765000000} {
		f.Add(s, int64(999_999_999), int32(0))
	}
	f.Add(int64(1765000000), int64(123_456_789), int32(-5*3600))
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int32) {
		tm := time.Unix(sec, nsec%1_000_000_000).In(time.FixedZone("z", int(offset%86400)))
		if got, want := stamp(tm), tm.UTC().Format(timeLayout); got != want {
			t.Fatalf("stamp(%v) = %q, want %q", tm, got, want)
		}
	})
}

// BenchmarkStamp compares stamp with the time.Format it replaces.
func BenchmarkStamp(b *testing.B) {
	tm := time.Unix(1765000000, 123_456_789)
	b.Run("stamp", func(b *testing.B) {
		for b.Loop() {
			_ = stamp(tm)
		}
	})
	b.Run("format", func(b *testing.B) {
		for b.Loop() {
			_ = tm.UTC().Format(timeLayout)
		}
	})
}
