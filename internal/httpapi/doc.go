// Package httpapi is the HTTP plumbing every Gatehouse surface shares:
// request body decoding into loosely typed fields, typed field access,
// JSON response encoding, an error-returning handler adapter and the
// generic middleware (request id, client ip, panic recovery, access log,
// security headers, CORS, body limit).
//
// The package is surface-neutral on purpose. PocketBase, Directus,
// Payload, Conduit and AccountMaker each render errors in their own wire
// format, so nothing here ever writes an error body: decoding returns a
// typed *DecodeError, and the handler adapter and panic recovery take
// callbacks through which the surface writes its own response.
//
// A surface typically stacks the middleware in this order (outermost
// first):
//
//	Chain(h, LimitBody(max), RequestID(), ClientIP(trusted), AccessLog(log),
//		Recover(log, render500), SecurityHeaders(hdrs), CORS(opts))
//
// LimitBody goes first so it wraps net/http's own ResponseWriter and can
// tell the server to close a connection whose body ran over; AccessLog
// sits inside RequestID and ClientIP to log their values, and outside
// Recover to log the 500 a panic turns into.
package httpapi
