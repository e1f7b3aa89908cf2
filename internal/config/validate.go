package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// problems collects validation failures, each prefixed with the option's
// YAML path.
type problems []error

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, errors.New(path+": "+fmt.Sprintf(format, args...)))
}

func (p problems) err() error { return errors.Join(p...) }

// Validate checks every option and returns all problems at once (joined
// with errors.Join), each naming the option by its YAML path.
func (c Config) Validate() error {
	var p problems
	if c.DataDir == "" {
		p.add("data_dir", "must not be empty")
	}
	if c.MemoryLimit != 0 && (c.MemoryLimit < 16*MiB || c.MemoryLimit > 1024*GiB) {
		p.add("memory_limit", "must be 0 (none) or between 16MiB and 1024GiB, got %s", c.MemoryLimit)
	}
	c.DB.validate(&p)
	c.Redis.validate(&p)
	c.Keys.validate(&p)
	c.HTTP.validate(&p)
	c.App.validate(&p)
	c.Log.validate(&p)
	c.Mail.validate(&p)
	c.Passwords.validate(&p)
	c.Security.validate(&p)
	c.validateCollections(&p)
	c.validateSurfaces(&p)
	return p.err()
}

// checkAddr accepts host:port with a numeric port (0 picks a free one);
// the host may be empty to listen on every interface.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			return fmt.Errorf("%s %q", ae.Err, addr)
		}
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number between 0 and 65535", port)
	}
	return nil
}

// isOrigin reports whether o is a browser origin: scheme and host (and
// port), with nothing after them, since browsers send exactly that.
func isOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && u.Path == "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

func (a AppConfig) validate(p *problems) {
	if a.Name == "" {
		p.add("app.name", "must not be empty")
	}
	// The base of every link, checked as the surfaces' public URLs are.
	if err := core.CheckBaseURL(a.URL); err != nil {
		p.add("app.url", "%v", err)
	}
}

func (l LogConfig) validate(p *problems) {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level", "must be debug, info, warn or error, got %q", l.Level)
	}
	switch l.Format {
	case "text", "json":
	default:
		p.add("log.format", "must be text or json, got %q", l.Format)
	}
}

func (m MailConfig) validate(p *problems) {
	if m.SMTPURL != "" {
		if err := checkSMTPURL(string(m.SMTPURL)); err != nil {
			p.add("mail.smtp_url", "%v", err)
		}
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		p.add("mail.from", "not an email address (%q): %v", m.From, err)
	}
	positive(p, "mail.poll", m.Poll)
	positive(p, "mail.retry_base", m.RetryBase)
	positive(p, "mail.retry_max", m.RetryMax)
	positive(p, "mail.send_timeout", m.SendTimeout)
	// No rule ties the lease to the send timeout: a send that outlasts a
	// third of the lease renews it, and one that cannot is cut off first.
	if m.Lease < Duration(MinMailLease) {
		p.add("mail.lease", "must be at least %s (it is renewed every third of it), got %s", Duration(MinMailLease), m.Lease)
	}
	if m.RetryMax > 0 && m.RetryBase > m.RetryMax {
		p.add("mail.retry_base", "must not be longer than mail.retry_max (%s), got %s", m.RetryMax, m.RetryBase)
	}
}

// checkSMTPURL accepts smtp:// or smtps:// with a host, an optional port
// and an optional tls=required|off parameter. Its messages never quote
// the URL: it may hold a password.
func checkSMTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL (want smtp://user:pass@host:port)")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return fmt.Errorf("scheme must be smtp or smtps, got %q", u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fmt.Errorf("must include a host (want %s://host:port)", u.Scheme)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q is not a number between 1 and 65535", port)
		}
	}
	if u.Path != "" && u.Path != "/" {
		return errors.New("must not have a path")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return errors.New("has a malformed query")
	}
	for key, vals := range q {
		if key != "tls" || len(vals) != 1 {
			return errors.New("has an unknown or repeated parameter (only tls is known)")
		}
		switch v := strings.ToLower(vals[0]); {
		case v == "off" && u.Scheme == "smtps":
			return errors.New("tls=off contradicts smtps://, which is always TLS")
		case v != "required" && v != "off":
			return errors.New("tls must be required or off")
		}
	}
	return nil
}

// maxArgon2MemoryKiB is 4 GiB: more would stall a server, and argon2
// takes the cost as a uint32 of KiB anyway.
const maxArgon2MemoryKiB = 4 * 1024 * 1024

func (w PasswordsConfig) validate(p *problems) {
	if w.Argon2Parallelism < 1 || w.Argon2Parallelism > 255 {
		p.add("passwords.argon2_parallelism", "must be between 1 and 255, got %d", w.Argon2Parallelism)
	}
	// argon2 needs at least 8 KiB per lane.
	lowest := 8 * max(w.Argon2Parallelism, 1)
	if w.Argon2MemoryKiB < lowest || w.Argon2MemoryKiB > maxArgon2MemoryKiB {
		p.add("passwords.argon2_memory_kib", "must be between %d (8 per lane of argon2_parallelism) and %d (4 GiB), got %d",
			lowest, maxArgon2MemoryKiB, w.Argon2MemoryKiB)
	}
	if w.Argon2Iterations < 1 {
		p.add("passwords.argon2_iterations", "must be at least 1, got %d", w.Argon2Iterations)
	}
	if w.Workers < 0 {
		p.add("passwords.workers", "must be 0 (one per CPU) or more, got %d", w.Workers)
	}
	positive(p, "passwords.queue_wait", w.QueueWait)
	if w.WorkerIdleTimeout < 0 {
		p.add("passwords.worker_idle_timeout", "must be 0 (keep the workers) or a positive duration, got %s", w.WorkerIdleTimeout)
	}
}

func positive(p *problems, path string, d Duration) {
	if d <= 0 {
		p.add(path, "must be a positive duration, got %s", d)
	}
}
