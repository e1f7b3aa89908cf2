package storetest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// storePackages are the implementations of core's Store (and its
// rate-limit part): each holds its own SQL or Redis commands and nothing
// else.
var storePackages = []string{"sqlite", "postgres", "redislimit"}

// TestStoreImports keeps every store to core and its own driver: a store
// that imported httpapi, a surface, config or another store would let
// wire formats, settings or another database's rules leak into its SQL,
// and core's rules would no longer be the only ones.
func TestStoreImports(t *testing.T) {
	const module = "github.com/gatehouse/gatehouse/internal/"
	for _, name := range storePackages {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "../"+name).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", name, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(imp, module)
			if ok && rel != "core" {
				t.Errorf("store %s imports internal/%s; a store depends on core alone", name, rel)
			}
			if strings.HasPrefix(imp, "net/http") {
				t.Errorf("store %s imports %s; stores speak no HTTP", name, imp)
			}
		}
	}
}
