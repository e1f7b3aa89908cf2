package setting

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

const day = 24 * time.Hour

// Duration is a time.Duration that reads Go duration strings ("90s",
// "15m", "36h", "1h30m") plus a "d" unit of 24 hours ("5d", "1.5d"). A
// bare integer counts seconds, because that is how the compatible systems
// spell token lifetimes.
type Duration time.Duration

// ParseDuration parses s as described on Duration.
func ParseDuration(s string) (Duration, error) {
	d, err := parseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: %v", s, err)
	}
	return d, nil
}

func parseDuration(s string) (Duration, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > math.MaxInt64/int64(time.Second) || n < math.MinInt64/int64(time.Second) {
			return 0, errors.New("too large")
		}
		return Duration(time.Duration(n) * time.Second), nil
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	// No Go duration unit contains a 'd', so every 'd' ends a day count:
	// take each such count out and leave the rest to time.ParseDuration.
	var days float64
	for {
		i := strings.IndexByte(s, 'd')
		if i < 0 {
			break
		}
		j := i
		for j > 0 && (s[j-1] >= '0' && s[j-1] <= '9' || s[j-1] == '.') {
			j--
		}
		f, err := strconv.ParseFloat(s[j:i], 64)
		if err != nil {
			return 0, errors.New(`want a number before "d"`)
		}
		days += f
		s = s[:j] + s[i+1:]
	}
	if days*float64(day) >= math.MaxInt64 {
		return 0, errors.New("too large")
	}
	total := time.Duration(days * float64(day))
	if s != "" {
		rest, err := time.ParseDuration(s)
		if err != nil || rest < 0 {
			return 0, errors.New("want a number with a unit (ms, s, m, h, d), e.g. 90s, 15m, 36h, 5d, or a whole number of seconds")
		}
		if rest > math.MaxInt64-total {
			return 0, errors.New("too large")
		}
		total += rest
	}
	if neg {
		total = -total
	}
	return Duration(total), nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d compactly in the syntax ParseDuration reads: whole days
// as "5d", otherwise Go's form without trailing zero units ("36h", "90s"
// becomes "1m30s").
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// UnmarshalYAML reads a duration scalar such as 90s, 5d or 3600.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return nodeError(n, "want a duration such as 90s, 15m or 5d")
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return nodeError(n, err.Error())
	}
	*d = v
	return nil
}

// MarshalYAML writes d in the form String returns.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalText reads a duration as ParseDuration does; an environment
// variable's value is read through it.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// nodeError reports a bad value the way yaml.v3 reports its own type
// errors, so the decoder keeps going and Load can name the option.
func nodeError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}
