package core_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestStoreOutageIsUnavailable(t *testing.T) {
	down := fmt.Errorf("dial tcp: refused: %w", core.ErrUnavailable)
	for name, err := range map[string]error{
		"Internal":         core.Internal(down),
		"AsError bare":     core.AsError(down),
		"AsError internal": core.AsError(&core.Error{Kind: core.KindInternal, Code: core.CodeInternal, Cause: down}),
	} {
		ce := core.AsError(err)
		if ce.Kind != core.KindUnavailable || ce.Code != core.CodeStoreUnavailable || ce.RetryAfter <= 0 || !errors.Is(ce, core.ErrUnavailable) {
			t.Errorf("%s: %+v, want unavailable with Retry-After", name, ce)
		}
	}
	if ce := core.Internal(errors.New("boom")); ce.Kind != core.KindInternal {
		t.Errorf("a plain failure became %s", ce.Kind)
	}
}
