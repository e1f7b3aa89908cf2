package config

import (
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// SecretURL is a server URL that may carry a password: mail.smtp_url,
// db.url and redis.url. Printing it (fmt's %v, %+v, %s, %#v), logging it
// with slog and marshalling it to JSON or YAML all show the password as
// "xxxxx", so no dump of a Config can leak it. Call Reveal where the real
// value is needed.
type SecretURL string

// Reveal returns the URL with its password, for the code that connects.
func (s SecretURL) Reveal() string { return string(s) }

// String returns the URL with the password masked, in the user info and
// in any parameter named like one (password=, sslpassword=). A value whose
// password cannot be located for sure is masked whole: one that does not
// parse, has no scheme (a key=value DSN such as "host=db password=pw"), is
// opaque ("scheme:rest"), has a fragment, or has an "@" after the host
// (user info cut short by an unescaped '/', '?' or '#').
func (s SecretURL) String() string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(string(s))
	if err != nil || u.Scheme == "" || u.Opaque != "" || u.Fragment != "" ||
		strings.Contains(u.Path, "@") || strings.Contains(u.RawQuery, "@") {
		return "xxxxx"
	}
	if u.RawQuery != "" {
		if _, err := url.ParseQuery(u.RawQuery); err != nil {
			return "xxxxx"
		}
		u.RawQuery = maskSecretParams(u.RawQuery)
	}
	return u.Redacted()
}

// maskSecretParams replaces the value of every query parameter whose name
// suggests a credential, keeping the parameters' order.
func maskSecretParams(rawQuery string) string {
	items := strings.Split(rawQuery, "&")
	for i, item := range items {
		key, _, hasValue := strings.Cut(item, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		name = strings.ToLower(name)
		if hasValue && (strings.Contains(name, "pass") || strings.Contains(name, "secret") || strings.Contains(name, "token")) {
			items[i] = key + "=xxxxx"
		}
	}
	return strings.Join(items, "&")
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
