// Package gatehouse is the Local API: it opens a Gatehouse inside another
// Go program, with the same configuration and the same store `gatehouse
// serve` uses, and offers the auth operations as Go calls (Login, Me,
// Logout, RefreshToken, VerifyEmail, ...), as Payload's Local API offers
// its operations to the code of the app it runs in. Handler gives the
// HTTP API of every surface, so the program can mount it on its own mux
// and serve apps written against PocketBase, Directus or Payload beside
// its own routes.
//
// The operations run with the server's rules: the same lockout, rate
// limits and session checks as over HTTP. Like Payload's Local API they
// trust their caller in one respect only: they take the collection by
// name, so code that calls them decides which pool of users it works on.
//
// Passwords are hashed in the program's own process (`gatehouse serve`
// hashes in worker processes it starts from its own executable, which an
// embedding program is not).
package gatehouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/server"
)

// Config says where a Gatehouse's settings and data are. The zero value
// opens the defaults: SQLite in ./gatehouse_data, mail to the development
// mailbox under it.
type Config struct {
	// File is a YAML configuration file, as `gatehouse serve --config`
	// reads; empty for none.
	File string
	// Getenv reads the GATEHOUSE_* variables (docs/configuration.md);
	// nil reads none. Pass os.Getenv to read the process's environment.
	Getenv func(string) string
	// DataDir and DatabaseURL, when set, override the file and the
	// environment (as serve's --dir and --db flags do).
	DataDir     string
	DatabaseURL string
	// Logger receives the server's log; nil discards it.
	Logger *slog.Logger
}

// Gatehouse is an open, running Gatehouse: its store, its background
// work (mail, housekeeping) and its HTTP handler. It is safe for
// concurrent use. Close it when done.
type Gatehouse struct {
	app     *server.App
	handler http.Handler
	stop    context.CancelFunc
	done    chan struct{} // closed on Close: ends long-lived streams
	wg      sync.WaitGroup
	once    sync.Once
}

// Open loads the configuration, opens (and migrates) the store, loads or
// creates the signing keys, and starts the mail worker and housekeeping.
func Open(ctx context.Context, c Config) (*Gatehouse, error) {
	getenv := c.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg, err := config.Load(c.File, getenv)
	if err != nil {
		return nil, fmt.Errorf("gatehouse: configuration: %w", err)
	}
	if c.DataDir != "" {
		cfg.DataDir = c.DataDir
	}
	if c.DatabaseURL != "" {
		cfg.DB.URL = config.SecretURL(c.DatabaseURL)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("gatehouse: configuration: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	sender, err := server.NewSender(cfg, log)
	if err != nil {
		return nil, fmt.Errorf("gatehouse: %w", err)
	}
	g := &Gatehouse{done: make(chan struct{})}
	notify := func() {}
	a, err := server.Open(ctx, cfg, log, server.Options{MailQueued: func() { notify() }})
	if err != nil {
		return nil, fmt.Errorf("gatehouse: %w", err)
	}
	g.app = a
	trusted, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("gatehouse: security.trusted_proxies: %w", err)
	}
	if g.handler, err = a.Handler(trusted, g.done); err != nil {
		a.Close()
		return nil, fmt.Errorf("gatehouse: %w", err)
	}
	worker := a.NewMailWorker(sender)
	notify = worker.Notify
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	g.stop = stop
	a.Keys.SetSource(a.Store)
	for _, run := range []func(context.Context){
		func(ctx context.Context) {
			if err := worker.Run(ctx); err != nil {
				log.Error("mail worker", "err", err)
			}
		},
		a.Housekeep,
		a.WatchConditions,
		func(ctx context.Context) { a.Keys.Follow(ctx, a.Store, cfg.Keys.ReloadInterval.Std(), log) },
	} {
		g.wg.Go(func() { run(bg) })
	}
	return g, nil
}

// Handler is the HTTP API of every surface the configuration enables,
// exactly as `gatehouse serve` serves it (PocketBase's at /api/, the
// others at their mounts, the JWKS document, /readyz, /metrics), behind
// the same middleware. Serve it with the program's own http.Server; the
// request deadlines, connection caps and slow-client cut-offs of serve's
// own listener are the program's to set there.
func (g *Gatehouse) Handler() http.Handler { return g.handler }

// Close stops the background work (the message being mailed is finished;
// the rest stays queued for next time), ends long-lived streams, and
// closes the store.
func (g *Gatehouse) Close() error {
	g.once.Do(func() {
		close(g.done)
		g.stop()
		g.wg.Wait()
		g.app.Close()
	})
	return nil
}

// collection finds an auth collection by name.
func (g *Gatehouse) collection(name string) (*core.Collection, error) {
	if name == "" {
		name = "users"
	}
	c, ok := g.app.Service.Collection(name)
	if !ok {
		return nil, &Error{Kind: KindNotFound, Code: core.CodeNotFound,
			Message: fmt.Sprintf("No auth collection %q.", name)}
	}
	return c, nil
}

// errOf turns core's errors into the package's.
func errOf(err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		return err
	}
	return &Error{Kind: Kind(ce.Kind), Code: ce.Code, Message: messageOf(ce), Fields: fieldsOf(ce),
		RetryAfter: ce.RetryAfter, cause: ce}
}
