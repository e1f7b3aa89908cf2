package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Each bad OTP/MFA value is one problem naming its own path, from both
// Validate and BuildCollections.
func TestValidateFactorRules(t *testing.T) {
	t.Parallel()
	col := func(name string, cc CollectionConfig) map[string]CollectionConfig {
		return map[string]CollectionConfig{name: cc}
	}
	dur := func(d time.Duration) *Duration { return ptr(Duration(d)) }
	tests := []struct {
		name string
		cols map[string]CollectionConfig
		want string
	}{
		{"otp duration too short", col("users", CollectionConfig{OTP: OTPConfig{Duration: dur(9 * time.Second)}}),
			"collections.users.otp.duration: must be between 10s and 1d (86400s), got 9s"},
		{"otp duration too long", col("_superusers", CollectionConfig{OTP: OTPConfig{Duration: dur(86401 * time.Second)}}),
			"collections._superusers.otp.duration: must be between 10s and 1d"},
		{"otp duration negative", col("users", CollectionConfig{OTP: OTPConfig{Duration: dur(-time.Minute)}}),
			"collections.users.otp.duration:"},
		{"otp length too short", col("users", CollectionConfig{OTP: OTPConfig{Length: ptr(3)}}),
			"collections.users.otp.length: must be between 4 and 10 digits, got 3"},
		{"otp length too long", col("_superusers", CollectionConfig{OTP: OTPConfig{Length: ptr(11)}}),
			"collections._superusers.otp.length: must be between 4 and 10 digits, got 11"},
		{"otp length zero", col("users", CollectionConfig{OTP: OTPConfig{Length: ptr(0)}}),
			"collections.users.otp.length:"},
		{"mfa duration too short", col("users", CollectionConfig{MFA: MFAConfig{Duration: dur(0)}}),
			"collections.users.mfa.duration: must be between 10s and 1d (86400s), got 0s"},
		{"mfa duration too long", col("_superusers", CollectionConfig{MFA: MFAConfig{Duration: dur(2 * day)}}),
			"collections._superusers.mfa.duration: must be between 10s and 1d (86400s), got 2d"},
		{"otp mail with a link", col("users", CollectionConfig{Mail: map[string]MailTemplateConfig{
			"otp": {Subject: "Code", ActionURL: "{APP_URL}/otp/{TOKEN}"},
		}}), "collections.users.mail.otp.action_url: must not be set: the otp mail carries a code ({OTP}), not a link"},
		{"superuser otp without mfa", col("_superusers", CollectionConfig{
			OTP: OTPConfig{Enabled: ptr(true)}, MFA: MFAConfig{Enabled: ptr(false)},
		}), "collections._superusers.mfa.enabled: MFA is required when OTP is enabled for _superusers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Default()
			c.Collections = tt.cols
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			if n := len(unjoin(err)); n != 1 {
				t.Errorf("Validate() reported %d problems, want 1:\n%v", n, err)
			}
			if got, err := c.BuildCollections(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("BuildCollections() = %v, %v, want an error containing %q", got, err, tt.want)
			}
		})
	}
}

func TestValidateAcceptsFactorBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cols map[string]CollectionConfig
	}{
		{"lowest", map[string]CollectionConfig{"users": {
			OTP: OTPConfig{Duration: ptr(Duration(10 * time.Second)), Length: ptr(4)},
			MFA: MFAConfig{Duration: ptr(Duration(10 * time.Second))},
		}}},
		{"highest", map[string]CollectionConfig{"_superusers": {
			OTP: OTPConfig{Duration: ptr(Duration(day)), Length: ptr(10)},
			MFA: MFAConfig{Duration: ptr(Duration(day))},
		}}},
		// Only _superusers ties MFA to OTP.
		{"users otp without mfa", map[string]CollectionConfig{"users": {
			OTP: OTPConfig{Enabled: ptr(true)}, MFA: MFAConfig{Enabled: ptr(false)},
		}}},
		{"superuser otp and mfa", map[string]CollectionConfig{"_superusers": {
			OTP: OTPConfig{Enabled: ptr(true)}, MFA: MFAConfig{Enabled: ptr(true)},
		}}},
		{"superuser otp off, mfa off", map[string]CollectionConfig{"_superusers": {
			OTP: OTPConfig{Enabled: ptr(false)}, MFA: MFAConfig{Enabled: ptr(false)},
		}}},
		{"otp mail without a link", map[string]CollectionConfig{"users": {Mail: map[string]MailTemplateConfig{
			"otp": {Subject: "Your code", Text: "{OTP} ({OTP_ID})", HTML: "<b>{OTP}</b>"},
		}}}},
	}
	for _, tt := range tests {
		c := Default()
		c.Collections = tt.cols
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		}
	}
}

func TestValidateReportsEveryFactorProblem(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Collections = map[string]CollectionConfig{
		"users": {
			OTP:  OTPConfig{Duration: ptr(Duration(time.Second)), Length: ptr(12)},
			MFA:  MFAConfig{Duration: ptr(Duration(time.Second))},
			Mail: map[string]MailTemplateConfig{"otp": {ActionURL: "x"}},
		},
		"_superusers": {OTP: OTPConfig{Enabled: ptr(true)}, MFA: MFAConfig{Enabled: ptr(false)}},
	}
	want := []string{
		"collections._superusers.mfa.enabled:",
		"collections.users.otp.duration:",
		"collections.users.otp.length:",
		"collections.users.mfa.duration:",
		"collections.users.mail.otp.action_url:",
	}
	err := c.Validate()
	got := unjoin(err)
	if len(got) != len(want) {
		t.Fatalf("Validate() reported %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i].Error(), w) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], w)
		}
	}
}

func TestBuildCollectionsAppliesFactors(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Collections = map[string]CollectionConfig{
		"users": {
			OTP: OTPConfig{Enabled: ptr(true), Duration: ptr(Duration(5 * time.Minute)), Length: ptr(6)},
			MFA: MFAConfig{Enabled: ptr(true), Duration: ptr(Duration(15 * time.Minute))},
			Mail: map[string]MailTemplateConfig{
				"otp": {Subject: "{APP_NAME} code", Text: "Code: {OTP}"},
			},
		},
		// MFA left out: enabling OTP for admins turns it on.
		"_superusers": {OTP: OTPConfig{Enabled: ptr(true), Length: ptr(10)}, MFA: MFAConfig{Duration: ptr(Duration(time.Minute))}},
	}
	got, err := c.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	want := core.DefaultCollections()
	u, s := want[0], want[1]
	u.OTP = core.OTPOptions{Enabled: true, Duration: 5 * time.Minute, Length: 6}
	u.MFA = core.MFAOptions{Enabled: true, Duration: 15 * time.Minute}
	u.Mail.OTP.Subject = "{APP_NAME} code"
	u.Mail.OTP.Text = "Code: {OTP}"
	s.OTP = core.OTPOptions{Enabled: true, Duration: 180 * time.Second, Length: 10}
	s.MFA = core.MFAOptions{Enabled: true, Duration: time.Minute}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuildCollections() mismatch (-want +got):\n%s", diff)
	}
	// Core would force the same; the config's result must already agree.
	if _, err := core.NewCollections(got); err != nil {
		t.Fatalf("core.NewCollections(BuildCollections()) = %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("core.NewCollections changed the built collections (-want +got):\n%s", diff)
	}
}

// Explicitly switching both off for admins is not a contradiction, and
// users keep MFA off when only OTP is on.
func TestBuildCollectionsLeavesMFAOffWithoutSuperuserOTP(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Collections = map[string]CollectionConfig{
		"users":       {OTP: OTPConfig{Enabled: ptr(true)}},
		"_superusers": {MFA: MFAConfig{Duration: ptr(Duration(time.Minute))}},
	}
	got, err := c.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range got {
		if col.MFA.Enabled {
			t.Errorf("%s: MFA.Enabled = true, want false", col.Name)
		}
	}
	if !got[0].OTP.Enabled || got[1].OTP.Enabled {
		t.Errorf("OTP.Enabled = %v/%v, want true/false", got[0].OTP.Enabled, got[1].OTP.Enabled)
	}
}

func TestLoadFactorsFromYAML(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
collections:
  users:
    otp: {enabled: true, duration: 120, length: 6}
    mfa:
      enabled: true
      duration: 5m
    mail:
      otp:
        subject: "Code for {APP_NAME}"
  _superusers:
    otp:
      enabled: true
`)
	got, err := Load(path, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := map[string]CollectionConfig{
		"users": {
			OTP:  OTPConfig{Enabled: ptr(true), Duration: ptr(Duration(2 * time.Minute)), Length: ptr(6)},
			MFA:  MFAConfig{Enabled: ptr(true), Duration: ptr(Duration(5 * time.Minute))},
			Mail: map[string]MailTemplateConfig{"otp": {Subject: "Code for {APP_NAME}"}},
		},
		"_superusers": {OTP: OTPConfig{Enabled: ptr(true)}},
	}
	if diff := cmp.Diff(want, got.Collections); diff != "" {
		t.Errorf("Load collections mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadFactorYAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown otp key", "collections:\n  users:\n    otp:\n      digits: 6\n",
			[]string{"line 4: collections.users.otp.digits: unknown option"}},
		{"bad length", "collections:\n  users:\n    otp:\n      length: six\n",
			[]string{`line 4: collections.users.otp.length: want a whole number, got "six"`}},
		{"bad enabled", "collections:\n  users:\n    mfa:\n      enabled: sometimes\n",
			[]string{`line 4: collections.users.mfa.enabled: want true or false, got "sometimes"`}},
		{"bad duration", "collections:\n  users:\n    mfa:\n      duration: soon\n",
			[]string{`line 4: collections.users.mfa.duration: invalid duration "soon"`}},
		{"superuser rule and bounds together",
			"collections:\n  _superusers:\n    otp:\n      enabled: true\n      length: 2\n    mfa:\n      enabled: false\n",
			[]string{"collections._superusers.otp.length:", "collections._superusers.mfa.enabled: MFA is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(writeConfig(t, tt.yaml), nil)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Load error lacks %q; got:\n%v", want, err)
				}
			}
		})
	}
}
