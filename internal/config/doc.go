// Package config is Gatehouse's typed configuration: defaults, YAML file,
// GATEHOUSE_* environment; flags are applied by cmd/gatehouse, which is the
// only importer.
//
// Values are layered: Default, then the YAML file given to Load (strict:
// an unknown key is an error), then the environment. Load ends with
// Validate, which reports every problem at once, each prefixed with the
// option's YAML path (for example "http.addr: missing port ..."), so an
// operator can fix a broken file in one pass.
//
// The SMTP, database and Redis URLs may carry a password. Each is held in
// a SecretURL, which prints, marshals and logs with the password masked
// (the whole URL, when it cannot tell where the password is); OAuth2
// client secrets are held in a Secret, which always prints as "xxxxx". So
// dumping a Config with fmt, slog, JSON or YAML cannot leak any of them.
//
// OAuth2 providers are plain data here (OAuthProviders); cmd/gatehouse
// builds them, so this package imports no OAuth code.
package config
