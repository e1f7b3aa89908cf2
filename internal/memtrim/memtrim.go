// Package memtrim gives back resident memory a process no longer needs
// but the kernel would keep counting against it: the pages of its own
// executable that start-up touched once. Each hashing worker calls it
// after start-up and when idle. The server calls it once, a second after
// it starts serving, and never again: doing so after each burst as well
// was measured to cost the login flood's reads (docs/decisions.md, "Issue
// 16: round three"); the one drop at start did not, in alternated runs
// ("Issue 16: memory peaks").
package memtrim
