//go:build race

package hashing

// raceEnabled: the race detector keeps its own memory, so tests of what
// a process gives back to the kernel cannot run under it.
const raceEnabled = true
