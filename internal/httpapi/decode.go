package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
)

// Fields are the decoded values of a request body, by field name.
//
// Values from a JSON body keep their JSON types: string, json.Number,
// bool, nil, map[string]any and []any. Values from a form, multipart or
// XML body are a string, or a []string when the name repeats. Read them
// through the typed accessors (String, Bool, Int64, Object), which accept
// both shapes where that makes sense.
type Fields map[string]any

// DecodeOptions says which body formats an endpoint accepts. JSON is
// always accepted.
type DecodeOptions struct {
	// MaxBytes caps the body size; 0 means the caller already limited it
	// (with LimitBody, for instance).
	MaxBytes int64
	// AllowForm accepts application/x-www-form-urlencoded.
	AllowForm bool
	// AllowMultipart accepts multipart/form-data (without file parts).
	AllowMultipart bool
	// AllowXML accepts application/xml and text/xml.
	AllowXML bool
	// JSONPayloadField names a multipart field whose value is a JSON
	// object merged over the other fields (PocketBase's SDK sends
	// "@jsonPayload"). Empty disables it.
	JSONPayloadField string
}

// maxParts caps the parts of a multipart body: each costs allocations
// beyond its bytes, so the byte limit alone does not bound the work.
const maxParts = 1000

type bodyKind int

const (
	kindUnsupported bodyKind = iota
	kindJSON
	kindForm
	kindMultipart
	kindXML
)

// DecodeFields reads r's body into Fields according to its Content-Type.
//
// An empty body yields empty Fields whatever the Content-Type, because
// clients often send a JSON or form Content-Type with no body at all.
// Every failure is a *DecodeError.
func DecodeFields(r *http.Request, opts DecodeOptions) (Fields, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return Fields{}, nil
	}
	kind, params := classify(r.Header.Get("Content-Type"), opts)
	if kind == kindUnsupported {
		// Peek a single byte: an unsupported body is never buffered.
		n, err := io.ReadFull(r.Body, make([]byte, 1))
		if n == 0 {
			if err == io.EOF {
				return Fields{}, nil
			}
			return nil, readError(err)
		}
		return nil, decodeErr(ReasonUnsupportedType, "", nil)
	}
	body, err := readBody(r, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return Fields{}, nil
	}
	switch kind {
	case kindJSON:
		obj, err := decodeJSONObject(body)
		if err != nil {
			return nil, err
		}
		return Fields(obj), nil
	case kindForm:
		return decodeForm(body)
	case kindMultipart:
		return decodeMultipart(body, params["boundary"], opts.JSONPayloadField)
	default:
		return decodeXML(body)
	}
}

// classify maps a Content-Type header to the body kind, honouring opts.
func classify(contentType string, opts DecodeOptions) (bodyKind, map[string]string) {
	if contentType == "" {
		return kindUnsupported, nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	// A broken parameter still leaves a usable media type; a multipart
	// body then lacks its boundary and fails as malformed.
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return kindUnsupported, nil
	}
	switch {
	case mt == "application/json":
		return kindJSON, params
	case mt == "application/x-www-form-urlencoded" && opts.AllowForm:
		return kindForm, params
	case mt == "multipart/form-data" && opts.AllowMultipart:
		return kindMultipart, params
	case (mt == "application/xml" || mt == "text/xml") && opts.AllowXML:
		return kindXML, params
	}
	return kindUnsupported, nil
}

// readBody reads the whole body, at most max bytes when max > 0.
func readBody(r *http.Request, max int64) ([]byte, error) {
	src := io.Reader(r.Body)
	if max > 0 {
		if r.ContentLength > max {
			return nil, decodeErr(ReasonTooLarge, "", nil)
		}
		src = io.LimitReader(r.Body, max+1)
	}
	body, err := io.ReadAll(src)
	if err != nil {
		return nil, readError(err)
	}
	if max > 0 && int64(len(body)) > max {
		return nil, decodeErr(ReasonTooLarge, "", nil)
	}
	return body, nil
}

// readError classifies a failed body read: over a limit set upstream
// (LimitBody) or a broken transfer, which is the client's fault too.
func readError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return decodeErr(ReasonTooLarge, "", err)
	}
	return decodeErr(ReasonMalformed, "", err)
}
