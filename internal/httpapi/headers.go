package httpapi

import (
	"net/http"
	"strconv"
	"strings"
)

// SecurityHeaders sets the given headers on every response, before the
// handler runs (so the handler may still override one). The values are
// the surface's to choose, e.g. X-Content-Type-Options: nosniff.
func SecurityHeaders(headers map[string]string) Middleware {
	// Keys are canonicalised and values built once (Header.Set would do
	// both on every request). The value slices are shared by every
	// response: net/http only reads them, and their capacity is their
	// length, so an Add to one of these headers copies instead of writing
	// into the shared array.
	fixed := make(http.Header, len(headers))
	for k, v := range headers {
		fixed[http.CanonicalHeaderKey(k)] = []string{v}[:1:1]
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, vs := range fixed {
				h[k] = vs
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody caps the request body at max bytes: reading past it fails
// with *http.MaxBytesError, which DecodeFields reports as ReasonTooLarge,
// and net/http closes the connection afterwards.
func LimitBody(max int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, max)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// CORSOptions configures CORS.
type CORSOptions struct {
	// AllowedOrigins lists the origins (scheme://host[:port]) that may
	// call the API from a browser; "*" allows any.
	AllowedOrigins []string
	// AllowMethods is the Access-Control-Allow-Methods value of a
	// preflight answer; empty means GET,HEAD,PUT,PATCH,POST,DELETE.
	AllowMethods string
	// MaxAge, in seconds, lets browsers cache a preflight answer; 0 sends
	// no Access-Control-Max-Age.
	MaxAge int
}

const defaultCORSMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

// CORS answers preflight requests and marks responses to allowed origins.
//
// Every response gets Vary: Origin, since it may differ by origin. A
// request from an allowed origin gets Access-Control-Allow-Origin: "*"
// when any origin is allowed, else its own origin echoed. A preflight
// (OPTIONS with Access-Control-Request-Method) never reaches the handler:
// it is answered 204, with the allow headers only when the origin is
// allowed. Requested headers are echoed back only if they are a plain
// list of header names.
func CORS(opts CORSOptions) Middleware {
	anyOrigin := false
	origins := map[string]bool{}
	for _, o := range opts.AllowedOrigins {
		if o == "*" {
			anyOrigin = true
		}
		origins[strings.ToLower(o)] = true
	}
	methods := opts.AllowMethods
	if methods == "" {
		methods = defaultCORSMethods
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			if _, ok := h["Vary"]; ok {
				h.Add("Vary", "Origin")
			} else {
				h["Vary"] = varyOrigin
			}
			origin := r.Header.Get("Origin")
			allowed := origin != "" && (anyOrigin || origins[strings.ToLower(origin)])
			if allowed {
				if anyOrigin {
					h.Set("Access-Control-Allow-Origin", "*")
				} else {
					h.Set("Access-Control-Allow-Origin", origin)
				}
			}
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if !preflight {
				next.ServeHTTP(w, r)
				return
			}
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if allowed {
				h.Set("Access-Control-Allow-Methods", methods)
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" && headerList(req) {
					h.Set("Access-Control-Allow-Headers", req)
				}
				if opts.MaxAge > 0 {
					h.Set("Access-Control-Max-Age", strconv.Itoa(opts.MaxAge))
				}
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// varyOrigin is the Vary header of a response that had none, shared by
// every response like SecurityHeaders' values (its capacity is its
// length, so an Add copies it).
var varyOrigin = []string{"Origin"}[:1:1]

// headerList reports whether s holds only header-name token characters,
// commas and spaces, so echoing it cannot smuggle anything else into our
// response.
func headerList(s string) bool {
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~, ", c) >= 0:
		default:
			return false
		}
	}
	return true
}
