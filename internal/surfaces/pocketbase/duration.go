package pocketbase

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// durationFromSeconds converts a client's seconds count, capping huge
// values either way so the multiplication cannot overflow. A negative
// count stays negative: core refuses it (PocketBase's rule), so the
// surface decides nothing about it.
func durationFromSeconds(secs int64) time.Duration {
	lim := int64(core.MaxTokenTTL / time.Second)
	return time.Duration(min(max(secs, -lim), lim)) * time.Second
}
