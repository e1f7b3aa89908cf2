package main

import (
	"log/slog"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/metrics"
)

// newMailWorker builds the outbox worker from the mail settings and
// publishes its counters in the app's metrics.
func newMailWorker(cfg config.Config, a *app, sender mail.Sender, log *slog.Logger) *mail.Worker {
	w := mail.NewWorker(a.db, sender, mail.WorkerOptions{
		Poll: cfg.Mail.Poll.Std(), SendTimeout: cfg.Mail.SendTimeout.Std(), Lease: cfg.Mail.Lease.Std(),
		RetryBase: cfg.Mail.RetryBase.Std(), RetryMax: cfg.Mail.RetryMax.Std(), Logger: log,
	})
	a.metrics.WatchMail(func() metrics.MailCounts { return metrics.MailCounts(w.Stats()) })
	return w
}
