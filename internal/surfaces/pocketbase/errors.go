package pocketbase

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// apiError is PocketBase's error body. Field order is the wire order.
type apiError struct {
	Data    map[string]any `json:"data"`
	Message string         `json:"message"`
	Status  int            `json:"status"`
}

// defaultMessages are PocketBase's fallbacks for an empty message.
var defaultMessages = map[int]string{
	400: "Something went wrong while processing your request.",
	401: "Missing or invalid authentication.",
	403: "You are not allowed to perform this request.",
	404: "The requested resource wasn't found.",
	429: "Too Many Requests.",
	500: "Something went wrong while processing your request.",
}

// Messages used by more than one route.
const (
	msgValidation = "An error occurred while validating the submitted data."
	msgLoad       = "An error occurred while loading the submitted data."
)

// writeAPIError writes one PocketBase error. The message is sentenized
// (capitalized, with a final period) as PocketBase does.
func writeAPIError(w http.ResponseWriter, status int, msg string, data map[string]any) {
	if msg == "" {
		msg = defaultMessages[status]
	}
	if data == nil {
		data = map[string]any{}
	}
	_ = httpapi.WriteJSON(w, status, apiError{Data: data, Message: sentenize(msg), Status: status})
}

func sentenize(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// errorRenderer renders errors for one route: validationMsg is the
// top-level message that route gives field errors.
type errorRenderer struct {
	log           *slog.Logger
	validationMsg string
}

// render writes err in PocketBase's format. Core errors map by kind (and,
// where PocketBase differs from the kind, by code); anything else is a
// 500 whose cause is logged with the request id and never sent.
func (er errorRenderer) render(w http.ResponseWriter, r *http.Request, err error) {
	var de *httpapi.DecodeError
	if errors.As(err, &de) {
		writeDecodeError(w, de)
		return
	}
	e := core.AsError(err)
	if e.RetryAfter > 0 {
		// Round up: a client that waits exactly this long must not be
		// refused again.
		w.Header().Set("Retry-After", strconv.Itoa(int(max(1, (e.RetryAfter+time.Second-1)/time.Second))))
	}
	switch e.Kind {
	case core.KindInvalid, core.KindConflict:
		if len(e.Fields) > 0 {
			msg := er.validationMsg
			if msg == "" {
				msg = msgValidation
			}
			writeAPIError(w, 400, msg, fieldData(e.Fields))
			return
		}
		writeAPIError(w, 400, e.Message, nil)
	case core.KindUnauthenticated:
		if e.Code == core.CodeMFARequired {
			// PocketBase's MFA answer is just the challenge id.
			_ = httpapi.WriteJSON(w, 401, struct {
				MFAID string `json:"mfaId"`
			}{e.MFAID})
			return
		}
		if e.Code == core.CodeInvalidCredentials || e.Code == core.CodeAccountLocked {
			// PocketBase answers a failed login with 400, and a locked
			// account looks exactly the same: no Retry-After, which
			// would reveal the lock (and so the account).
			w.Header().Del("Retry-After")
			writeAPIError(w, 400, "Failed to authenticate.", nil)
			return
		}
		writeAPIError(w, 401, e.Message, nil)
	case core.KindForbidden:
		writeAPIError(w, 403, e.Message, nil)
	case core.KindNotFound:
		writeAPIError(w, 404, e.Message, nil)
	case core.KindRateLimited:
		msg := ""
		if e.Code == core.CodeOTPTooMany {
			msg = e.Message // PocketBase's own wording for its OTP limiter
		}
		writeAPIError(w, 429, msg, nil)
	case core.KindUnavailable:
		writeAPIError(w, 503, e.Message, nil)
	default:
		er.log.ErrorContext(r.Context(), "request failed", "request_id", httpapi.RequestIDFrom(r.Context()), "err", err)
		writeAPIError(w, 500, "", nil)
	}
}

// fieldData renders field errors as PocketBase's `data` object.
func fieldData(fields map[string]core.FieldError) map[string]any {
	data := make(map[string]any, len(fields))
	for name, f := range fields {
		item := map[string]any{"code": f.Code, "message": f.Message}
		if len(f.Params) > 0 {
			item["params"] = f.Params
		}
		data[name] = item
	}
	return data
}

// writeDecodeError answers a body that could not be read.
func writeDecodeError(w http.ResponseWriter, de *httpapi.DecodeError) {
	switch de.Reason {
	case httpapi.ReasonUnsupportedType:
		writeAPIError(w, 400, "Unsupported Content-Type.", nil)
	case httpapi.ReasonTooLarge:
		writeAPIError(w, 413, "Request entity too large.", nil)
	case httpapi.ReasonFiles:
		writeAPIError(w, 400, msgLoad, map[string]any{de.Field: map[string]any{
			"code": core.FieldInvalidValue, "message": "File uploads are not supported.",
		}})
	default:
		writeAPIError(w, 400, msgLoad, nil)
	}
}
