package config

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// OTPConfig overrides a collection's emailed one-time codes. A nil
// pointer keeps core's default (off, 3m, 8 digits).
type OTPConfig struct {
	Enabled *bool `yaml:"enabled,omitempty"`
	// Duration is how long a mailed code stays valid.
	Duration *Duration `yaml:"duration,omitempty"`
	// Length is the number of digits in a code.
	Length *int `yaml:"length,omitempty"`
}

// MFAConfig overrides a collection's multi-factor logins. A nil pointer
// keeps core's default (off, 10m).
type MFAConfig struct {
	Enabled *bool `yaml:"enabled,omitempty"`
	// Duration is how long the second login step may follow the first.
	Duration *Duration `yaml:"duration,omitempty"`
}

// PocketBase's bounds, so a value it accepts is accepted here too.
const (
	minFactorDuration = 10 * time.Second
	maxFactorDuration = 86400 * time.Second
	minOTPLength      = 4
	maxOTPLength      = 10
)

func (o OTPConfig) validate(p *problems, path string) {
	checkFactorDuration(p, path+".duration", o.Duration)
	if o.Length != nil && (*o.Length < minOTPLength || *o.Length > maxOTPLength) {
		p.add(path+".length", "must be between %d and %d digits, got %d", minOTPLength, maxOTPLength, *o.Length)
	}
}

func (m MFAConfig) validate(p *problems, path string) {
	checkFactorDuration(p, path+".duration", m.Duration)
}

func checkFactorDuration(p *problems, path string, d *Duration) {
	if d != nil && (d.Std() < minFactorDuration || d.Std() > maxFactorDuration) {
		p.add(path, "must be between %s and %s (86400s), got %s",
			Duration(minFactorDuration), Duration(maxFactorDuration), *d)
	}
}

// validateSuperuserFactors enforces PocketBase's rule that OTP on the
// admin collection implies MFA: a code mailed to an admin must never be
// enough on its own. Core forces MFA on anyway; a file that says
// otherwise is refused rather than silently overruled.
func (cc CollectionConfig) validateSuperuserFactors(p *problems, path string) {
	if isTrue(cc.OTP.Enabled) && cc.MFA.Enabled != nil && !*cc.MFA.Enabled {
		p.add(path+".mfa.enabled", "MFA is required when OTP is enabled for %s (remove this option or set it to true)",
			core.SuperusersName)
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

func (o OTPConfig) apply(dst *core.OTPOptions) {
	if o.Enabled != nil {
		dst.Enabled = *o.Enabled
	}
	if o.Duration != nil {
		dst.Duration = o.Duration.Std()
	}
	if o.Length != nil {
		dst.Length = *o.Length
	}
}

func (m MFAConfig) apply(dst *core.MFAOptions) {
	if m.Enabled != nil {
		dst.Enabled = *m.Enabled
	}
	if m.Duration != nil {
		dst.Duration = m.Duration.Std()
	}
}
