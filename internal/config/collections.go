package config

import (
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// CollectionConfig overrides one built-in auth collection. A nil pointer
// (an option left out of the file) keeps core's default.
type CollectionConfig struct {
	AuthTokenTTL     *Duration `yaml:"auth_token_ttl,omitempty"`
	RefreshTokenTTL  *Duration `yaml:"refresh_token_ttl,omitempty"`
	VerificationTTL  *Duration `yaml:"verification_ttl,omitempty"`
	PasswordResetTTL *Duration `yaml:"password_reset_ttl,omitempty"`
	EmailChangeTTL   *Duration `yaml:"email_change_ttl,omitempty"`
	PasswordMin      *int      `yaml:"password_min,omitempty"`
	PasswordMax      *int      `yaml:"password_max,omitempty"`
	// PublicSignup may only be set for users: superusers are never signed
	// up by guests.
	PublicSignup *bool `yaml:"public_signup,omitempty"`
	// OTP configures logins with an emailed one-time code. For
	// _superusers, enabling it turns MFA on as well.
	OTP OTPConfig `yaml:"otp,omitempty"`
	// MFA configures logins that need two different methods.
	MFA MFAConfig `yaml:"mfa,omitempty"`
	// Mail overrides templates, keyed by "verification",
	// "password_reset", "email_change", "otp", "magic_link" or
	// "verification_code" (the keys tag, which a test holds to the mail
	// kinds).
	Mail map[string]MailTemplateConfig `yaml:"mail,omitempty" keys:"verification,password_reset,email_change,otp,magic_link,verification_code" placeholder:"<kind>"`
	// OAuth2 configures sign-in through external providers. Not
	// allowed for _superusers.
	OAuth2 OAuth2Config `yaml:"oauth2,omitempty"`
}

func (c Config) validateCollections(p *problems) {
	names := make([]string, 0, len(c.Collections))
	for name := range c.Collections {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := "collections." + name
		if name != core.UsersName && name != core.SuperusersName {
			p.add(path, "unknown collection (want %s or %s)", core.UsersName, core.SuperusersName)
			continue
		}
		c.Collections[name].validate(p, path, defaultCollection(name))
	}
}

// defaultCollection returns core's default collection with this name,
// or nil.
func defaultCollection(name string) *core.Collection {
	for _, col := range core.DefaultCollections() {
		if col.Name == name {
			return col
		}
	}
	return nil
}

// validate checks the overrides at path for col, core's default of the
// collection they apply to.
func (cc CollectionConfig) validate(p *problems, path string, col *core.Collection) {
	superusers := col.Superusers
	for _, ttl := range []struct {
		key string
		d   *Duration
	}{
		{"auth_token_ttl", cc.AuthTokenTTL},
		{"refresh_token_ttl", cc.RefreshTokenTTL},
		{"verification_ttl", cc.VerificationTTL},
		{"password_reset_ttl", cc.PasswordResetTTL},
		{"email_change_ttl", cc.EmailChangeTTL},
	} {
		if ttl.d != nil && (ttl.d.Std() < core.MinTokenTTL || ttl.d.Std() > core.MaxTokenTTL) {
			p.add(path+"."+ttl.key, "must be between %s and %s (about 3 years), got %s",
				Duration(core.MinTokenTTL), Duration(core.MaxTokenTTL), *ttl.d)
		}
	}
	// Argon2id, unlike bcrypt, has no 72-byte limit, so the only cap is
	// the one core puts on every submitted password.
	lo, hi := core.DefaultPwMin, core.DefaultPwMax
	if cc.PasswordMin != nil {
		lo = *cc.PasswordMin
		if lo < 1 || lo > core.MaxPasswordLen {
			p.add(path+".password_min", "must be between 1 and %d, got %d", core.MaxPasswordLen, lo)
		} else if cc.PasswordMax == nil && lo > hi {
			p.add(path+".password_min", "must not exceed password_max (%d), got %d", hi, lo)
		}
	}
	if cc.PasswordMax != nil {
		hi = *cc.PasswordMax
		if hi < lo || hi > core.MaxPasswordLen {
			p.add(path+".password_max", "must be between %d (password_min) and %d, got %d", lo, core.MaxPasswordLen, hi)
		}
	}
	if cc.PublicSignup != nil && superusers {
		p.add(path+".public_signup", "cannot be set for %s: superusers are never signed up publicly", core.SuperusersName)
	}
	cc.OTP.validate(p, path+".otp")
	cc.MFA.validate(p, path+".mfa")
	if superusers {
		cc.validateSuperuserFactors(p, path)
	}
	validateMail(p, path, cc.Mail)
	cc.OAuth2.validate(p, path+".oauth2", col)
}

// BuildCollections returns core's default collections with the
// configured overrides applied. It reports the same collection problems
// Validate does.
func (c Config) BuildCollections() ([]*core.Collection, error) {
	var p problems
	c.validateCollections(&p)
	if err := p.err(); err != nil {
		return nil, err
	}
	list := core.DefaultCollections()
	for _, col := range list {
		// Every collection goes through apply, configured or not: the
		// OAuth2 mapped fields have defaults core does not set.
		c.Collections[col.Name].apply(col)
	}
	return list, nil
}

func (cc CollectionConfig) apply(col *core.Collection) {
	setDur := func(dst *time.Duration, d *Duration) {
		if d != nil {
			*dst = d.Std()
		}
	}
	setDur(&col.AuthTokenTTL, cc.AuthTokenTTL)
	setDur(&col.RefreshTokenTTL, cc.RefreshTokenTTL)
	setDur(&col.VerificationTTL, cc.VerificationTTL)
	setDur(&col.PasswordResetTTL, cc.PasswordResetTTL)
	setDur(&col.EmailChangeTTL, cc.EmailChangeTTL)
	if cc.PasswordMin != nil {
		col.PasswordMin = *cc.PasswordMin
	}
	if cc.PasswordMax != nil {
		col.PasswordMax = *cc.PasswordMax
	}
	if cc.PublicSignup != nil {
		col.PublicSignup = *cc.PublicSignup
	}
	cc.OTP.apply(&col.OTP)
	cc.MFA.apply(&col.MFA)
	// Mirror what core.NewCollections enforces, so the collections this
	// returns are the ones the server actually runs with.
	if col.Superusers && col.OTP.Enabled {
		col.MFA.Enabled = true
	}
	applyMail(&col.Mail, cc.Mail)
	cc.OAuth2.apply(col)
}
