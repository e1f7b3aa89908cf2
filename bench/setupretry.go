package main

import (
	"context"
	"net/http"
	"time"
)

// setupAttempts is how many times a setup login is sent while the server
// turns it away as busy.
const setupAttempts = 10

// whileBusy sends a setup request (the sample's logins, the Directus
// chains' logins) until the server answers something other than 503, up
// to setupAttempts times, pausing a little longer after each 503. On a
// busy machine a burst of logins can outrun the hashing pool, whose full
// queue answers 503 hashing_busy; setup is not measured, so waiting for
// it costs no figure.
func whileBusy(ctx context.Context, send func() (status int, err error)) (status int, err error) {
	for attempt := 1; ; attempt++ {
		status, err = send()
		if err != nil || status != http.StatusServiceUnavailable || attempt == setupAttempts {
			return status, err
		}
		if err := sleepCtx(ctx, time.Duration(attempt)*200*time.Millisecond); err != nil {
			return status, err
		}
	}
}
