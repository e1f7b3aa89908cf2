package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPOptions tune an SMTP sender. The zero value is ready to use.
type SMTPOptions struct {
	// Timeout bounds one delivery: connect, TLS, AUTH and the message
	// (default 30s). A shorter deadline on Send's context wins.
	Timeout time.Duration
	// HeloName is the name sent with EHLO; empty means this machine's
	// host name.
	HeloName string
	// TLSConfig replaces the default TLS settings, for example to trust a
	// test CA. An empty ServerName is set to the URL's host.
	TLSConfig *tls.Config
}

const defaultSMTPTimeout = 30 * time.Second

// SMTP delivers mail to an SMTP server (a relay or a submission
// service). It opens one connection per message: the worker sends one
// message at a time and rarely many in a row, so a pooled connection
// would mostly sit idle and time out.
type SMTP struct {
	host        string
	port        int
	implicitTLS bool
	policy      gomail.TLSPolicy
	user, pass  string
	from        Address
	timeout     time.Duration
	helo        string
	tlsConfig   *tls.Config
	redacted    string
}

// NewSMTP builds a sender from a URL:
//
//	smtp://[user:pass@]host[:port][?tls=required|off]   (default port 587)
//	smtps://[user:pass@]host[:port]                      (implicit TLS, default port 465)
//
// With smtp:// STARTTLS is used when the server offers it, so local relays
// without TLS (Mailpit, MailHog) work; tls=required refuses to go on
// without it and tls=off never tries it. User and password are
// URL-decoded; AUTH is only attempted when a user is given.
//
// The password is never sent in clear text to a remote host: without TLS
// only challenge-response mechanisms are used, or PLAIN to a loopback
// address. tls=off is the explicit opt-out: it allows PLAIN and LOGIN over
// an unencrypted connection, for relays on a trusted network.
func NewSMTP(rawURL string, from Address, opts SMTPOptions) (*SMTP, error) {
	if from.Email == "" {
		return nil, errors.New("mail: sender address is empty")
	}
	s, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	s.from = from
	s.timeout = opts.Timeout
	if s.timeout <= 0 {
		s.timeout = defaultSMTPTimeout
	}
	s.helo = opts.HeloName
	s.tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if opts.TLSConfig != nil {
		s.tlsConfig = opts.TLSConfig.Clone()
		if s.tlsConfig.ServerName == "" {
			s.tlsConfig.ServerName = s.host
		}
	}
	return s, nil
}

// parseSMTPURL reads the URL forms NewSMTP documents. Its errors never
// quote the URL, which may hold a password.
func parseSMTPURL(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// *url.Error repeats the whole URL, password included: keep only
		// the reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("mail: invalid SMTP URL: %v", err)
	}
	s := &SMTP{policy: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicitTLS, s.policy = 465, true, gomail.TLSMandatory
	default:
		return nil, fmt.Errorf("mail: unsupported SMTP URL scheme %q (want smtp or smtps)", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: SMTP URL has no host (want %s://host:port)", u.Scheme)
	}
	s.host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q is not a port number", p)
		}
		s.port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, errors.New("mail: SMTP URL must not have a path")
	}
	if err := s.parseQuery(u); err != nil {
		return nil, err
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" && s.pass != "" {
			return nil, errors.New("mail: SMTP URL has a password but no user")
		}
	}
	s.redacted = s.canonicalURL().Redacted()
	return s, nil
}

func (s *SMTP) parseQuery(u *url.URL) error {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fmt.Errorf("mail: invalid SMTP URL query: %v", err)
	}
	for key, vals := range q {
		if key != "tls" || len(vals) != 1 {
			return fmt.Errorf("mail: unknown or repeated SMTP URL parameter %q (only tls is known)", key)
		}
		switch v := strings.ToLower(vals[0]); {
		case v == "required":
			s.policy = gomail.TLSMandatory
		case v == "off" && !s.implicitTLS:
			s.policy = gomail.NoTLS
		case v == "off":
			return errors.New("mail: tls=off contradicts smtps://, which is always TLS")
		default:
			return fmt.Errorf("mail: SMTP URL tls=%q is not one of required, off", vals[0])
		}
	}
	return nil
}

// canonicalURL spells the parsed settings back as a URL, defaults filled
// in.
func (s *SMTP) canonicalURL() *url.URL {
	u := &url.URL{Scheme: "smtp", Host: net.JoinHostPort(s.host, strconv.Itoa(s.port))}
	if s.implicitTLS {
		u.Scheme = "smtps"
	}
	switch {
	case s.implicitTLS:
	case s.policy == gomail.TLSMandatory:
		u.RawQuery = "tls=required"
	case s.policy == gomail.NoTLS:
		u.RawQuery = "tls=off"
	}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.pass)
		if s.pass == "" {
			u.User = url.User(s.user)
		}
	}
	return u
}

// Redacted returns the server URL with the password masked, for logs.
func (s *SMTP) Redacted() string { return s.redacted }

// String is Redacted, so printing the sender never shows the password.
func (s *SMTP) String() string { return s.redacted }
