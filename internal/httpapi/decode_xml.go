package httpapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"unicode/utf8"
)

const xmlSpace = " \t\r\n"

// decodeXML decodes a body of the one shape we accept: a single root
// element whose children are text-only fields, like
// <r><email>a@b.c</email><password>x</password></r>. Element names lose
// their namespace; attributes, comments and processing instructions are
// ignored; a repeated name becomes a []string, as in a form.
//
// Any DOCTYPE or other directive is refused outright. encoding/xml never
// expands external or custom entities (only the five predefined ones and
// character references), but refusing DOCTYPE keeps entity games out of
// reach entirely.
func decodeXML(body []byte) (Fields, error) {
	if !utf8.Valid(body) {
		return nil, decodeErr(ReasonInvalidUTF8, "", nil)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	vals := map[string][]string{}
	var (
		depth    int // 0 outside the root, 1 in the root, 2 in a field
		seenRoot bool
		field    string
		text     bytes.Buffer
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, decodeErr(ReasonMalformed, "", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case depth == 0 && seenRoot:
				return nil, malformedXML("more than one root element")
			case depth == 0:
				seenRoot = true
			case depth == 1:
				field = t.Name.Local
				text.Reset()
			default:
				return nil, malformedXML("nested field elements")
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 1 {
				vals[field] = append(vals[field], text.String())
			}
		case xml.CharData:
			if depth == 2 {
				text.Write(t)
			} else if len(bytes.Trim(t, xmlSpace)) > 0 {
				return nil, malformedXML("text outside a field element")
			}
		case xml.Directive:
			return nil, malformedXML("directives (DOCTYPE) are not allowed")
		}
	}
	if !seenRoot {
		return nil, malformedXML("no root element")
	}
	return fieldsFromValues(vals)
}

func malformedXML(why string) error {
	return decodeErr(ReasonMalformed, "", errors.New(why))
}
