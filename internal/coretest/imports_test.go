package coretest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyTestsImportTestPackages enforces the design rule that
// test-support packages (coretest, storetest, smtptest) are imported only
// from _test.go files, so they never end up in the binary.
func TestOnlyTestsImportTestPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/gatehouse/gatehouse/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	support := []string{"/internal/coretest", "/internal/storetest", "/internal/smtptest"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		for _, imp := range fields[1:] {
			for _, s := range support {
				if strings.HasSuffix(imp, s) && !strings.HasSuffix(pkg, s) {
					t.Errorf("%s imports test-support package %s from a non-test file", pkg, imp)
				}
			}
		}
	}
}
