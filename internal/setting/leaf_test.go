package setting_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLeaf keeps this package a leaf: surfaces import it, so it must not
// bring any project package (a rule, a store, config) along.
func TestLeaf(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, "github.com/gatehouse/gatehouse/") && d != "github.com/gatehouse/gatehouse/internal/setting" {
			t.Errorf("setting depends on %s", d)
		}
	}
}
