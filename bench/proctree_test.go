//go:build linux

package main

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// The tree holds the process and what it started, so the server's
// hashing workers count with it.
func TestProcTreeFindsChildren(t *testing.T) {
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatalf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })

	tree := procTree(os.Getpid())
	if tree[0] != os.Getpid() || !slices.Contains(tree, child.Process.Pid) {
		t.Fatalf("procTree = %v, want this process first and the child %d in it", tree, child.Process.Pid)
	}
	if got := procTree(child.Process.Pid); !slices.Equal(got, []int{child.Process.Pid}) {
		t.Errorf("procTree of a childless process = %v, want just it", got)
	}
	own, err := procStatusKB(os.Getpid(), "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	kid, err := procStatusKB(child.Process.Pid, "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := treeStatusKB(os.Getpid(), "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	// Both read at slightly different moments; the sum must hold the
	// child's share on top of a comparable figure for this process.
	if sum < kid || sum+own/2 < own+kid {
		t.Errorf("tree VmRSS %d kB, want about this process's %d + the child's %d", sum, own, kid)
	}
	if _, err := treeStatusKB(1<<30, "VmRSS"); err == nil {
		t.Error("treeStatusKB of a missing process succeeded")
	}
}

func TestParseStatPPID(t *testing.T) {
	t.Parallel()
	got, err := parseStatPPID("4242 (a (tricky) name) S 17 4242 4242 0 -1")
	if err != nil || got != 17 {
		t.Errorf("parseStatPPID = %d, %v; want 17", got, err)
	}
	if _, err := parseStatPPID("no parenthesis"); err == nil {
		t.Error("want an error for a stat without a command name")
	}
}
