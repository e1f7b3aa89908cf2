package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/metrics"
	"github.com/gatehouse/gatehouse/internal/surfaces/pocketbase"
)

// Handler mounts the surfaces, the JWKS document, the readiness
// endpoint and the metrics endpoint behind the shared middleware. Metrics
// time everything, so they sit outermost. PocketBase takes "/" (its
// routes live under /api/ and it answers every other unclaimed path with
// its 404); each enabled compatible surface takes its mount, which
// ServeMux prefers as the longer pattern. A mount that overlaps another's
// paths is an error. trusted are the proxies whose forwarded client
// address is believed; closing done ends long-lived streams (realtime).
func (a *App) Handler(trusted []netip.Prefix, done <-chan struct{}) (http.Handler, error) {
	log := a.Log
	mux := http.NewServeMux()
	mux.Handle("GET /.well-known/jwks.json", httpapi.JWKS(a.Keys.JWKS))
	mux.Handle("GET /readyz", readyHandler(a.Conditions))
	if a.Cfg.Metrics.Enabled {
		mux.Handle("GET /metrics", a.Metrics.Handler())
	}
	// A shared database relays realtime streams between nodes; SQLite
	// serves one node, whose streams are all in memory.
	relay, _ := a.DB.(core.RealtimeRelay)
	pb, err := pocketbase.NewHandler(a.surfaceDeps(log, metrics.SetRoute, done), pocketbase.Options{Realtime: relay})
	if err != nil {
		return nil, err
	}
	mux.Handle("/", pb)
	mounts, err := surfaceMounts(a, log, done)
	if err != nil {
		return nil, err
	}
	if err := addMounts(mux, mounts, log); err != nil {
		return nil, err
	}
	return httpapi.Chain(mux, a.Metrics.Middleware, httpapi.RequestID(), httpapi.ClientIP(trusted), httpapi.AccessLog(log)), nil
}

// housekeepEvery is how often expired counters, sessions and tokens are
// pruned.
const housekeepEvery = 10 * time.Minute

// Housekeep prunes what has expired, at start and then periodically,
// until ctx ends.
func (a *App) Housekeep(ctx context.Context) {
	t := time.NewTicker(housekeepEvery)
	defer t.Stop()
	for {
		if err := a.Service.Housekeep(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// NewSender picks SMTP when configured, else the development mailbox
// under the data directory.
func NewSender(cfg config.Config, log *slog.Logger) (mail.Sender, error) {
	from, err := mail.ParseFrom(cfg.Mail.From)
	if err != nil {
		return nil, fmt.Errorf("mail.from: %w", err)
	}
	if url := cfg.Mail.SMTPURL.Reveal(); url != "" {
		s, err := mail.NewSMTP(url, from, mail.SMTPOptions{Timeout: cfg.Mail.SendTimeout.Std()})
		if err != nil {
			return nil, fmt.Errorf("mail.smtp_url: %w", err)
		}
		return s, nil
	}
	return mail.NewMailbox(filepath.Join(cfg.DataDir, "mail"), from, log)
}

// DescribeSender names where mail goes, for the start-up log line.
func DescribeSender(cfg config.Config) string {
	if cfg.Mail.SMTPURL.Reveal() != "" {
		return "smtp " + cfg.Mail.SMTPURL.String()
	}
	return "dev mailbox " + filepath.Join(cfg.DataDir, "mail")
}
