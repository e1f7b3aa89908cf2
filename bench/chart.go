package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The charts are drawn with the standard library's image packages and
// basicfont's 7x13 face for labels: no plotting dependency, and a PNG
// that is byte-for-byte the same for the same figures.

// Chart colors: one per series, then the ink for axes and text.
var (
	seriesColors = []color.RGBA{{0x4c, 0x72, 0xb0, 0xff}, {0xdd, 0x84, 0x52, 0xff}, {0x55, 0xa8, 0x68, 0xff}, {0xc4, 0x4e, 0x52, 0xff}}
	inkColor     = color.RGBA{0x22, 0x22, 0x22, 0xff}
	gridColor    = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	limitColor   = color.RGBA{0xc4, 0x4e, 0x52, 0xff}
	bandColor    = color.RGBA{0xf2, 0xf2, 0xf2, 0xff}
)

// Text metrics of basicfont.Face7x13.
const (
	charW = 7
	lineH = 13
)

// canvas is an image being drawn.
type canvas struct{ img *image.RGBA }

func newCanvas(w, h int) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.img, c.img.Bounds(), image.White, image.Point{}, draw.Src)
	return c
}

// fill paints r.
func (c *canvas) fill(r image.Rectangle, col color.Color) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// hline and vline draw one-pixel lines; dashed ones draw 4 of every 8
// pixels.
func (c *canvas) hline(x0, x1, y int, col color.Color, dashed bool) {
	for x := x0; x <= x1; x++ {
		if !dashed || (x-x0)%8 < 4 {
			c.img.Set(x, y, col)
		}
	}
}

func (c *canvas) vline(x, y0, y1 int, col color.Color) {
	for y := min(y0, y1); y <= max(y0, y1); y++ {
		c.img.Set(x, y, col)
	}
}

// line draws a straight line from (x0,y0) to (x1,y1), two pixels thick
// so a data line stands out from the grid (Bresenham's algorithm).
func (c *canvas) line(x0, y0, x1, y1 int, col color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.img.Set(x0, y0, col)
		c.img.Set(x0, y0+1, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

// text writes s with its baseline at y, starting at x.
func (c *canvas) text(x, y int, s string, col color.Color) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textRight writes s ending at x.
func (c *canvas) textRight(x, y int, s string, col color.Color) { c.text(x-textWidth(s), y, s, col) }

func textWidth(s string) int { return charW * len([]rune(s)) }

// save writes the image as a PNG file.
func (c *canvas) save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, c.img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// niceScale picks an axis for values up to maxV: a top that is a whole
// number of steps at or above maxV, and a step of 1, 2, 2.5 or 5 times a
// power of ten giving about ticks steps. A zero or negative maxV gets
// the axis 0..1.
func niceScale(maxV float64, ticks int) (top, step float64) {
	if maxV <= 0 || math.IsNaN(maxV) || math.IsInf(maxV, 0) {
		return 1, 0.2
	}
	raw := maxV / float64(max(ticks, 1))
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * pow
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	return math.Ceil(maxV/step-1e-9) * step, step
}

// scaleTo maps v on an axis of 0..top onto 0..px pixels, clamped.
func scaleTo(v, top float64, px int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return min(px, int(math.Round(v/top*float64(px))))
}

// number formats an axis or value label: whole numbers (and anything
// from 100 up) without decimals and with thousands separated, others
// with one decimal from 10 up and at most two below.
func number(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100 || v == math.Trunc(v):
		return group(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
}

// group puts commas between thousands of a whole number.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
