package config

import (
	"slices"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// MailTemplateConfig overrides parts of one mail; an empty string keeps
// the built-in part. See core.MailTemplate for the placeholders.
type MailTemplateConfig struct {
	Subject string `yaml:"subject,omitempty"`
	Text    string `yaml:"text,omitempty"`
	HTML    string `yaml:"html,omitempty"`
	// ActionURL is the link the mail points to. The otp mail has none:
	// it carries a code, so setting it there is an error.
	ActionURL string `yaml:"action_url,omitempty"`
}

// The mail kinds a collection's mail map may name.
const (
	mailVerification  = "verification"
	mailPasswordReset = "password_reset"
	mailEmailChange   = "email_change"
	mailOTP           = "otp"
	mailMagicLink     = "magic_link"
	// mailVerificationCode carries a code ({OTP}), like the otp mail.
	mailVerificationCode = "verification_code"
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
	case mailOTP:
		return &ts.OTP
	case mailMagicLink:
		return &ts.MagicLink
	case mailVerificationCode:
		return &ts.VerificationCode
	}
	return nil
}

// validateMail checks the mail map of the collection at path, in key
// order so the problems come out the same way every run.
func validateMail(p *problems, path string, mail map[string]MailTemplateConfig) {
	kinds := make([]string, 0, len(mail))
	for kind := range mail {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		mpath := path + ".mail." + kind
		if template(&core.MailTemplates{}, kind) == nil {
			p.add(mpath, "unknown mail (want %s, %s, %s, %s, %s or %s)", mailVerification, mailPasswordReset, mailEmailChange, mailOTP, mailMagicLink, mailVerificationCode)
			continue
		}
		a := mail[kind].ActionURL
		switch {
		case a == "":
		case kind == mailOTP || kind == mailVerificationCode:
			// Core never renders a link into these mails, so a configured
			// one would silently do nothing.
			p.add(mpath+".action_url", "must not be set: the %s mail carries a code ({OTP}), not a link", kind)
		case kind == mailMagicLink:
			// The surface that serves magic links gives their link.
			p.add(mpath+".action_url", "must not be set: the surface that serves magic links builds their link")
		case !strings.Contains(a, "{TOKEN}"):
			p.add(mpath+".action_url", "must contain {TOKEN}, or the link cannot work")
		}
	}
}

// applyMail overlays the non-empty parts of each configured mail on ts.
func applyMail(ts *core.MailTemplates, mail map[string]MailTemplateConfig) {
	for kind, mt := range mail {
		t := template(ts, kind)
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
