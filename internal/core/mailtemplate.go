package core

import (
	"html"
	"strings"
)

// MailTemplate is one kind of mail. Subject, Text and HTML may use the
// placeholders {APP_NAME}, {APP_URL}, {EMAIL}, {TOKEN} and {ACTION_URL};
// ActionURL may use {APP_URL} and {TOKEN}.
type MailTemplate struct {
	Subject   string
	Text      string
	HTML      string
	ActionURL string
}

// MailTemplates holds a collection's mails, one per flow. The OTP mail
// may also use {OTP} (the code) and {OTP_ID}; it has no action URL. The
// verification-code mail carries its 4-digit code as {OTP} and has no
// action URL either.
type MailTemplates struct {
	Verification     MailTemplate
	PasswordReset    MailTemplate
	EmailChange      MailTemplate
	OTP              MailTemplate
	MagicLink        MailTemplate
	VerificationCode MailTemplate
}

// DefaultMailTemplates returns the built-in mails. Their links follow
// PocketBase's conventions so its admin UI routes keep working.
func DefaultMailTemplates() MailTemplates {
	return MailTemplates{
		Verification: MailTemplate{
			Subject:   "Verify your {APP_NAME} email",
			Text:      "Hello,\n\nThank you for joining us at {APP_NAME}.\n\nOpen the link below to verify your email address:\n\n{ACTION_URL}\n\nThanks,\n{APP_NAME} team\n",
			HTML:      `<p>Hello,</p><p>Thank you for joining us at {APP_NAME}.</p><p>Click on the button below to verify your email address.</p><p><a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Verify</a></p><p>Thanks,<br/>{APP_NAME} team</p>`,
			ActionURL: "{APP_URL}/_/#/auth/confirm-verification/{TOKEN}",
		},
		PasswordReset: MailTemplate{
			Subject:   "Reset your {APP_NAME} password",
			Text:      "Hello,\n\nOpen the link below to reset your password:\n\n{ACTION_URL}\n\nIf you didn't ask to reset your password, you can ignore this email.\n\nThanks,\n{APP_NAME} team\n",
			HTML:      `<p>Hello,</p><p>Click on the button below to reset your password.</p><p><a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Reset password</a></p><p><i>If you didn't ask to reset your password, you can ignore this email.</i></p><p>Thanks,<br/>{APP_NAME} team</p>`,
			ActionURL: "{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}",
		},
		EmailChange: MailTemplate{
			Subject:   "Confirm your {APP_NAME} new email address",
			Text:      "Hello,\n\nOpen the link below to confirm your new email address:\n\n{ACTION_URL}\n\nIf you didn't ask to change your email address, you can ignore this email.\n\nThanks,\n{APP_NAME} team\n",
			HTML:      `<p>Hello,</p><p>Click on the button below to confirm your new email address.</p><p><a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Confirm new email</a></p><p><i>If you didn't ask to change your email address, you can ignore this email.</i></p><p>Thanks,<br/>{APP_NAME} team</p>`,
			ActionURL: "{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}",
		},
		OTP: MailTemplate{
			Subject: "OTP for {APP_NAME}",
			Text:    "Hello,\n\nYour one-time password is: {OTP}\n\nIt is valid for a few minutes. If you didn't ask for it, you can ignore this email.\n\nThanks,\n{APP_NAME} team\n",
			HTML:    `<p>Hello,</p><p>Your one-time password is: <strong>{OTP}</strong></p><p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p><p>Thanks,<br/>{APP_NAME} team</p>`,
		},
		// A magic link has no page of its own to open: the surface that
		// offers it gives its link (MailRequest.ActionURL).
		MagicLink: MailTemplate{
			Subject: "Log in to {APP_NAME}",
			Text:    "Hello,\n\nOpen the link below to log in to {APP_NAME}:\n\n{ACTION_URL}\n\nThe link works once and only for a short while. If you didn't ask for it, you can ignore this email.\n\nThanks,\n{APP_NAME} team\n",
			HTML:    `<p>Hello,</p><p>Click on the button below to log in to {APP_NAME}.</p><p><a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Log in</a></p><p><i>The link works once and only for a short while. If you didn't ask for it, you can ignore this email.</i></p><p>Thanks,<br/>{APP_NAME} team</p>`,
		},
		VerificationCode: MailTemplate{
			Subject: "Your {APP_NAME} verification code",
			Text:    "Hello,\n\nYour email verification code is: {OTP}\n\nIt is valid for two minutes. If you didn't ask for it, you can ignore this email.\n\nThanks,\n{APP_NAME} team\n",
			HTML:    `<p>Hello,</p><p>Your email verification code is: <strong>{OTP}</strong></p><p><i>It is valid for two minutes. If you didn't ask for it, you can ignore this email.</i></p><p>Thanks,<br/>{APP_NAME} team</p>`,
		},
	}
}

// MailVars are the values substituted into a template.
type MailVars struct {
	AppName string
	AppURL  string
	Email   string
	Token   string
	OTP     string
	OTPID   string
}

// Render fills the template. Values are HTML-escaped in the HTML part, so
// a hostile name or address cannot inject markup into a mail.
func (t MailTemplate) Render(v MailVars, to string) OutboxMessage {
	action := strings.NewReplacer("{APP_URL}", strings.TrimRight(v.AppURL, "/"), "{TOKEN}", v.Token).Replace(t.ActionURL)
	plain := strings.NewReplacer(
		"{APP_NAME}", v.AppName, "{APP_URL}", v.AppURL, "{EMAIL}", v.Email,
		"{TOKEN}", v.Token, "{ACTION_URL}", action, "{OTP}", v.OTP, "{OTP_ID}", v.OTPID,
	)
	esc := strings.NewReplacer(
		"{APP_NAME}", html.EscapeString(v.AppName), "{APP_URL}", html.EscapeString(v.AppURL),
		"{EMAIL}", html.EscapeString(v.Email), "{TOKEN}", html.EscapeString(v.Token),
		"{ACTION_URL}", html.EscapeString(action), "{OTP}", html.EscapeString(v.OTP),
		"{OTP_ID}", html.EscapeString(v.OTPID),
	)
	// Subjects are single header lines: strip anything that could fold
	// or inject another header.
	subject := strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, plain.Replace(t.Subject))
	return OutboxMessage{To: to, Subject: subject, Text: plain.Replace(t.Text), HTML: esc.Replace(t.HTML)}
}
