package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// envAliases are the variables Gatehouse read before every setting had
// one named from its path. Each still works; set together with the
// derived name (or another alias of the same setting) to another value,
// it stops startup.
var envAliases = []struct{ name, path string }{
	{"GATEHOUSE_DIR", "data_dir"},
	{"GATEHOUSE_DB", "db.url"},
	{"GATEHOUSE_HTTP", "http.addr"},
	{"GATEHOUSE_BODY_LIMIT", "http.body_limit"},
	{"GATEHOUSE_CORS_ORIGINS", "http.cors_origins"},
	{"GATEHOUSE_SHUTDOWN_TIMEOUT", "http.shutdown_timeout"},
	{"GATEHOUSE_SMTP_URL", "mail.smtp_url"},
	{"GATEHOUSE_TRUSTED_PROXIES", "security.trusted_proxies"},
	{"GATEHOUSE_RATE_LIMITS", "security.rate_limits.enabled"},
	{"GATEHOUSE_SESSION_CACHE_TTL", "security.session_cache_ttl"},
	{"GATEHOUSE_LOCKOUT_MAX_FAILURES", "security.lockout.max_failures"},
	{"GATEHOUSE_METRICS", "metrics.enabled"},
	{"GATEHOUSE_HASH_WORKERS", "passwords.workers"},
	{"GATEHOUSE_DIRECTUS_ENABLED", "surfaces.directus.enabled"},
	{"GATEHOUSE_DIRECTUS_MOUNT", "surfaces.directus.mount"},
	{"GATEHOUSE_DIRECTUS_COLLECTION", "surfaces.directus.collection"},
	{"GATEHOUSE_DIRECTUS_PUBLIC_URL", "surfaces.directus.public_url"},
	{"GATEHOUSE_DIRECTUS_ACCESS_TTL", "surfaces.directus.access_ttl"},
	{"GATEHOUSE_DIRECTUS_REFRESH_TTL", "surfaces.directus.refresh_ttl"},
	{"GATEHOUSE_DIRECTUS_SESSION_TTL", "surfaces.directus.session_ttl"},
	{"GATEHOUSE_DIRECTUS_COOKIE_SECURE", "surfaces.directus.cookie_secure"},
	{"GATEHOUSE_DIRECTUS_COOKIE_SAME_SITE", "surfaces.directus.cookie_same_site"},
	{"GATEHOUSE_DIRECTUS_COOKIE_DOMAIN", "surfaces.directus.cookie_domain"},
	{"GATEHOUSE_DIRECTUS_PASSWORD_RESET_URL_ALLOW_LIST", "surfaces.directus.password_reset_url_allow_list"},
	{"GATEHOUSE_DIRECTUS_REGISTER_URL_ALLOW_LIST", "surfaces.directus.register_url_allow_list"},
	{"GATEHOUSE_DIRECTUS_REDIRECT_ALLOW_LIST", "surfaces.directus.redirect_allow_list"},
	{"GATEHOUSE_DIRECTUS_PUBLIC_REGISTRATION", "surfaces.directus.public_registration"},
}

// applyEnv overrides c with every variable that is set and not empty:
// for each setting, GATEHOUSE_ and its path (envName), or an alias. Only
// these are read: an unknown GATEHOUSE_* variable is ignored, as the
// environment is shared with other programs. A malformed value is
// reported by variable name and option path and leaves the option as it
// was.
func (c *Config) applyEnv(getenv func(string) string) error {
	aliases := map[string][]string{}
	for _, a := range envAliases {
		aliases[a.path] = append(aliases[a.path], a.name)
	}
	var errs []error
	for _, va := range variables() {
		name, raw, err := lookupEnv(getenv, va.path, append([]string{envName(va.path)}, aliases[va.path]...))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if name == "" {
			continue
		}
		v, err := parseEnv(va.opt.typ, raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %v", name, va.path, err))
			continue
		}
		va.set(c, v)
	}
	return errors.Join(errs...)
}

// lookupEnv returns the first of names that is set (empty counts as
// unset), and its value. Two set to different values are an error
// naming both, which never quotes a value: it may be a secret.
func lookupEnv(getenv func(string) string, path string, names []string) (name, value string, err error) {
	for _, n := range names {
		v := getenv(n)
		switch {
		case v == "":
		case name == "":
			name, value = n, v
		case v != value:
			return "", "", fmt.Errorf("%s and %s both set %s, to different values; unset one of them", name, n, path)
		}
	}
	return name, value, nil
}

// parseEnv reads a variable's value as a value of type t. Strings are
// taken as written; on/off switches, whole numbers, durations and sizes
// are read as in the file; a list of strings is comma-separated; anything
// else (a list of providers, a map) is YAML, so JSON and YAML flow text
// such as [{name: google, client_id: x}] both work.
func parseEnv(t reflect.Type, raw string) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer {
		v, err := parseEnv(t.Elem(), raw)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(v)
		return p, nil
	}
	v := reflect.New(t).Elem()
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return v, u.UnmarshalText([]byte(raw))
	}
	switch {
	case t.Kind() == reflect.String:
		v.SetString(raw)
	case t.Kind() == reflect.Bool:
		b, err := parseOnOff(raw)
		v.SetBool(b)
		return v, err
	case t.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return v, fmt.Errorf("want a whole number, got %q", raw)
		}
		v.SetInt(int64(n))
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		v.Set(reflect.ValueOf(splitList(raw)).Convert(t))
	default:
		return v, decodeEnvYAML(raw, v.Addr().Interface())
	}
	return v, nil
}

// parseOnOff reads on/off, true/false, yes/no or 1/0, in any case.
func parseOnOff(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, got %q", v)
}

// decodeEnvYAML decodes a variable's YAML value into out, strictly (an
// unknown key is an error) and as a single document, with yaml.v3's
// messages put the way the file's are (without line numbers: a variable
// is usually one line).
func decodeEnvYAML(raw string, out any) error {
	dec := yaml.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.KnownFields(true)
	err := dec.Decode(out)
	var te *yaml.TypeError
	switch {
	case errors.As(err, &te):
		msgs := make([]string, 0, len(te.Errors))
		for _, msg := range te.Errors {
			msgs = append(msgs, describeEnvYAMLError(msg))
		}
		return errors.New(strings.Join(msgs, "; "))
	case err != nil:
		return fmt.Errorf("not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// describeEnvYAMLError turns one of yaml.v3's "line N: ..." messages into
// the file's wording, without the line.
func describeEnvYAMLError(msg string) string {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		msg = m[2]
	}
	if u := unknownRE.FindStringSubmatch(msg); u != nil {
		return u[1] + ": unknown option"
	}
	if t := typeRE.FindStringSubmatch(msg); t != nil {
		return "want " + describeGoType(t[3]) + ", got " + describeYAMLValue(t[1], t[2])
	}
	return msg
}

// splitList splits a comma-separated list, trimming blanks and dropping
// empty items.
func splitList(v string) []string {
	out := []string{}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
