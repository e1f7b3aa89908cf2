package gql

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// operation is one GraphQL request: a document, its variables and the
// name of the operation to run. In a batch, err holds why this element
// could not be read (the others still run).
type operation struct {
	query         string
	variables     map[string]any
	operationName string
	err           error
}

// decodeRequest reads r as GraphQL over HTTP: GET with the request in
// the URL, or POST application/json with one request object or (when
// maxBatch > 0) an array of at most maxBatch of them. batch reports an
// array, whose element errors are in each operation; any other failure
// is the request's error: an *httpapi.DecodeError or a *RequestError.
func decodeRequest(r *http.Request, maxBody int64, maxBatch int) (ops []operation, batch bool, err error) {
	switch r.Method {
	case http.MethodGet:
		op, err := decodeGET(r)
		if err != nil {
			return nil, false, err
		}
		return []operation{op}, false, nil
	case http.MethodPost:
	default:
		return nil, false, &RequestError{Kind: KindMethod, Message: "GraphQL requests are sent with GET or POST"}
	}
	body, err := httpapi.ReadJSON(r, maxBody)
	if err != nil {
		return nil, false, err
	}
	body = bytes.TrimLeft(body, " \t\r\n")
	if len(body) == 0 {
		return nil, false, errNoQuery()
	}
	if body[0] != '[' {
		op, err := decodeOperation(body)
		if err != nil {
			return nil, false, err
		}
		return []operation{op}, false, nil
	}
	if maxBatch == 0 {
		return nil, true, &RequestError{Kind: KindBatch, Message: "Batched requests are not supported"}
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, true, malformed(err)
	}
	if len(raws) == 0 || len(raws) > maxBatch {
		return nil, true, &RequestError{Kind: KindBatch, Message: "A batch must hold between 1 and " + strconv.Itoa(maxBatch) + " operations"}
	}
	ops = make([]operation, len(raws))
	for i, raw := range raws {
		if ops[i], err = decodeOperation(raw); err != nil {
			ops[i] = operation{err: err}
		}
	}
	return ops, true, nil
}

// decodeOperation reads one request object: query (a string),
// variables (an object or null), operationName (a string or null).
// Other keys (extensions) are ignored.
func decodeOperation(raw []byte) (operation, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		if err == nil {
			err = errNotObject
		}
		return operation{}, malformed(err)
	}
	var op operation
	if err := optional(m, "query", &op.query); err != nil {
		return operation{}, err
	}
	if err := optional(m, "operationName", &op.operationName); err != nil {
		return operation{}, err
	}
	if err := optional(m, "variables", &op.variables); err != nil {
		return operation{}, err
	}
	if op.query == "" {
		return operation{}, errNoQuery()
	}
	return op, nil
}

// optional decodes m[key] into v, leaving v alone when the key is absent
// or null; a value of another JSON type is ReasonWrongType.
func optional(m map[string]json.RawMessage, key string, v any) error {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &httpapi.DecodeError{Reason: httpapi.ReasonWrongType, Field: key, Err: err}
	}
	return nil
}

// decodeGET reads the request from the URL's query string. Variables
// are a JSON object in a string.
func decodeGET(r *http.Request) (operation, error) {
	q := r.URL.Query()
	op := operation{query: q.Get("query"), operationName: q.Get("operationName")}
	vars := q.Get("variables")
	if !utf8.ValidString(op.query) || !utf8.ValidString(op.operationName) || !utf8.ValidString(vars) {
		return operation{}, &httpapi.DecodeError{Reason: httpapi.ReasonInvalidUTF8}
	}
	if op.query == "" {
		return operation{}, errNoQuery()
	}
	if vars != "" && vars != "null" {
		if err := json.Unmarshal([]byte(vars), &op.variables); err != nil || op.variables == nil {
			return operation{}, &RequestError{Kind: KindVariables, Message: "Variables are invalid JSON"}
		}
	}
	return op, nil
}

// errNotObject is the cause of a request that is JSON but not an object.
var errNotObject = errors.New("a GraphQL request must be a JSON object")

func errNoQuery() *RequestError {
	return &RequestError{Kind: KindNoQuery, Message: "Must provide query string"}
}

func malformed(err error) *httpapi.DecodeError {
	return &httpapi.DecodeError{Reason: httpapi.ReasonMalformed, Err: err}
}
