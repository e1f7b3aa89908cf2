package coretest_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestOnlyTestsImportTestPackages enforces the design rule that
// test-support packages (coretest, storetest, smtptest, surfacetest) are
// imported only from _test.go files, so they never end up in the binary.
func TestOnlyTestsImportTestPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/gatehouse/gatehouse/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	support := []string{"/internal/coretest", "/internal/storetest", "/internal/smtptest", "/internal/surfacetest"}
	isSupport := func(pkg string) bool {
		return slices.ContainsFunc(support, func(s string) bool { return strings.HasSuffix(pkg, s) })
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		if isSupport(pkg) {
			// Support packages may build on each other (surfacetest
			// on coretest): none of them reaches the binary.
			continue
		}
		for _, imp := range fields[1:] {
			if isSupport(imp) {
				t.Errorf("%s imports test-support package %s from a non-test file", pkg, imp)
			}
		}
	}
}
