package mail

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

func TestMailbox(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "mail")
	var logs bytes.Buffer
	box, err := NewMailbox(dir, testFrom, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("NewMailbox() = %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("mailbox dir = %v (%v), want mode 0700", fi.Mode(), err)
	}

	first := testMessage()
	second := testMessage()
	second.ID, second.To, second.Subject = "second0000000000", "other@example.com", "Reset your password"
	for _, m := range []core.OutboxMessage{first, second} {
		if err := box.Send(t.Context(), m); err != nil {
			t.Fatalf("Send(%s) = %v", m.ID, err)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("mailbox holds %d files, want 2 (no temporary leftovers): %v", len(entries), entries)
	}
	name := regexp.MustCompile(`^\d{8}-\d{6}\.\d{3}-` + first.ID + `\.eml$`)
	var path string
	for _, e := range entries {
		if name.MatchString(e.Name()) {
			path = filepath.Join(dir, e.Name())
		}
	}
	if path == "" {
		t.Fatalf("no file named like %v in %v", name, entries)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mail file mode = %v (%v), want 0600", fi.Mode(), err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, smtptest.Message{Data: raw}, first)
	if link := "https://app.example.com/_/#/auth/confirm-verification/TOKEN=xyz-a-long-token-that-makes-the-line-longer-than-seventy-six-characters"; !bytes.Contains(raw, []byte(link)) {
		t.Errorf("file does not hold the link %q verbatim, so a developer cannot copy it", link)
	}

	// Exactly one line per message, with where to look and never the body.
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), logs.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["level"] != "INFO" || rec["path"] != path || rec["to"] != first.To || rec["subject"] != first.Subject {
		t.Errorf("log line = %v, want INFO with path %q, to %q, subject %q", rec, path, first.To, first.Subject)
	}
	if strings.Contains(logs.String(), "TOKEN=xyz") {
		t.Errorf("log reveals the body's token:\n%s", logs.String())
	}
}

func TestNewMailboxErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		from Address
	}{
		{"no-dir", "", testFrom},
		{"dir-is-a-file", filepath.Join(file, "mail"), testFrom},
		{"no-sender", t.TempDir(), Address{}},
	}
	for _, tt := range tests {
		if _, err := NewMailbox(tt.dir, tt.from, nil); err == nil {
			t.Errorf("%s: NewMailbox() = nil error, want one", tt.name)
		}
	}
}
