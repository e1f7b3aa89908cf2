package smtptest

import (
	"crypto/subtle"
	"errors"
	"io"
	"slices"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// session is one SMTP connection's state.
type session struct {
	server   *Server
	conn     *gosmtp.Conn
	authUser string
	authed   bool
	from     string
	to       []string
}

var errBadCredentials = errors.New("invalid username or password")

// AuthMechanisms advertises PLAIN, the one mechanism senders here use
// over a plain connection.
func (c *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth checks PLAIN credentials: any pass when the server requires none.
func (c *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s := c.server
		if s.user != "" {
			// Constant-time, as for any secret, even in a test server.
			userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.user))
			passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.pass))
			if userOK&passOK != 1 {
				return errBadCredentials
			}
		}
		c.authed, c.authUser = true, user
		return nil
	}), nil
}

func (c *session) mayMail() error {
	if c.server.user != "" && !c.authed {
		return gosmtp.ErrAuthRequired
	}
	return nil
}

func (c *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if err := c.mayMail(); err != nil {
		return err
	}
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if err := c.mayMail(); err != nil {
		return err
	}
	c.to = append(c.to, to)
	return nil
}

func (c *session) Data(r io.Reader) error {
	if err := c.mayMail(); err != nil {
		return err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, encrypted := c.conn.TLSConnectionState()
	m := Message{From: c.from, To: slices.Clone(c.to), AuthUser: c.authUser, TLS: encrypted, Data: data}
	if release, ok := c.server.hold(m); ok {
		<-release
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "held by the test server; not delivered"}
	}
	c.server.record(m)
	return nil
}

func (c *session) Reset() { c.from, c.to = "", nil }

func (c *session) Logout() error { return nil }
