package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/memtrim"
	"github.com/gatehouse/gatehouse/internal/metrics"
	"github.com/gatehouse/gatehouse/internal/surfaces/pocketbase"
)

// runServe runs the HTTP server and the mail worker until ctx is
// cancelled or the process gets SIGINT/SIGTERM, then shuts down
// gracefully: in-flight requests finish, the mail being sent is sent, and
// everything else queued stays in the outbox for the next start.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	clock := newStartClock()
	fs, cf := newFlagSet("serve", stderr, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := loadConfig(cf, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	clock.mark("config")
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	sender, err := newSender(cfg, log)
	if err != nil {
		return err
	}
	var worker *mail.Worker
	clock.mark("mail_sender")
	a, err := openApp(withStartClock(ctx, clock), cfg, log, func() { worker.Notify() })
	if err != nil {
		return err
	}
	defer a.close()
	if a.hasher.WorkerStats().InProcess {
		reserveHashingProcs(a.hasher.Workers(), log)
	}
	tuneGC(int64(cfg.MemoryLimit), log)
	worker = newMailWorker(cfg, a, sender, log)
	clock.mark("mail_worker")

	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	clock.mark("listen")
	trusted, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		return fmt.Errorf("security.trusted_proxies: %w", err)
	}
	// Closing done ends long-lived streams (realtime SSE), so Shutdown
	// does not wait on them.
	done := make(chan struct{})
	handler, err := newRootHandler(a, log, trusted, done)
	if err != nil {
		ln.Close()
		return err
	}
	clock.mark("handlers")
	hs := newHTTPServer(cfg.HTTP, ln, handler, trusted, a.metrics.NewServerCounters(), log)
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- worker.Run(workerCtx) }()
	serveDone := make(chan error, 1)
	hs.onShutdown(func() { close(done) })
	go func() { serveDone <- hs.serve() }()
	// Another node may rotate the signing keys; follow the store so this
	// node signs with the newest and verifies every key at once.
	a.keys.SetSource(a.store)
	go a.keys.Follow(workerCtx, a.store, cfg.Keys.ReloadInterval.Std(), log)
	houseDone := make(chan struct{})
	go func() { housekeep(workerCtx, a, log); close(houseDone) }()
	condsDone := make(chan struct{})
	go func() { watchConditions(workerCtx, a.conditions); close(condsDone) }()
	releaseTick := time.NewTicker(releaseWindow)
	defer releaseTick.Stop()
	go releaseWhenIdle(workerCtx, releaseTick.C, hs.requestCount, releaseMemory)
	// Start-up touched pages all over the binary (every package's
	// initialisation, migrations, templates) that serving never needs
	// again; once the first requests have faulted in what it does need,
	// they go (memtrim.DropFilePages).
	startTrim := time.AfterFunc(startTrimAfter, memtrim.DropFilePages)
	defer startTrim.Stop()

	fmt.Fprint(stdout, banner(cfg, "http://"+ln.Addr().String()))
	log.Info("server started", "addr", ln.Addr().String(), "data_dir", cfg.DataDir, "mail", describeSender(cfg))
	clock.mark("serving")
	clock.log(log)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-serveDone:
	}
	log.Info("shutting down")
	hs.stop(ctx)
	// Requests are done, so nothing new can be queued: stop the worker
	// and let it finish the message it is sending.
	stopWorker()
	if err := <-workerDone; err != nil {
		log.Error("mail worker", "err", err)
	}
	<-houseDone
	<-condsDone
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}

// newRootHandler mounts the surfaces, the JWKS document, the readiness
// endpoint and the metrics endpoint behind the shared middleware. Metrics time everything, so
// they sit outermost. PocketBase takes "/" (its routes live under /api/
// and it answers every other unclaimed path with its 404); each enabled
// compatible surface takes its mount, which ServeMux prefers as the
// longer pattern. A mount that overlaps another's paths is an error.
func newRootHandler(a *app, log *slog.Logger, trusted []netip.Prefix, done <-chan struct{}) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /.well-known/jwks.json", httpapi.JWKS(a.keys.JWKS))
	mux.Handle("GET /readyz", readyHandler(a.conditions))
	if a.cfg.Metrics.Enabled {
		mux.Handle("GET /metrics", a.metrics.Handler())
	}
	// A shared database relays realtime streams between nodes; SQLite
	// serves one node, whose streams are all in memory.
	relay, _ := a.db.(core.RealtimeRelay)
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
	return httpapi.Chain(mux, a.metrics.Middleware, httpapi.RequestID(), httpapi.ClientIP(trusted), httpapi.AccessLog(log)), nil
}

// housekeepEvery is how often expired counters, sessions and tokens are
// pruned.
const housekeepEvery = 10 * time.Minute

// housekeep prunes what has expired, at start and then periodically,
// until ctx ends.
func housekeep(ctx context.Context, a *app, log *slog.Logger) {
	t := time.NewTicker(housekeepEvery)
	defer t.Stop()
	for {
		if err := a.service.Housekeep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// newSender picks SMTP when configured, else the development mailbox
// under the data directory.
func newSender(cfg config.Config, log *slog.Logger) (mail.Sender, error) {
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

func describeSender(cfg config.Config) string {
	if cfg.Mail.SMTPURL.Reveal() != "" {
		return "smtp " + cfg.Mail.SMTPURL.String()
	}
	return "dev mailbox " + filepath.Join(cfg.DataDir, "mail")
}
