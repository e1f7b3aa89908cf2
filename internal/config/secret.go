package config

import (
	"log/slog"
	"net/url"
	"strconv"
)

// SecretURL is a URL that may carry a password (mail.smtp_url). Printing
// it (fmt's %v, %+v, %s, %#v), logging it with slog and marshalling it to
// JSON or YAML all show the password as "xxxxx", so no dump of a Config
// can leak it. Call Reveal where the real value is needed.
type SecretURL string

// Reveal returns the URL with its password, for the code that dials SMTP.
func (s SecretURL) Reveal() string { return string(s) }

// String returns the URL with the password masked. A value that does not
// parse as a URL is masked whole, since we cannot tell where a password
// would be.
func (s SecretURL) String() string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(string(s))
	if err != nil {
		return "xxxxx"
	}
	return u.Redacted()
}

// GoString masks the password in %#v output.
func (s SecretURL) GoString() string { return strconv.Quote(s.String()) }

// LogValue masks the password in slog output.
func (s SecretURL) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText masks the password in JSON and YAML output. There is
// deliberately no UnmarshalText: reading a config keeps the real value.
func (s SecretURL) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Secret is a credential such as an OAuth2 client secret. Printing it
// (fmt's %v, %+v, %s, %#v), logging it with slog and marshalling it to
// JSON or YAML all show "xxxxx" (or "" when it is empty, so a missing
// secret stays visible). Call Reveal where the real value is needed.
type Secret string

// Reveal returns the secret itself, for the code that sends it.
func (s Secret) Reveal() string { return string(s) }

// String returns "xxxxx", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "xxxxx"
}

// GoString masks the secret in %#v output.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// LogValue masks the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText masks the secret in JSON and YAML output. As for
// SecretURL, there is no UnmarshalText: reading keeps the real value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
