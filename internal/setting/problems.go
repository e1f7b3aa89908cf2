package setting

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Problem is one invalid setting: its YAML key within the group checked
// (with an index for a list entry, "redirect_allow_list[1]") and what is
// wrong with it.
type Problem struct {
	Key string
	Err error
}

// Problems collects what is wrong with a group of settings, each by its
// YAML key, so that each caller names it the way its reader knows it:
// internal/config by the full YAML path ("surfaces.directus.access_ttl"),
// a surface built from Go by its field name (ErrorFor).
type Problems []Problem

// Add records a problem with the setting at key.
func (p *Problems) Add(key, format string, args ...any) {
	*p = append(*p, Problem{Key: key, Err: fmt.Errorf(format, args...)})
}

// ErrorFor joins the problems for a caller that built the settings from
// Go: each reads "<pkg>: <Field> (<key>): <problem>", the field being the
// one of struct type t whose yaml tag is the key. It returns nil when
// there is no problem.
func (p Problems) ErrorFor(pkg string, t reflect.Type) error {
	errs := make([]error, 0, len(p))
	for _, pr := range p {
		errs = append(errs, fmt.Errorf("%s: %s (%s): %w", pkg, FieldName(t, pr.Key), pr.Key, pr.Err))
	}
	return errors.Join(errs...)
}

// FieldName returns the name of the field of struct type t whose yaml tag
// names key (an index such as "[1]" is ignored; a dotted key names a
// field of a struct field, "GraphQL.MaxDepth"), or key itself when no
// field does.
func FieldName(t reflect.Type, key string) string {
	name, _, _ := strings.Cut(key, "[")
	head, rest, nested := strings.Cut(name, ".")
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != head {
			continue
		}
		switch {
		case !nested:
			return f.Name
		case f.Type.Kind() == reflect.Struct:
			return f.Name + "." + FieldName(f.Type, rest)
		}
	}
	return key
}
