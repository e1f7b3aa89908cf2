// Package memtrim gives back resident memory a process no longer needs
// but the kernel would keep counting against it: the pages of its own
// executable that start-up touched once. Each hashing worker calls it
// after start-up and when idle. The server does not: measured, doing so
// once it served and after each burst cost the login flood's reads about
// 8 points of their share (docs/decisions.md, "Issue 16: round three").
package memtrim
