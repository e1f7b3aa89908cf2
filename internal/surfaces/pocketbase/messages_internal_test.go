package pocketbase

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestWordsComplete: every core code has PocketBase's words, so a new
// code cannot reach a client as an empty or default message by accident,
// and the table names no code core lacks.
func TestWordsComplete(t *testing.T) {
	codes := map[string]bool{}
	for _, c := range core.Codes() {
		codes[c] = true
		if _, ok := messages[c]; !ok {
			t.Errorf("messages has no entry for core code %q", c)
		}
	}
	for c := range messages {
		if !codes[c] {
			t.Errorf("messages words %q, which is not a core code", c)
		}
	}
	fields := map[string]bool{}
	for _, c := range core.FieldCodes() {
		fields[c] = true
		ft, ok := fieldTexts[c]
		if !ok {
			t.Errorf("fieldTexts has no entry for core field code %q", c)
			continue
		}
		if !strings.HasPrefix(ft.code, "validation_") || ft.message == "" {
			t.Errorf("fieldTexts[%q] = %+v: want a validation_ code and a message", c, ft)
		}
	}
	for c := range fieldTexts {
		if !fields[c] {
			t.Errorf("fieldTexts words %q, which is not a core field code", c)
		}
	}
}

// TestWordsFillParams: a template's placeholders are filled from the
// error's parameters.
func TestWordsFillParams(t *testing.T) {
	e := &core.Error{Kind: core.KindForbidden, Code: core.CodeCollectionMismatch, Params: map[string]any{"collection": "users"}}
	if got, want := message(e), "The request requires auth record from users collection."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	w := fieldWords(core.FieldError{Code: core.FieldLengthOutOfRange, Params: map[string]any{"min": 8, "max": 71}})
	if w.code != "validation_length_out_of_range" || w.message != "The length must be between 8 and 71." || !w.params {
		t.Errorf("fieldWords = %+v", w)
	}
}
