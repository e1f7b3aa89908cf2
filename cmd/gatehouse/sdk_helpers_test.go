package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeSDK is a node project under sdktest that drives an official SDK:
// node's path, the project's directory and its *.test.mjs files.
type nodeSDK struct {
	node, dir string
	files     []string
}

// needNodeSDK skips t unless GATEHOUSE_SDK_TESTS=1; once opted in, a
// missing node, project or npm package (pkgs, under node_modules) fails
// instead of skipping, so CI cannot pass an SDK test silently. rel is the
// project's directory relative to this package.
func needNodeSDK(t *testing.T, name, rel string, pkgs ...string) nodeSDK {
	t.Helper()
	if os.Getenv("GATEHOUSE_SDK_TESTS") != "1" {
		t.Skipf("set GATEHOUSE_SDK_TESTS=1 to run the %s JS SDK tests (`make test` does)", name)
	}
	install := "npm ci --prefix " + strings.TrimPrefix(rel, "../../")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("GATEHOUSE_SDK_TESTS=1 but node is not on PATH; install Node.js 20+ and run `%s`", install)
	}
	dir, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			t.Fatalf("GATEHOUSE_SDK_TESTS=1 but %s is not installed (%v); run `%s`", pkg, err, install)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.test.mjs in %s (%v)", dir, err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return nodeSDK{node: node, dir: dir, files: files}
}

// run runs every test file with `node [flags] --test`, env added to the
// environment, for at most timeout; node's report is logged. It returns
// node's failure, naming the files.
func (s nodeSDK) run(t *testing.T, timeout time.Duration, flags []string, env ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	args := append(append(flags, "--test", "--test-reporter=spec"), s.files...)
	cmd := exec.CommandContext(ctx, s.node, args...)
	cmd.Dir = s.dir
	cmd.Env = append(append(os.Environ(), env...), "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	if err := runLogged(t, cmd); err != nil {
		return fmt.Errorf("node --test %s: %w (node's report is logged above)", strings.Join(s.files, " "), err)
	}
	return nil
}
