// Package pocketbase serves PocketBase's auth API (v0.39, as its JS SDK
// 0.28 drives it) over Gatehouse's core: the collection auth routes, the
// records routes of auth collections, and the health check.
//
// The package translates wire format only. Every rule (who may log in,
// what a token is worth, who may see a record) lives in core; this
// package decodes PocketBase's request bodies, calls core, and renders
// results and errors exactly as PocketBase does: compact JSON with
// alphabetical record keys, `{data,message,status}` errors, 204s.
package pocketbase
