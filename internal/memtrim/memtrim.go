// Package memtrim gives back resident memory a process no longer needs
// but the kernel would keep counting against it: the pages of its own
// executable that start-up touched once. Both the server (once it
// serves, and whenever a burst of load is over) and each hashing worker
// (after start-up and when idle) call it.
package memtrim
