package main

import (
	"image"
	"strings"
)

// lineChart draws one panel per series (one per server), stacked, on a
// shared y axis so the panels compare, each with its own time axis and
// its scenarios shaded and named along the top.
type lineChart struct {
	title      string
	yUnit      string
	limit      float64 // a dashed horizontal line; 0 for none
	limitLabel string
	panels     []linePanel
}

// linePanel is one series.
type linePanel struct {
	title  string
	points []linePoint
	bands  []band
}

type linePoint struct{ x, y float64 }

// band is a stretch of the x axis (a scenario) with its name.
type band struct {
	label  string
	x0, x1 float64
}

// Line chart layout, in pixels.
const (
	lineWidth  = 960
	panelH     = 230
	lineTop    = 34
	lineLeft   = 70
	lineRight  = 24
	panelPad   = 56 // above each plot: panel title and band labels
	lineBottom = 26
)

// memoryPanel turns one server's samples into a panel: MB over seconds,
// with a band per scenario (from the "<scenario>/<phase>" labels).
func memoryPanel(s memSeries) linePanel {
	p := linePanel{title: s.Label}
	index := map[string]int{}
	for _, m := range s.Samples {
		t := float64(m.TMs) / 1000
		p.points = append(p.points, linePoint{t, float64(m.RSSKB) / 1024})
		name, _, ok := strings.Cut(m.Phase, "/")
		if !ok {
			continue
		}
		if i, seen := index[name]; seen {
			p.bands[i].x1 = t
			continue
		}
		index[name] = len(p.bands)
		p.bands = append(p.bands, band{label: name, x0: t, x1: t})
	}
	return p
}

// render draws the chart.
func (l lineChart) render() *canvas {
	h := lineTop + len(l.panels)*(panelH+panelPad+lineBottom)
	c := newCanvas(lineWidth, h)
	c.text(12, 20, l.title, inkColor)
	var maxY float64
	for _, p := range l.panels {
		for _, pt := range p.points {
			maxY = max(maxY, pt.y)
		}
	}
	yTop, yStep := niceScale(max(maxY, l.limit*1.05), 5)
	width := lineWidth - lineLeft - lineRight
	y0 := lineTop
	for i, p := range l.panels {
		plotTop := y0 + panelPad
		plotBottom := plotTop + panelH
		c.text(lineLeft, y0+16, p.title, inkColor)
		var maxX float64
		for _, pt := range p.points {
			maxX = max(maxX, pt.x)
		}
		xTop, xStep := niceScale(maxX, 10)
		px := func(x float64) int { return lineLeft + scaleTo(x, xTop, width) }
		py := func(y float64) int { return plotBottom - scaleTo(y, yTop, panelH) }
		for j, b := range p.bands {
			if j%2 == 0 {
				c.fill(image.Rect(px(b.x0), plotTop, px(b.x1)+1, plotBottom), bandColor)
			}
			// Two rows of labels, alternating, so neighbours do not collide.
			c.text(px(b.x0)+2, plotTop-20+12*(j%2), b.label, inkColor)
		}
		for v := 0.0; v <= yTop+yStep/2; v += yStep {
			c.hline(lineLeft, lineLeft+width, py(v), gridColor, false)
			c.textRight(lineLeft-6, py(v)+4, number(v)+l.yUnit, inkColor)
		}
		for v := 0.0; v <= xTop+xStep/2; v += xStep {
			label := number(v) + " s"
			c.vline(px(v), plotBottom, plotBottom+4, inkColor)
			c.text(px(v)-textWidth(label)/2, plotBottom+17, label, inkColor)
		}
		if l.limit > 0 {
			c.hline(lineLeft, lineLeft+width, py(l.limit), limitColor, true)
			c.textRight(lineLeft+width, py(l.limit)-4, l.limitLabel, limitColor)
		}
		col := seriesColors[i%len(seriesColors)]
		for k := 1; k < len(p.points); k++ {
			a, b := p.points[k-1], p.points[k]
			c.line(px(a.x), py(a.y), px(b.x), py(b.y), col)
		}
		c.vline(lineLeft, plotTop, plotBottom, inkColor)
		c.hline(lineLeft, lineLeft+width, plotBottom, inkColor, false)
		y0 = plotBottom + lineBottom
	}
	return c
}
