package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// decodeFuzz runs DecodeFields and checks the invariants every decode
// path keeps: no panic, errors are *DecodeError with nil fields, and the
// accessors never fail with anything but ReasonWrongType on the key.
func decodeFuzz(t *testing.T, contentType string, body []byte) Fields {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	fields, err := DecodeFields(r, allFormats)
	if err != nil {
		if _, ok := errors.AsType[*DecodeError](err); !ok {
			t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
		}
		if fields != nil {
			t.Fatalf("fields %v returned with error %v", fields, err)
		}
		return nil
	}
	for _, key := range fields.Keys() {
		_, _, errS := fields.String(key)
		_, _, errB := fields.Bool(key)
		_, _, errI := fields.Int64(key)
		_, _, errO := fields.Object(key)
		for _, err := range []error{errS, errB, errI, errO} {
			if err == nil {
				continue
			}
			de, ok := errors.AsType[*DecodeError](err)
			if !ok || de.Reason != ReasonWrongType || de.Field != key {
				t.Fatalf("accessor on %q: error %v, want ReasonWrongType naming the key", key, err)
			}
		}
	}
	return fields
}

// checkTextFields asserts that form-like results hold only valid UTF-8
// strings and string lists.
func checkTextFields(t *testing.T, fields Fields) {
	t.Helper()
	for k, v := range fields {
		if !utf8.ValidString(k) {
			t.Fatalf("invalid UTF-8 key %q", k)
		}
		switch v := v.(type) {
		case string:
			if !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 value %q", v)
			}
		case []string:
			for _, s := range v {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 value %q", s)
				}
			}
		default:
			t.Fatalf("field %q has type %T", k, v)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":"x","b":[1,2,{"c":null}],"d":true}`, `[1]`, `"s"`, `1`, `null`,
		`{"a":1}garbage`, `{"a":1}{}`, nested(32), nested(33), "{\"a\":\"\xff\"}", `{"a":"\ud800"}`,
		`{"a":1e999999}`, `{"a":-0.0e-0}`, `{"a":"[[[{"}`, " {} ", "\uFEFF{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fields := decodeFuzz(t, "application/json", body)
		if fields == nil {
			return
		}
		// Whatever decodes re-encodes and decodes to the same fields.
		out, err := json.Marshal(fields)
		if err != nil {
			t.Fatalf("re-encoding %v: %v", fields, err)
		}
		again := decodeFuzz(t, "application/json", out)
		if diff := cmp.Diff(fields, again); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s", diff)
		}
	})
}

func FuzzDecodeForm(f *testing.F) {
	for _, s := range []string{"", "a=1", "a=1&a=2&b=", "a=%ZZ", "a=%ff", "%ff=1", "a=1;b=2", "=x&&y", "a=%C3%A9+z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if fields := decodeFuzz(t, "application/x-www-form-urlencoded", []byte(body)); fields != nil {
			checkTextFields(t, fields)
		}
	})
}

func FuzzDecodeMultipart(f *testing.F) {
	seed := func(parts ...part) {
		ct, body := multipartBody(f, parts...)
		_, boundary, _ := bytes.Cut([]byte(ct), []byte("boundary="))
		f.Add(string(boundary), []byte(body))
	}
	seed()
	seed(part{name: "a", value: "1"}, part{name: "a", value: "2"})
	seed(part{name: "@jsonPayload", value: `{"a":1,"b":{"c":[true]}}`}, part{name: "d", value: "x"})
	seed(part{name: "@jsonPayload", value: `[1]`})
	seed(part{name: "f", filename: "a.txt", value: "data"})
	seed(part{name: "bad", value: "\xff"})
	f.Add("X", []byte("--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X--\r\n"))
	f.Add("X", []byte("--X\r\nContent-Disposition: form-data; name*=utf-8''%C3%A9\r\n\r\nv\r\n--X--"))
	f.Add("X", []byte("--X\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n=FF\r\n--X--"))
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		fields := decodeFuzz(t, "multipart/form-data; boundary=\""+boundary+"\"", body)
		if fields == nil {
			return
		}
		// Payload keys may hold any JSON type; the rest are text.
		for k := range fields {
			if !utf8.ValidString(k) {
				t.Fatalf("invalid UTF-8 key %q", k)
			}
		}
		if _, err := json.Marshal(fields); err != nil {
			t.Fatalf("fields do not encode: %v", err)
		}
	})
}

func FuzzDecodeXML(f *testing.F) {
	for _, s := range []string{
		"<r/>", "<r><a>1</a><a>2</a><b/></r>", `<?xml version="1.0"?><r><a>&lt;</a></r>`,
		"<r><a><b/></a></r>", "<!DOCTYPE r><r/>", `<!DOCTYPE r [<!ENTITY e "x">]><r><a>&e;</a></r>`,
		"<r>text</r>", "<r/><r/>", "<r><![CDATA[x]]></r>", "<r><a>\xff</a></r>", "<x:r xmlns:x=\"u\"><x:a>1</x:a></x:r>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if fields := decodeFuzz(t, "application/xml", body); fields != nil {
			checkTextFields(t, fields)
		}
	})
}

func TestMultipartBoundaryQuoting(t *testing.T) {
	t.Parallel()
	// The fuzz target quotes the boundary; make sure a quoted boundary
	// decodes, so the target explores real bodies and not only errors.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("a", "1"); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	fields := decodeFuzz(t, `multipart/form-data; boundary="`+mw.Boundary()+`"`, buf.Bytes())
	if diff := cmp.Diff(Fields{"a": "1"}, fields); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
