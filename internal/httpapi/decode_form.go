package httpapi

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"mime/multipart"
	"net/url"
	"slices"
	"unicode/utf8"
)

// decodeForm decodes an application/x-www-form-urlencoded body.
func decodeForm(body []byte) (Fields, error) {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, decodeErr(ReasonMalformed, "", err)
	}
	return fieldsFromValues(vals)
}

// decodeMultipart decodes a multipart/form-data body that has no file
// parts. The parts are walked one by one instead of with ReadForm, so
// nothing ever spills to a temporary file.
func decodeMultipart(body []byte, boundary, payloadField string) (Fields, error) {
	if boundary == "" {
		return nil, decodeErr(ReasonMalformed, "", errors.New("multipart boundary missing"))
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	vals := map[string][]string{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, decodeErr(ReasonMalformed, "", err)
		}
		if n >= maxParts {
			return nil, decodeErr(ReasonTooLarge, "", errors.New("too many multipart parts"))
		}
		name := part.FormName()
		if name == "" {
			continue // not a form-data part; net/http ignores these too
		}
		if !utf8.ValidString(name) {
			return nil, decodeErr(ReasonInvalidUTF8, "", nil)
		}
		if part.FileName() != "" {
			return nil, decodeErr(ReasonFiles, name, nil)
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, decodeErr(ReasonMalformed, "", err)
		}
		vals[name] = append(vals[name], string(value))
	}

	var payloads []string
	if payloadField != "" {
		payloads = vals[payloadField]
		delete(vals, payloadField)
	}
	fields, err := fieldsFromValues(vals)
	if err != nil {
		return nil, err
	}
	for _, raw := range payloads {
		obj, err := decodeJSONObject([]byte(raw))
		if err != nil {
			de, _ := errors.AsType[*DecodeError](err)
			return nil, decodeErr(de.Reason, payloadField, de.Err)
		}
		maps.Copy(fields, obj)
	}
	return fields, nil
}

// fieldsFromValues turns form values into Fields: one value becomes a
// string, a repeated name a []string. Names are checked in sorted order
// so the reported field does not depend on map iteration.
func fieldsFromValues(vals map[string][]string) (Fields, error) {
	fields := make(Fields, len(vals))
	for _, name := range slices.Sorted(maps.Keys(vals)) {
		if !utf8.ValidString(name) {
			return nil, decodeErr(ReasonInvalidUTF8, "", nil)
		}
		vs := vals[name]
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, decodeErr(ReasonInvalidUTF8, name, nil)
			}
		}
		if len(vs) == 1 {
			fields[name] = vs[0]
		} else {
			fields[name] = slices.Clone(vs)
		}
	}
	return fields, nil
}
