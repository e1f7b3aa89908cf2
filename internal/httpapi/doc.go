// Package httpapi is the HTTP machinery every Gatehouse surface shares:
// request body decoding into loosely typed fields, typed field access,
// JSON response encoding, an error-returning handler adapter, the error
// renderer (Renderer), token extraction and authentication (TokenRule,
// LoadAuth), cookies (CookieJar, StateCookie) and CSRF, the generic
// middleware (request id, client ip, panic recovery, access log, security
// headers, CORS, body limit), and what keeps slow clients from holding
// the server: a deadline for each phase of a request (Deadlines) and a
// per-address connection cap (LimitConnsPerIP), both mounted once for
// the whole server rather than per surface.
//
// The package is dialect-neutral on purpose. PocketBase, Directus,
// Payload, Conduit and AccountMaker each answer in their own wire format,
// so nothing here words an error: a surface declares rules (where its
// token is, which cookies it sets) and supplies an ErrorMapper, a pure
// translation from an error to its status and body; the Renderer does
// the rest (telling errors apart, Retry-After, logging a 500 with its
// request id) the same way for every surface.
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
