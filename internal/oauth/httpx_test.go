package oauth

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCappedBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		size    int
		wantErr error
	}{
		{"small", 10, nil},
		{"exactly the cap", MaxBodyBytes, nil},
		{"one byte over", MaxBodyBytes + 1, errBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &cappedBody{rc: io.NopCloser(strings.NewReader(strings.Repeat("x", tt.size))), left: MaxBodyBytes}
			got, err := io.ReadAll(b)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadAll error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && len(got) != tt.size {
				t.Errorf("read %d bytes, want %d", len(got), tt.size)
			}
		})
	}
}
