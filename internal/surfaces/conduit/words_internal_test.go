package conduit

import (
	"slices"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestWordsComplete: every core field code has words, and the tables
// name only codes core has (a renamed code would otherwise fall back to
// its kind's default words without anyone noticing).
func TestWordsComplete(t *testing.T) {
	for _, c := range core.FieldCodes() {
		if fieldWords[c] == "" {
			t.Errorf("fieldWords has no words for core field code %q", c)
		}
	}
	for c := range fieldWords {
		if !slices.Contains(core.FieldCodes(), c) {
			t.Errorf("fieldWords words %q, which is not a core field code", c)
		}
	}
	for c, w := range codeWords {
		if !slices.Contains(core.Codes(), c) {
			t.Errorf("codeWords words %q, which is not a core code", c)
		}
		if w.message == "" {
			t.Errorf("codeWords has an empty message for %q", c)
		}
	}
}
