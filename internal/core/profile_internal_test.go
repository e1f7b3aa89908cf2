package core

import (
	"testing"
	"time"
)

// TestZeroProfileIsSafe: a surface that sets nothing gets core's default
// floors, and hides locks.
func TestZeroProfileIsSafe(t *testing.T) {
	var p Profile
	if got := floor(p.Floors.Login, DefaultLoginFloor); got != DefaultLoginFloor {
		t.Errorf("zero login floor resolves to %v, want %v", got, DefaultLoginFloor)
	}
	if got := floor(p.Floors.Register, DefaultRegisterFloor); got != DefaultRegisterFloor {
		t.Errorf("zero register floor resolves to %v", got)
	}
	if got := floor(NoFloor, DefaultLoginFloor); got != 0 {
		t.Errorf("NoFloor resolves to %v, want none", got)
	}
	if got := floor(42*time.Millisecond, DefaultLoginFloor); got != 42*time.Millisecond {
		t.Errorf("an explicit floor resolves to %v", got)
	}
	if p.DiscloseLockout {
		t.Error("the zero profile discloses locks")
	}
}
