package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Mailbox is the development sender: it writes each message as an
// RFC 5322 .eml file that any mail client opens, and logs where it put
// it, so a developer can follow a verification or reset link without an
// SMTP server.
type Mailbox struct {
	dir  string
	from Address
	log  *slog.Logger
}

// NewMailbox returns a Mailbox writing into dir, which it creates (mode
// 0700: the files hold live tokens) if missing.
func NewMailbox(dir string, from Address, log *slog.Logger) (*Mailbox, error) {
	if dir == "" {
		return nil, errors.New("mail: mailbox directory is empty")
	}
	if from.Email == "" {
		return nil, errors.New("mail: sender address is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mail: create mailbox: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Mailbox{dir: dir, from: from, log: log}, nil
}

// Dir returns the directory the mailbox writes to.
func (b *Mailbox) Dir() string { return b.dir }

// Send writes m to <UTC time>-<id>.eml. The file appears complete or not
// at all: it is written under a temporary name and renamed. One info line
// is logged with the path, recipient and subject; never the body, which
// holds the token.
func (b *Mailbox) Send(ctx context.Context, m core.OutboxMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now().UTC()
	// 8bit rather than quoted-printable: no server sees the file, and
	// this way the links stay whole for a developer who reads it with
	// cat or grep.
	msg, err := compose(b.from, m, now, gomail.NoEncoding)
	if err != nil {
		return err
	}
	id := safeID(m.ID)
	if id == "" {
		id = core.NewID()
	}
	name := now.Format("20060102-150405.000") + "-" + id + ".eml"
	path := filepath.Join(b.dir, name)

	// The temporary name does not end in .eml, so a reader globbing for
	// messages skips it.
	tmp, err := os.CreateTemp(b.dir, ".incoming-*")
	if err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("mailbox: write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mailbox: write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	b.log.Info("mail written to dev mailbox", "path", path, "to", m.To, "subject", m.Subject)
	return nil
}
