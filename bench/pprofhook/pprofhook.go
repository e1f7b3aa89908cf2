// Package pprofhook serves net/http/pprof from a Gatehouse server built
// for profiling by the bench (`go run ./bench -pprof`). The bench links it
// into cmd/gatehouse with `go build -overlay`, so the checkout never
// imports it and a normal build never contains it.
//
// The profiles are served on their own listener, at the address in
// GATEHOUSE_BENCH_PPROF, never on the server's own port: nothing a client
// of the API can reach changes.
package pprofhook

import (
	"log"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"time"
)

// Env names the variable holding the address to serve the profiles on.
const Env = "GATEHOUSE_BENCH_PPROF"

func init() {
	addr := os.Getenv(Env)
	if addr == "" {
		return
	}
	srv := &http.Server{Addr: addr, Handler: http.DefaultServeMux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			log.Printf("pprofhook: %v", err)
		}
	}()
}
