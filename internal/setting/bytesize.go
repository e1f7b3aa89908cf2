package setting

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ByteSize is a number of bytes. It reads a whole number of bytes
// ("33554432") or a whole number with a unit: KB, MB, GB are powers of
// 1000 and KiB, MiB, GiB are powers of 1024 (so "32MB" is 32,000,000
// bytes and "32MiB" is 33,554,432). Units are case-insensitive and may be
// separated from the number by a space. Bare K/M/G are rejected because
// they mean 1000 to some readers and 1024 to others.
type ByteSize int64

// Byte size units.
const (
	KB  ByteSize = 1000
	MB  ByteSize = 1000 * KB
	GB  ByteSize = 1000 * MB
	KiB ByteSize = 1024
	MiB ByteSize = 1024 * KiB
	GiB ByteSize = 1024 * MiB
)

func sizeUnit(u string) (ByteSize, bool) {
	switch strings.ToLower(u) {
	case "", "b":
		return 1, true
	case "kb":
		return KB, true
	case "mb":
		return MB, true
	case "gb":
		return GB, true
	case "kib":
		return KiB, true
	case "mib":
		return MiB, true
	case "gib":
		return GiB, true
	}
	return 0, false
}

// ParseByteSize parses s as described on ByteSize.
func ParseByteSize(s string) (ByteSize, error) {
	b, err := parseByteSize(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %v", s, err)
	}
	return b, nil
}

func parseByteSize(s string) (ByteSize, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	mult, ok := sizeUnit(strings.TrimSpace(s[i:]))
	if i == 0 || !ok {
		return 0, errors.New("want a whole number of bytes, or a whole number with a unit: B, KB, MB, GB, KiB, MiB, GiB")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || ByteSize(n) > ByteSize(math.MaxInt64)/mult {
		return 0, errors.New("too large")
	}
	return ByteSize(n) * mult, nil
}

// String formats b with the largest unit that divides it exactly,
// preferring binary units ("32MiB", "32MB", "1500").
func (b ByteSize) String() string {
	if b != 0 {
		for _, u := range []struct {
			size ByteSize
			name string
		}{{GiB, "GiB"}, {GB, "GB"}, {MiB, "MiB"}, {MB, "MB"}, {KiB, "KiB"}, {KB, "KB"}} {
			if b%u.size == 0 {
				return strconv.FormatInt(int64(b/u.size), 10) + u.name
			}
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// UnmarshalYAML reads a size scalar such as 33554432 or 32MiB.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return nodeError(n, "want a size such as 512KiB or 32MiB")
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return nodeError(n, err.Error())
	}
	*b = v
	return nil
}

// MarshalYAML writes b in the form String returns.
func (b ByteSize) MarshalYAML() (any, error) { return b.String(), nil }

// UnmarshalText reads a size as ParseByteSize does; an environment
// variable's value is read through it.
func (b *ByteSize) UnmarshalText(text []byte) error {
	v, err := ParseByteSize(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
