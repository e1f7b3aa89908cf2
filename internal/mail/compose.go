package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/gatehouse/gatehouse/internal/core"
)

// compose builds the MIME message every Sender delivers: From, To,
// Subject, Date, Message-ID and a multipart/alternative body with a
// text/plain and a text/html part, all UTF-8, in the given transfer
// encoding.
func compose(from Address, m core.OutboxMessage, now time.Time, enc gomail.Encoding) (*gomail.Msg, error) {
	// No User-Agent: it would only advertise the library and its version.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithEncoding(enc))
	if err := msg.FromFormat(from.Name, from.Email); err != nil {
		return nil, fmt.Errorf("invalid sender: %v", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("invalid recipient: %v", err)
	}
	msg.Subject(oneLine(m.Subject))
	// The Date is when the flow queued the mail, not when a retry finally
	// got through: that is when the user asked for it.
	date := m.Created
	if date.IsZero() {
		date = now
	}
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(messageID(m.ID, from))

	switch {
	case m.Text == "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		if m.HTML != "" {
			msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
		}
	}
	return msg, nil
}

// messageID derives the Message-ID, <outbox id@sender's domain>, from
// the message alone, so every attempt of one message, on any worker or
// node, carries the same one, and a receiver that got it twice (its
// worker died, or lost its claim, between the SMTP server taking it and
// the outbox recording it) can tell. Outbox ids are letters and digits;
// an id with other characters is replaced by its hash, which is just as
// stable and keeps two ids from meeting in one Message-ID.
func messageID(outboxID string, from Address) string {
	id := outboxID
	if id == "" || safeID(id) != id {
		sum := sha256.Sum256([]byte(outboxID))
		id = hex.EncodeToString(sum[:16])
	}
	return id + "@" + from.domain()
}

// safeID keeps only characters that are safe in a Message-ID and in a
// file name.
func safeID(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, id)
}

// oneLine turns line breaks into spaces so a subject can never fold into
// another header.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
