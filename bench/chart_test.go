package main

import (
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNiceScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		max, top, step float64
		ticks          int
	}{
		{0, 1, 0.2, 5}, // nothing measured: a unit axis
		{7, 8, 2, 5},   // 1.4 per tick rounds up to 2
		{55521, 60000, 20000, 5},
		{100, 100, 20, 5}, // an exact fit is not pushed up a step
		{93, 100, 20, 5},
		{0.9, 1, 0.2, 5},
		{250, 250, 50, 5},     // 50 is 5 x 10
		{12, 15, 5, 4},        // 3 per tick: 1, 2 and 2.5 are too small
		{2.2, 2.5, 0.5, 5},    // 0.44 per tick: 0.5
		{180, 200, 50, 4},     // 45 per tick: 50
		{1e-3, 1e-3, 2e-4, 5}, // small values scale too
		{math.NaN(), 1, 0.2, 5},
	}
	for _, tt := range tests {
		top, step := niceScale(tt.max, tt.ticks)
		if math.Abs(top-tt.top) > 1e-9*tt.top || math.Abs(step-tt.step) > 1e-9*tt.step {
			t.Errorf("niceScale(%v, %d) = %v, %v; want %v, %v", tt.max, tt.ticks, top, step, tt.top, tt.step)
		}
		if !math.IsNaN(tt.max) && top < tt.max {
			t.Errorf("niceScale(%v): top %v is below the largest value", tt.max, top)
		}
	}
}

func TestScaleTo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v, top float64
		px     int
		want   int
	}{
		{50, 100, 200, 100}, {100, 100, 200, 200}, {150, 100, 200, 200}, {-1, 100, 200, 0}, {5, 0, 200, 0},
		{0.3, 100, 200, 1}, // rounds to the nearest pixel
	} {
		if got := scaleTo(tt.v, tt.top, tt.px); got != tt.want {
			t.Errorf("scaleTo(%v, %v, %d) = %d, want %d", tt.v, tt.top, tt.px, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	for v, want := range map[float64]string{
		55521: "55,521", 60000: "60,000", 1234567: "1,234,567", 44.2: "44.2", 20: "20", 4.23: "4.23",
		2.5: "2.5", 0: "0", 0.2: "0.2", 123.6: "124", -1500: "-1,500",
	} {
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q, want %q", v, got, want)
		}
	}
}

// runOf counts the pixels of col in row y from x on, stopping at the
// first pixel of another color.
func runOf(c *canvas, x, y int, col color.RGBA) int {
	n := 0
	for ; x+n < c.img.Bounds().Dx() && c.img.RGBAAt(x+n, y) == col; n++ {
	}
	return n
}

// TestBarChartLengths draws bars of 100 and 50 on a 0..100 axis: the
// first spans the plot, the second half of it, and a NaN draws nothing.
func TestBarChartLengths(t *testing.T) {
	t.Parallel()
	b := barChart{title: "t", series: []string{"1k users", "1M users"}, groups: []barGroup{
		{label: "read", values: []float64{100, 50}},
		{label: "signup", values: []float64{25, math.NaN()}},
	}}
	left, width, top, _ := b.layout()
	if top != 100 {
		t.Fatalf("axis top %v, want 100", top)
	}
	c := b.render()
	if c.img.Bounds().Dy() != b.height() || c.img.Bounds().Dx() != barWidth {
		t.Errorf("image %v, want %dx%d", c.img.Bounds(), barWidth, b.height())
	}
	row := func(group, series int) int {
		return barTop + group*(2*(barH+barGap)+groupGap) + series*(barH+barGap) + barH/2
	}
	blue, orange := seriesColors[0], seriesColors[1]
	for _, tt := range []struct {
		group, series int
		col           color.RGBA
		want          int
	}{
		{0, 0, blue, width}, {0, 1, orange, width / 2}, {1, 0, blue, width / 4}, {1, 1, orange, 0},
	} {
		// The axis is drawn over the bars' first column.
		if got := runOf(c, left+1, row(tt.group, tt.series), tt.col); got != max(tt.want-1, 0) {
			t.Errorf("group %d series %d: bar of %d pixels after the axis, want %d", tt.group, tt.series, got, max(tt.want-1, 0))
		}
	}
}

func TestMemoryPanel(t *testing.T) {
	t.Parallel()
	p := memoryPanel(memSeries{Label: "1k users", Samples: []memSample{
		{TMs: 0, Phase: "setup/sample", RSSKB: 10240},
		{TMs: 500, Phase: "between", RSSKB: 20480},
		{TMs: 1000, Phase: "read/max", RSSKB: 30720},
		{TMs: 2000, Phase: "read/paced", RSSKB: 30720},
		{TMs: 3000, Phase: "loginflood/flood", RSSKB: 102400},
	}})
	wantBands := []band{{"setup", 0, 0}, {"read", 1, 2}, {"loginflood", 3, 3}}
	if diff := cmp.Diff(wantBands, p.bands, cmp.AllowUnexported(band{})); diff != "" {
		t.Errorf("bands (-want +got):\n%s", diff)
	}
	if len(p.points) != 5 || p.points[1] != (linePoint{0.5, 20}) || p.points[4] != (linePoint{3, 100}) {
		t.Errorf("points %v, want seconds and MB of every sample", p.points)
	}
}

// TestDrawCharts writes the three PNGs for a small run and reads them
// back; a run with nothing to show draws nothing.
func TestDrawCharts(t *testing.T) {
	t.Parallel()
	s := &suite{std: "1k", Settings: suiteSettings{Concurrency: 16, PacedShare: 0.5}}
	for _, r := range []*report{keyed("bare", "", 20000, 0), keyed("read", "1k", 9000, 1), keyed("read", "1M", 8000, 1)} {
		r.Key.PacedP99Ms = 3
		s.add(r)
	}
	s.Memory = []memSeries{{Label: "1k users", Samples: []memSample{{0, "read/max", 40000}, {250, "read/max", 50000}}}}
	dir := t.TempDir()
	names, err := drawCharts(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"throughput.png", "p99.png", "memory.png"}, names); diff != "" {
		t.Fatalf("charts (-want +got):\n%s", diff)
	}
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 900 {
			t.Errorf("%s: %v, bounds %v", n, err, img.Bounds())
		}
	}
	series, groups := barData(s, func(k *keyFigures) float64 { return k.Throughput })
	if diff := cmp.Diff([]string{"1k users", "1M users"}, series); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
	if len(groups) != 2 || groups[0].label != "bare handler" || groups[1].values[1] != 8000 || !math.IsNaN(groups[0].values[1]) {
		t.Errorf("groups %+v: want bare (1k column only) then read on both", groups)
	}
	if names, err := drawCharts(&suite{std: "1k"}, t.TempDir()); err != nil || len(names) != 0 {
		t.Errorf("empty run: charts %v, %v; want none", names, err)
	}
}
