package directus

import (
	"slices"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestWordsComplete: every core field code has Joi-style words, and the
// tables name only codes core has.
func TestWordsComplete(t *testing.T) {
	for _, c := range core.FieldCodes() {
		if fieldReasons[c] == "" {
			t.Errorf("fieldReasons has no words for core field code %q", c)
		}
	}
	for c := range fieldReasons {
		if !slices.Contains(core.FieldCodes(), c) {
			t.Errorf("fieldReasons words %q, which is not a core field code", c)
		}
	}
	for c := range reasons {
		if !slices.Contains(core.Codes(), c) {
			t.Errorf("reasons words %q, which is not a core code", c)
		}
	}
}

// TestFieldReason words a field error as Joi does, with Directus's field
// names.
func TestFieldReason(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    core.FieldError
		want string
	}{
		{"password", core.FieldError{Code: core.FieldPasswordTooShort, Params: map[string]any{"min": 8}}, `"password" must be at least 8 character(s)`},
		{"oldPassword", core.FieldError{Code: core.FieldRequired}, `"old_password" is required`},
		{"name", core.FieldError{Code: core.FieldMaxText, Params: map[string]any{"max": 255}}, `"first_name" must be less than 255 character(s)`},
		{"email", core.FieldError{Code: "no_such_code"}, `"email" is invalid`},
	} {
		if got := fieldReason(tc.name, tc.f); got != tc.want {
			t.Errorf("fieldReason(%s, %v) = %q, want %q", tc.name, tc.f, got, tc.want)
		}
	}
	if got := reason(core.NewError(core.KindInvalid, core.CodeInvalidSort)); got != core.CodeInvalidSort {
		t.Errorf("reason of an unworded code = %q, want the code", got)
	}
}
