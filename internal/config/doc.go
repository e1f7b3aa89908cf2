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
// The settings are the fields of Config, found by their yaml tags
// (options walks them). Each has an environment variable named from its
// path, GATEHOUSE_ and the path upper-cased with dots as underscores; a
// map with known keys (collections, a collection's mail) gets one per key,
// so a collection the file leaves out can be configured by variables
// alone. The older, shorter names stay as aliases (envAliases). So a new
// field is a new setting with its variable, and the tests hold the
// reference docs and the example file to the same walk.
//
// A compatible surface declares its own settings in its Options type
// (YAML keys, defaults, rules); SurfacesConfig only places each one with
// a Surface (enabled, mount) and checks it with the surface's Validate.
// The value types they share (Duration, ByteSize, Switch) live in
// internal/setting, which surfaces may import; this package keeps aliases
// for them.
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
