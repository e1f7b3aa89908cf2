package pocketbase

import (
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// filterParser turns PocketBase's filter syntax (`a = 'x' && (b > 1 ||
// c ~ 'y')`) into core's filter tree. Only record fields and
// @request.auth.id / @request.auth.email may appear; values never reach
// SQL as text.
type filterParser struct {
	toks  []token
	pos   int
	conds int
	auth  *core.Principal
}

// parseFilter parses a filter; "" means no filter.
func parseFilter(src string, auth *core.Principal) (core.Filter, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > maxFilterLen {
		return nil, errBadFilter
	}
	toks, err := lexFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, auth: auth}
	f, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, errBadFilter
	}
	return f, nil
}

func (p *filterParser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

// or parses `a || b || ...`; its parts are and-chains.
func (p *filterParser) or(depth int) (core.Filter, error) {
	return p.chain(depth, tokOr, p.and, func(fs []core.Filter) core.Filter { return core.Or(fs) })
}

// and parses `a && b && ...`; its parts are primaries.
func (p *filterParser) and(depth int) (core.Filter, error) {
	return p.chain(depth, tokAnd, p.primary, func(fs []core.Filter) core.Filter { return core.And(fs) })
}

// chain parses parts separated by sep; a single part is returned as is.
func (p *filterParser) chain(depth int, sep tokKind, part func(int) (core.Filter, error), join func([]core.Filter) core.Filter) (core.Filter, error) {
	first, err := part(depth)
	if err != nil {
		return nil, err
	}
	parts := []core.Filter{first}
	for t, ok := p.peek(); ok && t.kind == sep; t, ok = p.peek() {
		p.pos++
		next, err := part(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, next)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return join(parts), nil
}

func (p *filterParser) primary(depth int) (core.Filter, error) {
	t, ok := p.peek()
	if !ok {
		return nil, errBadFilter
	}
	if t.kind == tokLParen {
		if depth >= maxFilterDepth {
			return nil, errBadFilter
		}
		p.pos++
		f, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != tokRParen {
			return nil, errBadFilter
		}
		p.pos++
		return f, nil
	}
	return p.cond()
}

// mirrored flips an operator for `value op field`.
var mirrored = map[core.Op]core.Op{
	core.OpEq: core.OpEq, core.OpNeq: core.OpNeq, core.OpGt: core.OpLt, core.OpGte: core.OpLte,
	core.OpLt: core.OpGt, core.OpLte: core.OpGte,
}

func (p *filterParser) cond() (core.Filter, error) {
	if p.pos+3 > len(p.toks) {
		return nil, errBadFilter
	}
	left, opTok, right := p.toks[p.pos], p.toks[p.pos+1], p.toks[p.pos+2]
	p.pos += 3
	p.conds++
	if p.conds > maxFilterConds || opTok.kind != tokOp {
		return nil, errBadFilter
	}
	op := core.Op(opTok.text)
	if _, isField := core.UserFields[left.text]; left.kind != tokIdent || !isField {
		m, ok := mirrored[op]
		if right.kind != tokIdent || !ok {
			return nil, errBadFilter
		}
		left, right, op = right, left, m
	}
	typ, ok := core.UserFields[left.text]
	if !ok {
		return nil, errBadFilter
	}
	val, err := p.value(right, typ)
	if err != nil {
		return nil, err
	}
	c := core.Cond{Field: left.text, Op: op, Value: val}
	if !core.CheckFilter(c) {
		return nil, errBadFilter
	}
	return c, nil
}

// value converts a literal (or @request.auth.*) to the field's type.
func (p *filterParser) value(t token, typ core.FieldType) (any, error) {
	raw, isNull := t.text, false
	switch t.kind {
	case tokString, tokNumber:
	case tokIdent:
		switch t.text {
		case "null":
			isNull = true
		case "true", "false":
		case "@request.auth.id", "@request.auth.email":
			raw = ""
			if p.auth != nil {
				raw = map[string]string{"@request.auth.id": p.auth.User.ID, "@request.auth.email": p.auth.User.Email}[t.text]
			}
			t.kind = tokString
		default:
			return nil, errBadFilter
		}
	default:
		return nil, errBadFilter
	}
	switch typ {
	case core.FieldText:
		if t.kind == tokIdent && !isNull {
			return nil, errBadFilter
		}
		if isNull {
			return "", nil
		}
		return raw, nil
	case core.FieldBool:
		if isNull {
			return false, nil
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, errBadFilter
		}
		return b, nil
	default:
		return parseFilterTime(raw)
	}
}

var filterTimeLayouts = []string{
	timeLayout, "2006-01-02 15:04:05.000", "2006-01-02 15:04:05Z", "2006-01-02 15:04:05",
	time.RFC3339Nano, "2006-01-02",
}

func parseFilterTime(s string) (time.Time, error) {
	for _, l := range filterTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errBadFilter
}

// parseSort parses PocketBase's sort list (`-created,name`).
func parseSort(src string) ([]core.SortField, error) {
	var out []core.SortField
	for _, part := range strings.Split(src, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := core.SortField{Field: strings.TrimPrefix(part, "+")}
		if strings.HasPrefix(part, "-") {
			f = core.SortField{Field: part[1:], Desc: true}
		}
		if _, ok := core.UserFields[f.Field]; !ok || len(out) >= maxSortFields {
			return nil, errBadFilter
		}
		out = append(out, f)
	}
	return out, nil
}
