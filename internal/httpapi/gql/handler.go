package gql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/ast"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// Config is what a surface hands the layer.
type Config struct {
	// Schema is the surface's schema in GraphQL SDL.
	Schema string
	// Resolver is the root resolver, a pointer: its methods resolve the
	// Query and Mutation fields (graph-gophers/graphql-go's rules: a field
	// auth_login is the method AuthLogin; structs' fields resolve
	// object fields, with a `graphql:"name"` tag where names differ).
	Resolver any
	// Costly lists the root fields whose resolver does expensive work
	// (checks or hashes a password, waits out a timing floor), as
	// "mutation.auth_login" or "query.x": at most Limits.MaxCostly of
	// them run per request, aliases and batches counted.
	Costly []string
	// Limits bound each request; zero fields take DefaultLimits.
	Limits Limits
	// Errors words errors in the surface's format.
	Errors Mapper
	// Log receives resolver panics, with their stack.
	Log *slog.Logger
	// MaxBodyBytes caps a POST body; 0 leaves it to the surface's
	// LimitBody middleware.
	MaxBodyBytes int64
}

// Handler serves one GraphQL endpoint.
type Handler struct {
	schema  *graphql.Schema
	costly  map[string]bool
	limits  Limits
	errs    Mapper
	log     *slog.Logger
	maxBody int64
}

// New checks cfg, parses its schema against its resolver and returns
// the endpoint. Errors are wiring mistakes, for startup.
func New(cfg Config) (*Handler, error) {
	if cfg.Errors == nil {
		return nil, errors.New("gql: Config.Errors is required")
	}
	if l := cfg.Limits; min(l.MaxQueryBytes, l.MaxDepth, l.MaxAliases, l.MaxFields, l.MaxCostly, l.MaxBatch) < 0 {
		// Settings are held to Validate's bounds by the surface's
		// options; a Go caller may go lower (tests do), not below zero.
		return nil, errors.New("gql: Config.Limits has a negative limit")
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	schema, err := graphql.ParseSchema(cfg.Schema, cfg.Resolver,
		graphql.UseFieldResolvers(),
		graphql.PanicHandler(panicHandler{}),
		graphql.Logger(panicLogger{log}),
	)
	if err != nil {
		return nil, fmt.Errorf("gql: schema: %w", err)
	}
	costly := map[string]bool{}
	for _, c := range cfg.Costly {
		if err := checkCostly(schema, c); err != nil {
			return nil, err
		}
		costly[c] = true
	}
	return &Handler{schema: schema, costly: costly, limits: cfg.Limits.WithDefaults(), errs: cfg.Errors, log: log, maxBody: cfg.MaxBodyBytes}, nil
}

// checkCostly refuses a costly entry that names no root field, so a typo
// cannot silently leave a login uncapped.
func checkCostly(s *graphql.Schema, entry string) error {
	op, field, _ := strings.Cut(entry, ".")
	if obj, ok := s.ASTSchema().RootOperationTypes[op].(*ast.ObjectTypeDefinition); ok && obj.Fields.Get(field) != nil {
		return nil
	}
	return fmt.Errorf("gql: costly field %q is not a root field of the schema (want \"mutation.name\" or \"query.name\")", entry)
}

// ServeHTTP answers one GraphQL request (or batch).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ops, batch, err := decodeRequest(r, h.maxBody, h.limits.MaxBatch)
	if err != nil {
		h.errs.Request(w, r, err)
		return
	}
	plans := make([]plan, len(ops))
	costly := 0
	for i, op := range ops {
		plans[i] = h.prepare(op)
		costly = satAdd(costly, plans[i].doc.measures.costly)
	}
	if r.Method == http.MethodGet && plans[0].refused == nil && plans[0].doc.mutation {
		h.errs.Request(w, r, &RequestError{Kind: KindMutationOverGET, Message: "Mutations must be sent with POST"})
		return
	}
	if costly > h.limits.MaxCostly {
		// Nothing of an over-costly request runs: refusing only the
		// operations past the cap would still let one request spend
		// the cap again and again through its batch.
		for i := range plans {
			if plans[i].refused == nil {
				plans[i].refused = []*Error{limitError(RuleCostly, "The request asks for "+count(costly)+
					" costly operations (such as logins); at most "+itoa(h.limits.MaxCostly)+" are allowed.")}
			}
		}
	}
	x := &Exchange{Request: r, header: http.Header{}}
	ctx := context.WithValue(r.Context(), exchangeKey{}, x)
	answers := make([]httpapi.Answer, len(plans))
	for i, p := range plans {
		answers[i] = h.run(ctx, r, p)
	}
	x.copyHeaders(w)
	if !batch {
		writeAnswer(w, answers[0])
		return
	}
	bodies := make([]any, len(answers))
	for i, a := range answers {
		bodies[i] = a.Body
	}
	_ = httpapi.WriteJSON(w, http.StatusOK, bodies)
}

// plan is one operation, measured, and refused or ready to run.
type plan struct {
	op      operation
	doc     document
	refused []*Error
}

// prepare measures op against the limits (all but the request-wide
// costly cap).
func (h *Handler) prepare(op operation) plan {
	p := plan{op: op}
	switch {
	case op.err != nil:
		p.refused = []*Error{{Message: requestMessage(op.err), Rule: RuleRequest}}
	case len(op.query) > h.limits.MaxQueryBytes:
		p.refused = []*Error{limitError(RuleLength, "The query is "+itoa(len(op.query))+" bytes long; at most "+itoa(h.limits.MaxQueryBytes)+" are allowed.")}
	default:
		p.doc, p.refused = parse(op.query, op.operationName, h.costly)
		if p.refused == nil {
			p.refused = h.limits.check(p.doc.measures)
		}
	}
	return p
}

// run executes a plan that was not refused and returns its answer: a
// result (200), or the surface's answer to a document the executor
// refused before running it.
func (h *Handler) run(ctx context.Context, r *http.Request, p plan) httpapi.Answer {
	if p.refused != nil {
		return h.errs.Document(r, p.refused)
	}
	res := h.schema.Exec(ctx, p.op.query, p.op.operationName, p.op.variables)
	if len(res.Errors) > 0 && noData(res.Data) && !ranResolvers(res.Errors) {
		// Refused before any resolver ran: by validation, or by the
		// coercion of a variable (which the executor does as it
		// starts).
		errs := make([]*Error, len(res.Errors))
		for i, e := range res.Errors {
			errs[i] = fromQueryError(e)
			errs[i].Rule = RuleValidation
		}
		return h.errs.Document(r, errs)
	}
	out := result{Data: res.Data}
	for _, e := range res.Errors {
		ge := fromQueryError(e)
		if e.ResolverError == nil {
			out.Errors = append(out.Errors, ge)
			continue
		}
		ge.Cause = e.ResolverError
		out.Errors = append(out.Errors, h.errs.Resolver(r, ge)...)
	}
	return httpapi.Answer{Status: http.StatusOK, Body: out}
}

// result is the body of an executed operation.
type result struct {
	Data   json.RawMessage `json:"data,omitempty"`
	Errors []*Error        `json:"errors,omitempty"`
}

// noData reports whether an execution produced no field at all.
func noData(d json.RawMessage) bool {
	s := strings.TrimSpace(string(d))
	return s == "" || s == "null" || s == "{}"
}

// ranResolvers reports whether any error came from a resolver (so
// execution started).
func ranResolvers(errs []*gqlerrors.QueryError) bool {
	for _, e := range errs {
		if e.ResolverError != nil {
			return true
		}
	}
	return false
}

func fromQueryError(e *gqlerrors.QueryError) *Error {
	out := &Error{Message: e.Message, Path: e.Path, Extensions: e.Extensions}
	for _, l := range e.Locations {
		out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
	}
	return out
}

// writeAnswer writes a single operation's answer.
func writeAnswer(w http.ResponseWriter, a httpapi.Answer) {
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", itoa(int(httpapi.RetryAfterSeconds(a.RetryAfter))))
	}
	_ = httpapi.WriteJSON(w, a.Status, a.Body)
}

// requestMessage is the English message of a batch element that could
// not be read.
func requestMessage(err error) string {
	var re *RequestError
	if errors.As(err, &re) {
		return re.Message
	}
	var de *httpapi.DecodeError
	if errors.As(err, &de) && de.Field != "" {
		return `"` + de.Field + `" has the wrong type`
	}
	return "The operation is not a valid GraphQL request object"
}

// errPanic is the cause of a resolver's panic: the Mapper answers it as
// the surface's internal error.
var errPanic = errors.New("gql: a resolver panicked")

// panicHandler turns a panic into an error whose cause is errPanic.
type panicHandler struct{}

func (panicHandler) MakePanicError(_ context.Context, _ any) *gqlerrors.QueryError {
	return &gqlerrors.QueryError{Message: "internal error", ResolverError: errPanic}
}

// panicLogger logs a resolver's panic with its stack.
type panicLogger struct{ log *slog.Logger }

func (l panicLogger) LogPanic(ctx context.Context, value any) {
	l.log.ErrorContext(ctx, "graphql resolver panicked", "request_id", httpapi.RequestIDFrom(ctx),
		"panic", fmt.Sprint(value), "stack", string(debug.Stack()))
}

func itoa(n int) string { return strconv.Itoa(n) }
