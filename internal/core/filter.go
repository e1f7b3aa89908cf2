package core

import "time"

// FieldType is the type of a filterable field.
type FieldType int

// Filterable field types.
const (
	FieldText FieldType = iota
	FieldBool
	FieldTime
)

// Filter is a boolean expression over user fields. Surfaces parse their own
// query syntax into it; stores translate it into parameterized SQL, so no
// client text ever reaches a query string.
type Filter interface{ isFilter() }

// Op is a comparison operator.
type Op string

// Comparison operators. Like and NotLike match a substring, case-insensitively.
const (
	OpEq      Op = "="
	OpNeq     Op = "!="
	OpGt      Op = ">"
	OpGte     Op = ">="
	OpLt      Op = "<"
	OpLte     Op = "<="
	OpLike    Op = "~"
	OpNotLike Op = "!~"
)

// Cond compares one field with a value. Value is a string for text fields,
// a bool for bool fields and a time.Time for time fields; core checks this
// before a store sees it.
type Cond struct {
	Field string
	Op    Op
	Value any
}

// And matches when every part matches.
type And []Filter

// Or matches when any part matches.
type Or []Filter

func (Cond) isFilter() {}
func (And) isFilter()  {}
func (Or) isFilter()   {}

// CheckFilter reports whether f only names known fields with values of the
// right type, so stores can trust it.
func CheckFilter(f Filter) bool {
	switch f := f.(type) {
	case nil:
		return true
	case Cond:
		t, ok := UserFields[f.Field]
		if !ok {
			return false
		}
		switch f.Op {
		case OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte:
		case OpLike, OpNotLike:
			if t != FieldText {
				return false
			}
		default:
			return false
		}
		switch t {
		case FieldText:
			_, ok = f.Value.(string)
		case FieldBool:
			_, ok = f.Value.(bool)
		case FieldTime:
			_, ok = f.Value.(time.Time)
		}
		return ok
	case And:
		for _, p := range f {
			if !CheckFilter(p) {
				return false
			}
		}
		return true
	case Or:
		for _, p := range f {
			if !CheckFilter(p) {
				return false
			}
		}
		return true
	}
	return false
}
