package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// binaries are the programs a run builds from the module's current
// source.
type binaries struct {
	gatehouse string
	bare      string
}

// buildBinaries compiles cmd/gatehouse and bench/bareserver into dir.
// With profiling, Gatehouse is built with one extra file laid over
// cmd/gatehouse (go build -overlay; the checkout is not touched) that
// links bench/pprofhook, so the server serves net/http/pprof on a
// separate port; without it the binary is exactly what `make build`
// makes (a static, trimmed binary: CGO_ENABLED=0 -trimpath), the one a
// deployment runs.
func buildBinaries(ctx context.Context, root, dir string, profiling bool) (binaries, error) {
	b := binaries{gatehouse: filepath.Join(dir, "gatehouse"), bare: filepath.Join(dir, "bareserver")}
	args := []string{"build", "-trimpath", "-o", b.gatehouse}
	if profiling {
		overlay, err := writePprofOverlay(root, dir)
		if err != nil {
			return b, err
		}
		args = append(args, "-overlay", overlay)
	}
	if err := goBuild(ctx, root, append(args, "./cmd/gatehouse")...); err != nil {
		return b, err
	}
	return b, goBuild(ctx, root, "build", "-o", b.bare, "./bench/bareserver")
}

func goBuild(ctx context.Context, root string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// writePprofOverlay writes the extra source file and the overlay map
// that adds it to package main of cmd/gatehouse.
func writePprofOverlay(root, dir string) (string, error) {
	src := filepath.Join(dir, "bench_pprof.go")
	code := "package main\n\nimport _ \"github.com/gatehouse/gatehouse/bench/pprofhook\"\n"
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		return "", err
	}
	m := map[string]map[string]string{"Replace": {
		filepath.Join(root, "cmd", "gatehouse", "zz_bench_pprof.go"): src,
	}}
	js, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "overlay.json")
	return path, os.WriteFile(path, js, 0o644)
}

// claimAddr checks that addr is free by listening on it (so a run never
// measures some other process that already answers there), and resolves
// port 0 to a free port. The port is released again for the program
// under test; the short window in between is why startup failures print
// its log.
func claimAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", fmt.Errorf("address %s is already in use (another server or bench run?); choose another with -addr", addr)
		}
		return "", fmt.Errorf("-addr %s: %w", addr, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// moduleRoot finds the Gatehouse module's root directory from the
// current directory, so `go run ./bench` works from anywhere inside it.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run the bench from the gatehouse checkout")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, "cmd", "gatehouse")); err != nil {
		return "", fmt.Errorf("%s has no cmd/gatehouse: run the bench from the gatehouse checkout", root)
	}
	return root, nil
}
