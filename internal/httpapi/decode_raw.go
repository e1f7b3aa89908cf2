package httpapi

import (
	"errors"
	"net/http"
	"unicode/utf8"
)

// ReadJSON reads r's body as raw JSON for a caller that decodes a shape
// of its own (a GraphQL request is an object or an array of them),
// with the checks DecodeFields makes: the Content-Type must be
// application/json, the body at most maxBytes (0: limited upstream),
// valid UTF-8, and nested at most as deep as DecodeFields allows. An
// empty body returns nil. Every failure is a *DecodeError.
func ReadJSON(r *http.Request, maxBytes int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if kind, _ := classify(r.Header.Get("Content-Type"), DecodeOptions{}); kind != kindJSON {
		return nil, decodeErr(ReasonUnsupportedType, "", nil)
	}
	body, err := readBody(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(body) {
		return nil, decodeErr(ReasonInvalidUTF8, "", nil)
	}
	if jsonTooDeep(body, maxJSONDepth) {
		return nil, decodeErr(ReasonMalformed, "", errors.New("json nested too deeply"))
	}
	return body, nil
}
