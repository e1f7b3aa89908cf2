package gql

import (
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// measures are what one operation asks for, fragments expanded. The
// counts saturate at saturated, so a document of fragments that double
// at each level costs its measuring no more than its length.
type measures struct {
	depth, fields, aliases, costly int
}

// saturated is where counts stop growing: far above every limit.
const saturated = 1 << 30

func satAdd(a, b int) int { return min(a+b, saturated) }

// add sums m and o, nested side by side (the deeper one counts).
func (m measures) add(o measures) measures {
	return measures{depth: max(m.depth, o.depth), fields: satAdd(m.fields, o.fields),
		aliases: satAdd(m.aliases, o.aliases), costly: satAdd(m.costly, o.costly)}
}

// document is a parsed query document with what the layer needs of it.
type document struct {
	// measures are the largest of every operation's (only one runs, but
	// the one a request names is only checked later by the executor).
	measures measures
	// mutation reports whether the operation to run (or, when that is
	// not known yet, any operation) is not a query.
	mutation bool
}

// parse parses query with gqlparser (the layer never parses GraphQL by
// hand) and measures it. A syntax error, and a fragment that spreads
// itself, are refusals.
func parse(query, operationName string, costly map[string]bool) (document, []*Error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return document{}, []*Error{syntaxError(err)}
	}
	m := measurer{frags: doc.Fragments, costly: costly, done: map[string]measures{}, busy: map[string]bool{}}
	var d document
	for _, op := range doc.Operations {
		opm := m.set(op.SelectionSet, string(op.Operation), true)
		if m.cycle != "" {
			return document{}, []*Error{{Message: `Cannot spread fragment "` + m.cycle + `" within itself.`, Rule: RuleValidation}}
		}
		d.measures = d.measures.add(opm)
		d.measures.costly = max(d.measures.costly, opm.costly) // one operation runs
		if op.Operation != ast.Query && (operationName == "" || op.Name == operationName) {
			d.mutation = true
		}
	}
	return d, nil
}

// measurer measures selection sets, each fragment once.
type measurer struct {
	frags  ast.FragmentDefinitionList
	costly map[string]bool // "mutation.auth_login"
	done   map[string]measures
	busy   map[string]bool
	cycle  string // the first fragment found spreading itself
}

// set measures a selection set. root is true for an operation's own
// selections (and the fragments spread there), where a field named in
// costly counts; opType is the operation's type.
func (m *measurer) set(ss ast.SelectionSet, opType string, root bool) measures {
	var out measures
	for _, sel := range ss {
		switch s := sel.(type) {
		case *ast.Field:
			f := measures{fields: 1}
			if s.Alias != "" && s.Alias != s.Name {
				f.aliases = 1
			}
			if root && m.costly[opType+"."+s.Name] {
				f.costly = 1
			}
			sub := m.set(s.SelectionSet, opType, false)
			sub.costly = 0 // only root fields are costly
			f = f.add(sub)
			f.depth = sub.depth + 1
			out = out.add(f)
		case *ast.InlineFragment:
			out = out.add(m.set(s.SelectionSet, opType, root))
		case *ast.FragmentSpread:
			out = out.add(m.spread(s.Name, opType, root))
		}
	}
	return out
}

// spread measures the fragment name once per place (root or not); an
// unknown fragment counts nothing (the executor's validation refuses
// it), and one that spreads itself is noted in m.cycle.
func (m *measurer) spread(name, opType string, root bool) measures {
	// At the root a fragment's fields may be costly, so it is measured
	// there apart, per operation type.
	key := name
	if root {
		key = opType + "\x00" + name
	}
	if v, ok := m.done[key]; ok {
		return v
	}
	f := m.frags.ForName(name)
	if f == nil {
		return measures{}
	}
	if m.busy[key] {
		if m.cycle == "" {
			m.cycle = name
		}
		return measures{}
	}
	m.busy[key] = true
	v := m.set(f.SelectionSet, opType, root)
	delete(m.busy, key)
	m.done[key] = v
	return v
}

// check refuses measures over the limits (the costly count is checked
// for the whole request, by the handler).
func (l Limits) check(m measures) []*Error {
	switch {
	case m.depth > l.MaxDepth:
		return []*Error{limitError(RuleDepth, "The query is nested "+strconv.Itoa(m.depth)+" levels deep; at most "+strconv.Itoa(l.MaxDepth)+" are allowed.")}
	case m.aliases > l.MaxAliases:
		return []*Error{limitError(RuleAliases, "The query has "+count(m.aliases)+" aliases; at most "+strconv.Itoa(l.MaxAliases)+" are allowed.")}
	case m.fields > l.MaxFields:
		return []*Error{limitError(RuleFields, "The query selects "+count(m.fields)+" fields; at most "+strconv.Itoa(l.MaxFields)+" are allowed.")}
	}
	return nil
}

// count spells a measured count, saturated ones as "too many".
func count(n int) string {
	if n >= saturated {
		return "too many"
	}
	return strconv.Itoa(n)
}

func limitError(rule, msg string) *Error { return &Error{Message: msg, Rule: rule} }

// syntaxError converts gqlparser's error, keeping its position.
func syntaxError(err error) *Error {
	out := &Error{Message: "Syntax Error: " + err.Error(), Rule: RuleSyntax}
	if ge, ok := err.(*gqlerror.Error); ok {
		out.Message = "Syntax Error: " + ge.Message
		for _, l := range ge.Locations {
			out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
		}
	}
	return out
}
