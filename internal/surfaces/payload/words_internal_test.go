package payload

import (
	"slices"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestWordsComplete: every core field code has Payload-style words, and
// the tables name only codes core has.
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
	for c := range codeWords {
		if !slices.Contains(core.Codes(), c) {
			t.Errorf("codeWords words %q, which is not a core code", c)
		}
	}
}

// TestFieldMessages words a validation error by path, in path order.
func TestFieldMessages(t *testing.T) {
	e := &core.Error{Kind: core.KindInvalid, Fields: map[string]core.FieldError{
		"password": {Code: core.FieldPasswordTooShort, Params: map[string]any{"min": 8}},
		"identity": {Code: core.FieldRequired},
		"x":        {Code: "no_such_code"},
	}}
	got := fieldMessages(e)
	want := []fieldMessage{
		{Message: "This field is required.", Path: "email"},
		{Message: "This value must be longer than the minimum length of 8 characters.", Path: "password"},
		{Message: "This field has an invalid input.", Path: "x"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("fieldMessages = %v, want %v", got, want)
	}
}
