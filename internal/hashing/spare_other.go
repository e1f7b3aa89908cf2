//go:build !unix

package hashing

import "time"

// processCPU has no portable source outside Unix: it reports no CPU
// time, so a CPUWatch never reports busy and every worker takes jobs.
func processCPU() time.Duration { return 0 }
