package core_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestErrorCodesDocumented keeps docs/errors.md and codes.go equal: every
// code core returns is documented, and the docs name no code core lacks.
func TestErrorCodesDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, tc := range []struct {
		section string
		codes   []string
	}{
		{"## Codes", core.Codes()},
		{"## Field error codes", core.FieldCodes()},
	} {
		documented := tableCodes(t, doc, tc.section)
		for _, c := range tc.codes {
			if !slices.Contains(documented, c) {
				t.Errorf("%s: code %q is not documented in docs/errors.md", tc.section, c)
			}
		}
		for _, c := range documented {
			if !slices.Contains(tc.codes, c) {
				t.Errorf("%s: docs/errors.md documents %q, which core does not have", tc.section, c)
			}
		}
	}
}

// TestCodesUnique: two constants with one value would make two errors
// indistinguishable to every surface.
func TestCodesUnique(t *testing.T) {
	for _, list := range [][]string{core.Codes(), core.FieldCodes()} {
		seen := map[string]bool{}
		for _, c := range list {
			if seen[c] || !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(c) {
				t.Errorf("code %q repeated or not snake_case", c)
			}
			seen[c] = true
		}
	}
}

// tableCodes returns the backquoted codes in the first column of the
// table under heading.
func tableCodes(t *testing.T, doc, heading string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/errors.md has no %q section", heading)
	}
	if next := strings.Index(rest, "\n## "); next >= 0 {
		rest = rest[:next]
	}
	first := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|")
	var out []string
	for _, m := range first.FindAllStringSubmatch(rest, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("no codes under %q", heading)
	}
	return out
}
