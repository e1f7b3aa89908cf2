package gql

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// Mapper is what a surface supplies to word the layer's errors in its
// own format. The layer decides when each applies; the mapper only
// translates.
type Mapper interface {
	// Request renders a request refused before any document was read:
	// an *httpapi.DecodeError (the body) or a *RequestError. It writes a
	// whole HTTP answer, as the surface's REST errors are written.
	Request(w http.ResponseWriter, r *http.Request, err error)
	// Document answers a document refused before it ran: a syntax or
	// validation error, or a Limits refusal (each Error's Rule says
	// which). In a batch only the answer's body is used, as that
	// operation's result.
	Document(r *http.Request, errs []*Error) httpapi.Answer
	// Resolver words the error a resolver returned (e.Cause) as the
	// entries of the result's errors array: the surface's message and
	// extensions, and whether to keep e's path and locations. An
	// unexpected cause (a panic's, a core error of kind internal) must
	// be logged and answered without revealing it.
	Resolver(r *http.Request, e *Error) []*Error
}

// Error is one entry of a GraphQL result's errors array.
type Error struct {
	Message    string         `json:"message"`
	Locations  []Location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
	// Rule names the check that refused a document (RuleSyntax,
	// RuleDepth, ...); empty for an error from execution.
	Rule string `json:"-"`
	// Cause is the resolver's own error, for the Mapper; never sent.
	Cause error `json:"-"`
}

// Location is a position in the query document, 1-based.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// The rules a document can be refused by (Error.Rule).
const (
	// RuleSyntax: the document does not parse.
	RuleSyntax = "syntax"
	// RuleValidation: the document does not validate against the schema
	// (unknown fields, wrong argument or variable types, ...).
	RuleValidation = "validation"
	// RuleLength: the document is longer than Limits.MaxQueryBytes.
	RuleLength = "length"
	// RuleDepth: fields nest deeper than Limits.MaxDepth.
	RuleDepth = "depth"
	// RuleAliases: more aliases than Limits.MaxAliases.
	RuleAliases = "aliases"
	// RuleFields: more fields than Limits.MaxFields.
	RuleFields = "fields"
	// RuleCostly: the request holds more costly fields than
	// Limits.MaxCostly.
	RuleCostly = "costly"
	// RuleRequest: one operation of a batch is not a valid request (no
	// query, variables that are not an object, ...).
	RuleRequest = "request"
)

// RequestKind says why a request was refused before any document was
// read.
type RequestKind string

// The request refusals.
const (
	// KindNoQuery: the request has no query (or an empty one).
	KindNoQuery RequestKind = "no_query"
	// KindVariables: variables are not a JSON object (GET: not valid
	// JSON).
	KindVariables RequestKind = "variables"
	// KindMethod: neither GET nor POST.
	KindMethod RequestKind = "method"
	// KindMutationOverGET: a GET asked for a mutation; POST is required.
	KindMutationOverGET RequestKind = "mutation_over_get"
	// KindBatch: a batch where the surface takes none, an empty one, or
	// one longer than Limits.MaxBatch.
	KindBatch RequestKind = "batch"
)

// RequestError is a request refused before any document was read. Its
// Message is plain English a surface may use or replace.
type RequestError struct {
	Kind    RequestKind
	Message string
}

// Error returns the message.
func (e *RequestError) Error() string { return "graphql: " + e.Message }
