package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func testSigningKeys(t *testing.T, s core.Store) {
	ctx := t.Context()
	keys, err := s.SigningKeys(ctx)
	if err != nil || len(keys) != 0 {
		t.Fatalf("SigningKeys of an empty store = %v, %v, want none", keys, err)
	}

	key := func(id string, created, retired time.Time) core.SigningKey {
		seed := make([]byte, 32)
		for i := range seed {
			seed[i] = byte(i*7) ^ id[0] // includes 0x00 and high bytes
		}
		return core.SigningKey{ID: id, Algorithm: "EdDSA", Private: seed,
			Public: append([]byte{0xff, 0x00}, id...), Created: created, RetiredAt: retired}
	}
	oldest := key("k1", at(0), at(2*time.Hour))
	newest := key("k2", at(2*time.Hour), time.Time{})
	middle := key("k3", at(time.Hour), at(2*time.Hour))
	for _, k := range []core.SigningKey{oldest, newest, middle} {
		wantOK(t, "InsertSigningKey", s.InsertSigningKey(ctx, k))
	}
	wantErr(t, "InsertSigningKey with a taken id",
		s.InsertSigningKey(ctx, key("k1", at(3*time.Hour), time.Time{})), core.ErrConflict)

	keys, err = s.SigningKeys(ctx)
	wantOK(t, "SigningKeys", err)
	if diff := cmp.Diff([]core.SigningKey{newest, middle, oldest}, keys); diff != "" {
		t.Errorf("SigningKeys, newest first (-want +got):\n%s", diff)
	}
}
