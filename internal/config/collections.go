package config

import (
	"slices"
	"strings"
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
	// Mail overrides templates, keyed by "verification",
	// "password_reset" or "email_change".
	Mail map[string]MailTemplateConfig `yaml:"mail,omitempty"`
}

// MailTemplateConfig overrides parts of one mail; an empty string keeps
// the built-in part. See core.MailTemplate for the placeholders.
type MailTemplateConfig struct {
	Subject   string `yaml:"subject,omitempty"`
	Text      string `yaml:"text,omitempty"`
	HTML      string `yaml:"html,omitempty"`
	ActionURL string `yaml:"action_url,omitempty"`
}

// The mail kinds a collection's mail map may name.
const (
	mailVerification  = "verification"
	mailPasswordReset = "password_reset"
	mailEmailChange   = "email_change"
)

// template returns the template of ts that a mail kind names.
func template(ts *core.MailTemplates, kind string) *core.MailTemplate {
	switch kind {
	case mailVerification:
		return &ts.Verification
	case mailPasswordReset:
		return &ts.PasswordReset
	case mailEmailChange:
		return &ts.EmailChange
	}
	return nil
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
		c.Collections[name].validate(p, path, name == core.SuperusersName)
	}
}

func (cc CollectionConfig) validate(p *problems, path string, superusers bool) {
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
	kinds := make([]string, 0, len(cc.Mail))
	for kind := range cc.Mail {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		mpath := path + ".mail." + kind
		if template(&core.MailTemplates{}, kind) == nil {
			p.add(mpath, "unknown mail (want %s, %s or %s)", mailVerification, mailPasswordReset, mailEmailChange)
			continue
		}
		if a := cc.Mail[kind].ActionURL; a != "" && !strings.Contains(a, "{TOKEN}") {
			p.add(mpath+".action_url", "must contain {TOKEN}, or the link cannot work")
		}
	}
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
		if cc, ok := c.Collections[col.Name]; ok {
			cc.apply(col)
		}
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
	for kind, mt := range cc.Mail {
		t := template(&col.Mail, kind)
		for _, part := range []struct {
			dst *string
			v   string
		}{
			{&t.Subject, mt.Subject}, {&t.Text, mt.Text}, {&t.HTML, mt.HTML}, {&t.ActionURL, mt.ActionURL},
		} {
			if part.v != "" {
				*part.dst = part.v
			}
		}
	}
}
