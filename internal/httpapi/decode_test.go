package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allFormats accepts every format, with PocketBase's payload field.
var allFormats = DecodeOptions{
	MaxBytes:         1 << 20,
	AllowForm:        true,
	AllowMultipart:   true,
	AllowXML:         true,
	JSONPayloadField: "@jsonPayload",
}

func newRequest(contentType, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// unknownLength hides the body's length, as a chunked upload does.
func unknownLength(r *http.Request) *http.Request {
	r.Body = io.NopCloser(r.Body)
	r.ContentLength = -1
	return r
}

// part is one multipart part; a non-empty filename makes it a file.
type part struct{ name, filename, value string }

func multipartBody(t testing.TB, parts ...part) (contentType, body string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.value); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.String()
}

// nested returns depth objects nested in one another.
func nested(depth int) string {
	return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
}

// nestedFields is what nested(depth) decodes to.
func nestedFields(depth int) Fields {
	var v any = json.Number("1")
	for range depth - 1 {
		v = map[string]any{"a": v}
	}
	return Fields{"a": v}
}

// wantDecodeError checks err is a *DecodeError with the given reason and
// field, reachable through errors.Is too.
func wantDecodeError(t testing.TB, err error, reason Reason, field string) {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want *DecodeError", err, err)
	}
	if de.Reason != reason || de.Field != field {
		t.Fatalf("error = {Reason:%s Field:%q} (%v), want {Reason:%s Field:%q}", string(de.Reason), de.Field, err, string(reason), field)
	}
	if !errors.Is(err, reason) {
		t.Errorf("errors.Is(err, %s) = false", string(reason))
	}
}

func TestDecodeFields(t *testing.T) {
	t.Parallel()
	mpFields, mpFieldsBody := multipartBody(t,
		part{name: "a", value: "1"},
		part{name: "tag", value: "x"},
		part{name: "tag", value: "y"},
		part{name: "@jsonPayload", value: `{"a":"over","n":2,"o":{"k":true}}`},
	)
	mpFile, mpFileBody := multipartBody(t, part{name: "email", value: "a@b.c"}, part{name: "avatar", filename: "me.png", value: "PNG"})
	mpBadPayload, mpBadPayloadBody := multipartBody(t, part{name: "@jsonPayload", value: `[1]`})
	mpBadUTF8, mpBadUTF8Body := multipartBody(t, part{name: "name", value: "a\xffb"})
	mpEmpty, mpEmptyBody := multipartBody(t)
	manyParts := make([]part, maxParts+1)
	for i := range manyParts {
		manyParts[i] = part{name: "p", value: "v"}
	}
	mpMany, mpManyBody := multipartBody(t, manyParts...)

	tests := []struct {
		name       string
		ct         string
		body       string
		opts       DecodeOptions
		want       Fields
		wantReason Reason
		wantField  string
	}{
		{name: "empty json", ct: "application/json", body: "", want: Fields{}},
		{name: "empty text plain", ct: "text/plain", body: "", want: Fields{}},
		{name: "empty no content type", body: "", want: Fields{}},
		{name: "json values", ct: "application/json",
			body: `{"a":1,"b":"x","c":true,"d":null,"e":{"f":[1.5,"g"]}}`,
			want: Fields{"a": json.Number("1"), "b": "x", "c": true, "d": nil,
				"e": map[string]any{"f": []any{json.Number("1.5"), "g"}}}},
		{name: "json charset param", ct: "application/json; charset=utf-8", body: `{"a":"x"}`, want: Fields{"a": "x"}},
		{name: "json media type case", ct: "Application/JSON", body: `{"a":"x"}`, want: Fields{"a": "x"}},
		{name: "json broken param", ct: "application/json; charset", body: `{"a":"x"}`, want: Fields{"a": "x"}},
		{name: "json surrounding space", ct: "application/json", body: " \n{\"a\":\"x\"} \r\n\t", want: Fields{"a": "x"}},
		{name: "json duplicate keys last wins", ct: "application/json", body: `{"a":1,"a":2}`, want: Fields{"a": json.Number("2")}},
		{name: "json depth 32", ct: "application/json", body: nested(32), want: nestedFields(32)},
		{name: "json brackets in strings", ct: "application/json", body: `{"a":"` + strings.Repeat(`[{\"`, 40) + `"}`,
			want: Fields{"a": strings.Repeat(`[{"`, 40)}},
		{name: "json depth 33", ct: "application/json", body: nested(33), wantReason: ReasonMalformed},
		{name: "json array", ct: "application/json", body: `[1]`, wantReason: ReasonMalformed},
		{name: "json string", ct: "application/json", body: `"a"`, wantReason: ReasonMalformed},
		{name: "json number", ct: "application/json", body: `1`, wantReason: ReasonMalformed},
		{name: "json null", ct: "application/json", body: `null`, wantReason: ReasonMalformed},
		{name: "json whitespace only", ct: "application/json", body: "  ", wantReason: ReasonMalformed},
		{name: "json trailing garbage", ct: "application/json", body: `{"a":1}garbage`, wantReason: ReasonMalformed},
		{name: "json second object", ct: "application/json", body: `{"a":1}{}`, wantReason: ReasonMalformed},
		{name: "json truncated", ct: "application/json", body: `{"a":`, wantReason: ReasonMalformed},
		{name: "json bom", ct: "application/json", body: "\uFEFF{}", wantReason: ReasonMalformed},
		{name: "json invalid utf8 in string", ct: "application/json", body: "{\"a\":\"\xff\"}", wantReason: ReasonInvalidUTF8},
		{name: "json invalid utf8 in key", ct: "application/json", body: "{\"\xc3\":1}", wantReason: ReasonInvalidUTF8},

		{name: "form", ct: "application/x-www-form-urlencoded", body: "a=1&b=x&b=y&c=&d=%C3%A9+z",
			want: Fields{"a": "1", "b": []string{"x", "y"}, "c": "", "d": "é z"}},
		{name: "form bad escape", ct: "application/x-www-form-urlencoded", body: "a=%ZZ", wantReason: ReasonMalformed},
		{name: "form semicolon", ct: "application/x-www-form-urlencoded", body: "a=1;b=2", wantReason: ReasonMalformed},
		{name: "form invalid utf8 value", ct: "application/x-www-form-urlencoded", body: "a=ok&b=%ff", wantReason: ReasonInvalidUTF8, wantField: "b"},
		{name: "form invalid utf8 raw value", ct: "application/x-www-form-urlencoded", body: "b=\xff", wantReason: ReasonInvalidUTF8, wantField: "b"},
		{name: "form invalid utf8 name", ct: "application/x-www-form-urlencoded", body: "%ff=1", wantReason: ReasonInvalidUTF8},
		{name: "form not allowed", ct: "application/x-www-form-urlencoded", body: "a=1", opts: DecodeOptions{}, wantReason: ReasonUnsupportedType},

		{name: "multipart with json payload", ct: mpFields, body: mpFieldsBody,
			want: Fields{"a": "over", "tag": []string{"x", "y"}, "n": json.Number("2"), "o": map[string]any{"k": true}}},
		{name: "multipart payload field off", ct: mpBadPayload, body: mpBadPayloadBody, opts: DecodeOptions{AllowMultipart: true},
			want: Fields{"@jsonPayload": "[1]"}},
		{name: "multipart no parts", ct: mpEmpty, body: mpEmptyBody, want: Fields{}},
		{name: "multipart file", ct: mpFile, body: mpFileBody, wantReason: ReasonFiles, wantField: "avatar"},
		{name: "multipart payload not object", ct: mpBadPayload, body: mpBadPayloadBody, wantReason: ReasonMalformed, wantField: "@jsonPayload"},
		{name: "multipart invalid utf8", ct: mpBadUTF8, body: mpBadUTF8Body, wantReason: ReasonInvalidUTF8, wantField: "name"},
		{name: "multipart too many parts", ct: mpMany, body: mpManyBody, wantReason: ReasonTooLarge},
		{name: "multipart no boundary", ct: "multipart/form-data", body: mpFieldsBody, wantReason: ReasonMalformed},
		{name: "multipart wrong boundary", ct: "multipart/form-data; boundary=nope", body: mpFieldsBody, wantReason: ReasonMalformed},
		{name: "multipart truncated", ct: mpFields, body: mpFieldsBody[:len(mpFieldsBody)/2], wantReason: ReasonMalformed},
		{name: "multipart not allowed", ct: mpFields, body: mpFieldsBody, opts: DecodeOptions{AllowForm: true}, wantReason: ReasonUnsupportedType},

		{name: "xml flat", ct: "application/xml",
			body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi --><r a=\"1\"><email>a@b.c</email> <n>1</n><n>2</n><empty/><t>&lt;&amp;<![CDATA[<x>]]></t></r>\n",
			want: Fields{"email": "a@b.c", "n": []string{"1", "2"}, "empty": "", "t": "<&<x>"}},
		{name: "xml text charset", ct: "text/xml; charset=utf-8", body: "<r><a>é</a></r>", want: Fields{"a": "é"}},
		{name: "xml nested", ct: "application/xml", body: "<r><a><b>1</b></a></r>", wantReason: ReasonMalformed},
		{name: "xml doctype", ct: "application/xml", body: "<!DOCTYPE r><r><a>1</a></r>", wantReason: ReasonMalformed},
		{name: "xml entity expansion", ct: "application/xml",
			body:       `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r><a>&lol2;</a></r>`,
			wantReason: ReasonMalformed},
		{name: "xml undefined entity", ct: "application/xml", body: "<r><a>&x;</a></r>", wantReason: ReasonMalformed},
		{name: "xml two roots", ct: "application/xml", body: "<r><a>1</a></r><r/>", wantReason: ReasonMalformed},
		{name: "xml text in root", ct: "application/xml", body: "<r>hi<a>1</a></r>", wantReason: ReasonMalformed},
		{name: "xml trailing text", ct: "application/xml", body: "<r><a>1</a></r>junk", wantReason: ReasonMalformed},
		{name: "xml no root", ct: "application/xml", body: "<!-- only a comment -->", wantReason: ReasonMalformed},
		{name: "xml unclosed", ct: "application/xml", body: "<r><a>1</a>", wantReason: ReasonMalformed},
		{name: "xml latin1 declared", ct: "application/xml", body: `<?xml version="1.0" encoding="ISO-8859-1"?><r><a>1</a></r>`, wantReason: ReasonMalformed},
		{name: "xml invalid utf8", ct: "application/xml", body: "<r><a>\xff</a></r>", wantReason: ReasonInvalidUTF8},
		{name: "xml not allowed", ct: "application/xml", body: "<r/>", opts: DecodeOptions{}, wantReason: ReasonUnsupportedType},

		{name: "text plain", ct: "text/plain", body: "hello", wantReason: ReasonUnsupportedType},
		{name: "missing content type", body: `{"a":1}`, wantReason: ReasonUnsupportedType},
		{name: "unparsable content type", ct: ";;", body: `{"a":1}`, wantReason: ReasonUnsupportedType},
		{name: "json suffix type", ct: "application/merge-patch+json", body: `{"a":1}`, wantReason: ReasonUnsupportedType},
		{name: "over limit", ct: "application/json", body: `{"a":"0123456789"}`, opts: DecodeOptions{MaxBytes: 10}, wantReason: ReasonTooLarge},
		{name: "at limit", ct: "application/json", body: `{"a":"01"}`, opts: DecodeOptions{MaxBytes: 10}, want: Fields{"a": "01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			if opts == (DecodeOptions{}) && !strings.HasSuffix(tt.name, "not allowed") {
				opts = allFormats
			}
			got, err := DecodeFields(newRequest(tt.ct, tt.body), opts)
			if tt.wantReason != "" {
				if got != nil {
					t.Errorf("fields = %v, want nil on error", got)
				}
				wantDecodeError(t, err, tt.wantReason, tt.wantField)
				return
			}
			if err != nil {
				t.Fatalf("DecodeFields() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeFields() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeFieldsBodyEdges(t *testing.T) {
	t.Parallel()
	t.Run("no body", func(t *testing.T) {
		t.Parallel()
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Content-Type", "text/plain")
		got, err := DecodeFields(r, allFormats)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("DecodeFields() = %v, %v, want empty fields", got, err)
		}
	})
	t.Run("chunked empty unsupported", func(t *testing.T) {
		t.Parallel()
		got, err := DecodeFields(unknownLength(newRequest("text/plain", "")), allFormats)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("DecodeFields() = %v, %v, want empty fields", got, err)
		}
	})
	t.Run("chunked empty json", func(t *testing.T) {
		t.Parallel()
		got, err := DecodeFields(unknownLength(newRequest("application/json", "")), allFormats)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("DecodeFields() = %v, %v, want empty fields", got, err)
		}
	})
	t.Run("chunked over limit", func(t *testing.T) {
		t.Parallel()
		r := unknownLength(newRequest("application/json", `{"a":"0123456789"}`))
		_, err := DecodeFields(r, DecodeOptions{MaxBytes: 10})
		wantDecodeError(t, err, ReasonTooLarge, "")
	})
	t.Run("limited upstream", func(t *testing.T) {
		t.Parallel()
		r := newRequest("application/json", `{"a":"0123456789"}`)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
		_, err := DecodeFields(r, DecodeOptions{})
		wantDecodeError(t, err, ReasonTooLarge, "")
		if _, ok := errors.AsType[*http.MaxBytesError](err); !ok {
			t.Errorf("error %v does not wrap *http.MaxBytesError", err)
		}
	})
	t.Run("limited upstream unsupported", func(t *testing.T) {
		t.Parallel()
		r := newRequest("text/plain", "x")
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 0)
		_, err := DecodeFields(r, DecodeOptions{})
		wantDecodeError(t, err, ReasonTooLarge, "")
	})
	t.Run("read failure", func(t *testing.T) {
		t.Parallel()
		r := newRequest("application/json", "")
		r.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"a"`), errReader{}))
		r.ContentLength = -1
		_, err := DecodeFields(r, allFormats)
		wantDecodeError(t, err, ReasonMalformed, "")
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestDecodeErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *DecodeError
		want string
	}{
		{&DecodeError{Reason: ReasonTooLarge}, "body too large"},
		{&DecodeError{Reason: ReasonWrongType, Field: "email"}, `field "email": wrong field type`},
		{&DecodeError{Reason: ReasonMalformed, Err: errors.New("eof")}, "malformed body: eof"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if errors.Is(&DecodeError{Reason: ReasonFiles}, ReasonMalformed) {
		t.Error("errors.Is matched another reason")
	}
}
