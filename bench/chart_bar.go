package main

import (
	"image"
	"math"
)

// barChart is a horizontal bar chart: one group of bars per category
// (scenario), one bar per series (dataset) in each group. Horizontal bars
// leave room for the scenario names, and a linear axis keeps bar lengths
// honest; each bar carries its value, so a short bar still reads.
type barChart struct {
	title  string
	unit   string   // after each value label: "/s", " ms"
	series []string // legend, in bar order within a group
	groups []barGroup
}

// barGroup is one category; a NaN value draws no bar (not measured).
type barGroup struct {
	label  string
	values []float64 // one per series
}

// Bar chart layout, in pixels.
const (
	barWidth     = 960
	barH         = 16
	barGap       = 3
	groupGap     = 12
	barTop       = 56 // title and legend
	barBottom    = 34 // axis labels
	barRightPad  = 110
	barLabelPad  = 12
	barAxisTicks = 5
)

// layout returns the left edge and width of the plot area and the axis.
func (b barChart) layout() (left, width int, top, step float64) {
	labelW := 0
	var maxV float64
	for _, g := range b.groups {
		labelW = max(labelW, textWidth(g.label))
		for _, v := range g.values {
			if !math.IsNaN(v) {
				maxV = max(maxV, v)
			}
		}
	}
	left = labelW + 2*barLabelPad
	top, step = niceScale(maxV, barAxisTicks)
	return left, barWidth - left - barRightPad, top, step
}

// height is the image height for the groups.
func (b barChart) height() int {
	n := max(len(b.series), 1)
	return barTop + len(b.groups)*(n*(barH+barGap)+groupGap) + barBottom
}

// render draws the chart.
func (b barChart) render() *canvas {
	c := newCanvas(barWidth, b.height())
	left, width, top, step := b.layout()
	plotBottom := b.height() - barBottom
	c.text(barLabelPad, 20, b.title, inkColor)
	x := left
	for i, s := range b.series {
		col := seriesColors[i%len(seriesColors)]
		c.fill(image.Rect(x, 32, x+12, 44), col)
		c.text(x+18, 43, s, inkColor)
		x += 18 + textWidth(s) + 24
	}
	// Grid and axis labels.
	for v := 0.0; v <= top+step/2; v += step {
		gx := left + scaleTo(v, top, width)
		c.vline(gx, barTop-4, plotBottom, gridColor)
		label := number(v)
		c.text(gx-textWidth(label)/2, plotBottom+18, label, inkColor)
	}
	y := barTop
	for _, g := range b.groups {
		gh := len(b.series) * (barH + barGap)
		c.textRight(left-barLabelPad, y+gh/2+4, g.label, inkColor)
		for i, v := range g.values {
			if !math.IsNaN(v) {
				col := seriesColors[i%len(seriesColors)]
				c.fill(image.Rect(left, y, left+scaleTo(v, top, width), y+barH), col)
				c.text(left+scaleTo(v, top, width)+4, y+barH-3, number(v)+b.unit, inkColor)
			}
			y += barH + barGap
		}
		y += groupGap
	}
	c.vline(left, barTop-4, plotBottom, inkColor)
	return c
}
