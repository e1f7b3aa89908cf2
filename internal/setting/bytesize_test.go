package setting

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseByteSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ByteSize
	}{
		{"33554432", 33554432},
		{"32MiB", 32 << 20},
		{"32MB", 32_000_000},
		{"512KiB", 512 << 10},
		{"1GiB", 1 << 30},
		{"2GB", 2_000_000_000},
		{"10KB", 10_000},
		{"100B", 100},
		{"32 mib", 32 << 20},
		{" 1kib ", 1024},
		{"0", 0},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseByteSizeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "MiB", "32M", "32K", "1.5MiB", "-1", "32 MiBs", "lots", "99999999999999999999", "9999999999GiB"} {
		if got, err := ParseByteSize(in); err == nil {
			t.Errorf("ParseByteSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		b    ByteSize
		want string
	}{
		{0, "0"},
		{1500, "1500"},
		{32 * MiB, "32MiB"},
		{32 * MB, "32MB"},
		{GiB, "1GiB"},
		{3 * KiB, "3KiB"},
		{1000 * MiB, "1000MiB"},
	}
	for _, tt := range tests {
		got := tt.b.String()
		if got != tt.want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(tt.b), got, tt.want)
		}
		back, err := ParseByteSize(got)
		if err != nil || back != tt.b {
			t.Errorf("ParseByteSize(%q) = %d, %v, want %d (round trip)", got, back, err, tt.b)
		}
	}
}

func TestByteSizeYAML(t *testing.T) {
	t.Parallel()
	var v struct {
		A ByteSize `yaml:"a"`
		B ByteSize `yaml:"b"`
	}
	if err := yaml.Unmarshal([]byte("a: 512KiB\nb: 2048\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 512*KiB || v.B != 2048 {
		t.Errorf("decoded a=%d b=%d, want %d and 2048", v.A, v.B, 512*KiB)
	}
	if err := yaml.Unmarshal([]byte("a: {x: 1}\n"), &v); err == nil {
		t.Error("decoding a mapping into a ByteSize succeeded, want an error")
	}
}
