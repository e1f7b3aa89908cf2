package pocketbase

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// durationFromSeconds converts a client's seconds count, refusing values
// that are negative (PocketBase's rule) and capping huge ones so the
// multiplication cannot overflow.
func durationFromSeconds(secs int64) (time.Duration, error) {
	if secs < 0 {
		return 0, core.Invalid(map[string]core.FieldError{"duration": {
			Code: "validation_min_greater_equal_than_required", Message: "Must be no less than 0.",
			Params: map[string]any{"threshold": 0},
		}})
	}
	if max := int64(core.MaxTokenTTL / time.Second); secs > max {
		secs = max
	}
	return time.Duration(secs) * time.Second, nil
}
