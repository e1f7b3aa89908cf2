package core_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps core free of I/O: the domain must reach databases, mail,
// HTTP and OAuth only through its own interfaces. It checks the full
// transitive import graph, so an indirect import fails too.
func TestDeps(t *testing.T) {
	deps := goList(t, "-deps", "-f", "{{.ImportPath}}", ".")
	banned := []string{
		"net", "net/http", "net/smtp", "net/mail", "crypto/tls", "database/sql", "os/exec",
	}
	bannedPrefixes := []string{
		"net/http/", "database/sql/",
		"modernc.org/", "github.com/jackc/", "github.com/wneessen/", "github.com/emersion/",
		"golang.org/x/oauth2", "github.com/coreos/go-oidc", "github.com/redis/",
		"github.com/gatehouse/gatehouse/internal/", // core imports no sibling
	}
	for _, d := range deps {
		if d == "github.com/gatehouse/gatehouse/internal/core" {
			continue
		}
		for _, b := range banned {
			if d == b {
				t.Errorf("core depends on %s", d)
			}
		}
		for _, p := range bannedPrefixes {
			if strings.HasPrefix(d, p) {
				t.Errorf("core depends on %s", d)
			}
		}
	}
	// Direct imports: no file system or process access either.
	for _, d := range goList(t, "-f", `{{join .Imports "\n"}}`, ".") {
		if d == "os" || d == "io/fs" || d == "syscall" {
			t.Errorf("core imports %s directly", d)
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}
