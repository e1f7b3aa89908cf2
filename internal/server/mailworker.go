package server

import (
	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/metrics"
)

// NewMailWorker builds the outbox worker from the mail settings and
// publishes its counters in the app's metrics.
func (a *App) NewMailWorker(sender mail.Sender) *mail.Worker {
	cfg, log := a.Cfg, a.Log
	w := mail.NewWorker(a.DB, sender, mail.WorkerOptions{
		Poll: cfg.Mail.Poll.Std(), SendTimeout: cfg.Mail.SendTimeout.Std(), Lease: cfg.Mail.Lease.Std(),
		RetryBase: cfg.Mail.RetryBase.Std(), RetryMax: cfg.Mail.RetryMax.Std(), Logger: log,
	})
	a.Metrics.WatchMail(func() metrics.MailCounts { return metrics.MailCounts(w.Stats()) })
	return w
}
