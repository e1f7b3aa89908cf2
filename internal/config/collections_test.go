package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestBuildCollectionsDefaults(t *testing.T) {
	t.Parallel()
	got, err := Default().BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(core.DefaultCollections(), got); diff != "" {
		t.Errorf("BuildCollections() without overrides mismatch (-want +got):\n%s", diff)
	}
}

func TestBuildCollectionsAppliesOverrides(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Collections = map[string]CollectionConfig{
		"users": {
			AuthTokenTTL:     ptr(Duration(14 * 24 * time.Hour)),
			VerificationTTL:  ptr(Duration(2 * time.Hour)),
			PasswordResetTTL: ptr(Duration(15 * time.Minute)),
			EmailChangeTTL:   ptr(Duration(45 * time.Minute)),
			PasswordMin:      ptr(12),
			PasswordMax:      ptr(128),
			PublicSignup:     ptr(false),
			Mail: map[string]MailTemplateConfig{
				"password_reset": {Subject: "Reset", ActionURL: "https://app.example/reset/{TOKEN}"},
				"verification":   {Text: "Verify: {ACTION_URL}", HTML: "<a href=\"{ACTION_URL}\">verify</a>"},
			},
		},
		"_superusers": {AuthTokenTTL: ptr(Duration(time.Hour))},
	}
	got, err := c.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	want := core.DefaultCollections()
	u, s := want[0], want[1]
	u.AuthTokenTTL = 14 * 24 * time.Hour
	u.VerificationTTL = 2 * time.Hour
	u.PasswordResetTTL = 15 * time.Minute
	u.EmailChangeTTL = 45 * time.Minute
	u.PasswordMin, u.PasswordMax = 12, 128
	u.PublicSignup = false
	u.Mail.PasswordReset.Subject = "Reset"
	u.Mail.PasswordReset.ActionURL = "https://app.example/reset/{TOKEN}"
	u.Mail.Verification.Text = "Verify: {ACTION_URL}"
	u.Mail.Verification.HTML = "<a href=\"{ACTION_URL}\">verify</a>"
	s.AuthTokenTTL = time.Hour
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuildCollections() mismatch (-want +got):\n%s", diff)
	}
	if _, err := core.NewCollections(got); err != nil {
		t.Errorf("core.NewCollections(BuildCollections()) = %v", err)
	}
}

func TestBuildCollectionsRejectsBadOverrides(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cols map[string]CollectionConfig
		want string
	}{
		{"unknown collection", map[string]CollectionConfig{"posts": {}}, "collections.posts: unknown collection"},
		{"superuser signup", map[string]CollectionConfig{"_superusers": {PublicSignup: ptr(true)}}, "collections._superusers.public_signup"},
		{"unknown mail", map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{"sms": {}}}}, "collections.users.mail.sms: unknown mail"},
		{"code action url", map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{"verification_code": {ActionURL: "{TOKEN}"}}}}, "collections.users.mail.verification_code.action_url: must not be set"},
		{"magic link action url", map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{"magic_link": {ActionURL: "{TOKEN}"}}}}, "collections.users.mail.magic_link.action_url: must not be set"},
		{"otp action url", map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{"otp": {ActionURL: "{TOKEN}"}}}}, "collections.users.mail.otp.action_url: must not be set"},
		{"otp too short", map[string]CollectionConfig{"users": {OTP: OTPConfig{Length: ptr(3)}}}, "collections.users.otp.length"},
		{"superuser mfa off", map[string]CollectionConfig{"_superusers": {OTP: OTPConfig{Enabled: ptr(true)}, MFA: MFAConfig{Enabled: ptr(false)}}}, "collections._superusers.mfa.enabled: MFA is required"},
	}
	for _, tt := range tests {
		c := Default()
		c.Collections = tt.cols
		got, err := c.BuildCollections()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: BuildCollections() = %v, %v, want an error containing %q", tt.name, got, err, tt.want)
		}
	}
}
