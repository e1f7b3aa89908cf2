// Package server wires a Gatehouse from its configuration: it opens the
// store (migrated), the password hasher, the signing keys and core's
// service (App, Open), builds every surface's handler behind the shared
// middleware (App.Handler), and provides the background work a running
// Gatehouse needs (the mail worker, housekeeping, the conditions watch).
// `gatehouse serve` runs it behind its own listener; the Local API (the
// module's root package, gatehouse) embeds it in another Go program.
package server
