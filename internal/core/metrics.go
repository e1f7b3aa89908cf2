package core

// Metrics receives counts of what the flows do. The metrics adapter
// exports them; nil in Deps means nobody counts.
type Metrics interface {
	// Login counts a password login by result: "success", "failure",
	// "locked" or "rate_limited".
	Login(result string)
	// Refresh counts a refresh by kind ("access_token" or
	// "refresh_token") and result ("success", "failure", "reuse").
	Refresh(kind, result string)
	// RateLimited counts a request refused by a rate limit.
	RateLimited(action Action)
}

// nopMetrics is used when Deps.Metrics is nil.
type nopMetrics struct{}

func (nopMetrics) Login(string)           {}
func (nopMetrics) Refresh(string, string) {}
func (nopMetrics) RateLimited(Action)     {}
