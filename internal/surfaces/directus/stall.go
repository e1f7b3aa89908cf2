package directus

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/setting"
)

// stall waits until d has passed since start (or the request is gone).
// Directus pads logins and registrations to a minimum time so that
// success, a wrong password and an unknown account all take as long:
// timing then tells nothing about who has an account.
func stall(ctx context.Context, start time.Time, d setting.Duration) {
	wait := d.Std() - time.Since(start)
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
