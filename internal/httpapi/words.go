package httpapi

import (
	"fmt"
	"strings"
)

// Fill words a surface's message template: each "{name}" in text becomes
// params[name] (core's error parameters: a length's min, the collection a
// route needs). Every surface's table of words uses it, so they all fill
// templates one way.
func Fill(text string, params map[string]any) string {
	if len(params) == 0 || !strings.Contains(text, "{") {
		return text
	}
	for k, v := range params {
		text = strings.ReplaceAll(text, "{"+k+"}", fmt.Sprint(v))
	}
	return text
}
