package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// Message is one mail the server accepted.
type Message struct {
	// From and To are the SMTP envelope (MAIL FROM, RCPT TO).
	From string
	To   []string
	// AuthUser is the user the client authenticated as; empty without
	// AUTH.
	AuthUser string
	// TLS reports whether the message came over an encrypted connection.
	TLS bool
	// Data is the raw RFC 5322 message as received.
	Data []byte
}

// Header parses the message's header; it fails the test if the message
// is not valid RFC 5322.
func (m Message) Header(t testing.TB) mail.Header {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("smtptest: parse message: %v", err)
	}
	return msg.Header
}

// Subject returns the Subject header with RFC 2047 encoded words decoded.
func (m Message) Subject(t testing.TB) string {
	t.Helper()
	raw := m.Header(t).Get("Subject")
	s, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		t.Fatalf("smtptest: decode subject %q: %v", raw, err)
	}
	return s
}

// Text returns the decoded text/plain body; it fails the test if there
// is none.
func (m Message) Text(t testing.TB) string {
	t.Helper()
	return m.body(t, "text/plain")
}

// HTML returns the decoded text/html body; it fails the test if there is
// none.
func (m Message) HTML(t testing.TB) string {
	t.Helper()
	return m.body(t, "text/html")
}

func (m Message) body(t testing.TB, mediaType string) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("smtptest: parse message: %v", err)
	}
	body, found, err := findPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, mediaType)
	if err != nil {
		t.Fatalf("smtptest: read %s body: %v", mediaType, err)
	}
	if !found {
		t.Fatalf("smtptest: message has no %s part", mediaType)
	}
	return body
}

// findPart walks a (possibly nested) MIME body for the first part of the
// wanted media type and returns it decoded.
func findPart(contentType, encoding string, r io.Reader, want string) (string, bool, error) {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", false, fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			// NextPart decodes quoted-printable itself and then drops the
			// Content-Transfer-Encoding header.
			p, err := mr.NextPart()
			if err == io.EOF {
				return "", false, nil
			}
			if err != nil {
				return "", false, err
			}
			body, found, err := findPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, want)
			if err != nil || found {
				return body, found, err
			}
		}
	}
	if mt != want {
		return "", false, nil
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips the CR LF line breaks itself.
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", false, err
	}
	return string(b), true, nil
}
