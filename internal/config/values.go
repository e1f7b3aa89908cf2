package config

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/setting"
)

// The value types moved to internal/setting, a leaf the surfaces share
// (their options are written in them too); these names keep config's
// callers and tests unchanged.
type (
	// Duration is setting.Duration: Go durations plus "d" for days, and
	// a bare number of seconds.
	Duration = setting.Duration
	// ByteSize is setting.ByteSize: bytes, or a number with a unit.
	ByteSize = setting.ByteSize
)

// Byte size units, as setting defines them.
const (
	KB  = setting.KB
	MB  = setting.MB
	GB  = setting.GB
	KiB = setting.KiB
	MiB = setting.MiB
	GiB = setting.GiB
)

// day is 24 hours, the unit of the longer defaults.
const day = 24 * time.Hour

// ParseDuration parses s as setting.ParseDuration does.
func ParseDuration(s string) (Duration, error) { return setting.ParseDuration(s) }

// ParseByteSize parses s as setting.ParseByteSize does.
func ParseByteSize(s string) (ByteSize, error) { return setting.ParseByteSize(s) }
