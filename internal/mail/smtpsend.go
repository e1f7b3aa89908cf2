package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/gatehouse/gatehouse/internal/core"
)

// AUTH mechanisms in order of preference. Over TLS anything goes; PLAIN
// over a plain connection is still refused by go-mail unless the server is
// on loopback, so a missing STARTTLS cannot leak the password.
var (
	authMechs = []gomail.SMTPAuthType{
		gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
		gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5,
	}
	// With tls=off the operator chose clear text, so PLAIN and LOGIN may
	// go unencrypted.
	authMechsNoTLS = []gomail.SMTPAuthType{
		gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
		gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc,
	}
)

// Send delivers m. It gives up at the context's deadline or after
// SMTPOptions.Timeout, whichever comes first, and stops at once, at any
// stage of the exchange, when ctx is cancelled: the connection is closed,
// so a message whose DATA was not complete is discarded by the server.
// Errors never contain the password.
func (s *SMTP) Send(ctx context.Context, m core.OutboxMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Quoted-printable, not 8bit: it passes any server, 8BITMIME or not.
	msg, err := compose(s.from, m, time.Now(), gomail.EncodingQP)
	if err != nil {
		return err
	}
	// go-mail applies its timeout as one deadline on the whole
	// connection, so this bounds the complete exchange, not each command.
	timeout := s.timeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	if timeout <= 0 {
		return context.DeadlineExceeded
	}
	// A fresh client per message: go-mail's Client keeps per-connection
	// state (it rewrites its AUTH choice while dialing), so sharing one
	// across sends would race.
	client, err := gomail.NewClient(s.dialHost(), s.clientOptions(ctx, timeout)...)
	if err != nil {
		return s.scrub(fmt.Errorf("smtp %s: %w", s.addr(), err))
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if cause := context.Cause(ctx); cause != nil {
			err = fmt.Errorf("%w (stopped: %v)", err, cause)
		}
		return s.scrub(fmt.Errorf("smtp %s: %w", s.addr(), err))
	}
	return nil
}

func (s *SMTP) clientOptions(ctx context.Context, timeout time.Duration) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSPolicy(s.policy),
		gomail.WithTLSConfig(s.tlsConfig),
		gomail.WithDialContextFunc(s.dialer(ctx)),
	}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.user != "" {
		mechs := authMechs
		if s.policy == gomail.NoTLS {
			mechs = authMechsNoTLS
		}
		opts = append(opts,
			gomail.WithUsername(s.user), gomail.WithPassword(s.pass),
			gomail.WithOpportunisticSMTPAuth(mechs...))
	}
	return opts
}

// dialer connects for one Send and ties the connection to that send's
// ctx. go-mail watches the context only while it dials; after that, only
// closing the connection stops it, and the worker must be able to stop a
// send at any stage (mid-DATA included) when its claim on the message is
// lost. go-mail passes a context of its own, cancelled once dialing is
// done, to the function it dials with: the send's ctx is captured
// instead.
//
// With implicit TLS the handshake is done here, as go-mail's own dialer
// would; the *tls.Conn returned is what go-mail checks to know the
// connection is encrypted.
func (s *SMTP) dialer(sendCtx context.Context) gomail.DialContextFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		stop := context.AfterFunc(sendCtx, func() { raw.Close() })
		conn := net.Conn(&watchedConn{Conn: raw, stop: stop})
		if !s.implicitTLS {
			return conn, nil
		}
		tc := tls.Client(conn, s.tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
}

// watchedConn is a connection closed when its send's context ends; Close
// also stops that watch.
type watchedConn struct {
	net.Conn
	stop func() bool
}

func (c *watchedConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// dialHost brackets an IPv6 literal: go-mail joins host and port with a
// bare colon.
func (s *SMTP) dialHost() string {
	if strings.Contains(s.host, ":") {
		return "[" + s.host + "]"
	}
	return s.host
}

func (s *SMTP) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// scrub masks the password should any layer (a server echoing AUTH data,
// say) have put it in an error. The worker stores error text in the
// database and logs it.
func (s *SMTP) scrub(err error) error {
	if s.pass == "" {
		return err
	}
	msg := err.Error()
	clean := msg
	for _, secret := range []string{s.pass, url.QueryEscape(s.pass), url.PathEscape(s.pass)} {
		clean = strings.ReplaceAll(clean, secret, "xxxxx")
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}
