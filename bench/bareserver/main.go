// Command bareserver is the bench's ceiling: a net/http server whose one
// handler writes a fixed JSON body. The bench builds it and runs it as a
// separate process exactly like Gatehouse, with the same server settings,
// and drives it with the same load, so its throughput is the most the
// HTTP stack, the loopback network and the load generator allow on this
// machine. Gatehouse's figures are judged as shares of it.
//
//	bareserver --http 127.0.0.1:8190
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/gatehouse/gatehouse/internal/config"
)

// body is about the size of PocketBase's health answer.
var body = []byte(`{"message":"API is healthy.","code":200,"data":{}}`)

func main() {
	addr := flag.String("http", "127.0.0.1:8190", "address to listen on")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Gatehouse's own HTTP defaults, so both servers treat connections
	// alike (keep-alive, header timeout).
	hc := config.Default().HTTP
	srv := &http.Server{
		Addr: addr,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}),
		ReadHeaderTimeout: hc.ReadHeaderTimeout.Std(),
		IdleTimeout:       hc.IdleTimeout.Std(),
	}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), hc.ShutdownTimeout.Std())
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
