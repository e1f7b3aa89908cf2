package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/server"
)

// runServe runs the HTTP server and the mail worker until ctx is
// cancelled or the process gets SIGINT/SIGTERM, then shuts down
// gracefully: in-flight requests finish, the mail being sent is sent, and
// everything else queued stays in the outbox for the next start.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	clock := server.NewStartClock()
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
	log := server.NewLogger(cfg, stderr)
	clock.Mark("config")
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	sender, err := server.NewSender(cfg, log)
	if err != nil {
		return err
	}
	var worker *mail.Worker
	clock.Mark("mail_sender")
	a, err := server.Open(ctx, cfg, log, server.Options{
		MailQueued: func() { worker.Notify() }, Deriver: hashDeriver(ctx, cfg, log), Clock: clock,
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Hasher.WorkerStats().InProcess {
		reserveHashingProcs(a.Hasher.Workers(), log)
	}
	tuneGC(int64(cfg.MemoryLimit), log)
	worker = a.NewMailWorker(sender)
	clock.Mark("mail_worker")

	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	clock.Mark("listen")
	trusted, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		return fmt.Errorf("security.trusted_proxies: %w", err)
	}
	// Closing done ends long-lived streams (realtime SSE), so Shutdown
	// does not wait on them.
	done := make(chan struct{})
	handler, err := a.Handler(trusted, done)
	if err != nil {
		ln.Close()
		return err
	}
	clock.Mark("handlers")
	hs := newHTTPServer(cfg.HTTP, ln, handler, trusted, a.Metrics.NewServerCounters(), log)
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- worker.Run(workerCtx) }()
	serveDone := make(chan error, 1)
	hs.onShutdown(func() { close(done) })
	go func() { serveDone <- hs.serve() }()
	// Another node may rotate the signing keys; follow the store so this
	// node signs with the newest and verifies every key at once.
	a.Keys.SetSource(a.Store)
	go a.Keys.Follow(workerCtx, a.Store, cfg.Keys.ReloadInterval.Std(), log)
	houseDone := make(chan struct{})
	go func() { a.Housekeep(workerCtx); close(houseDone) }()
	condsDone := make(chan struct{})
	go func() { a.WatchConditions(workerCtx); close(condsDone) }()
	releaseTick := time.NewTicker(releaseWindow)
	defer releaseTick.Stop()
	go releaseWhenIdle(workerCtx, releaseTick.C, hs.requestCount, debug.FreeOSMemory)
	defer trimAfterStart()()

	fmt.Fprint(stdout, server.Banner(cfg, "http://"+ln.Addr().String()))
	log.Info("server started", "addr", ln.Addr().String(), "data_dir", cfg.DataDir, "mail", server.DescribeSender(cfg))
	clock.Mark("serving")
	clock.Log(log)

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
