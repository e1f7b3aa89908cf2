package payload

import (
	"fmt"
	"strings"
	"unicode"
)

// gqlNames are one slug's names in the GraphQL schema.
type gqlNames struct {
	// singular is Payload's <S>: "User" for users (meUser, loginUser...),
	// also the name of the user type.
	singular string
	// formatted is the slug as a GraphQL name ("blog_users" for
	// blog-users): the slug's field of Access and the prefix of the
	// slug's other types (usersMe, usersLoginResult...).
	formatted string
}

// formatName writes a slug as a GraphQL name, as Payload's formatName
// does for the slugs Gatehouse admits (letters, digits, - and _): a
// dash becomes an underscore, and a leading digit gets an underscore
// before it.
func formatName(slug string) string {
	out := strings.ReplaceAll(slug, "-", "_")
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

// singularName derives <S> from a slug, deterministically: the slug's
// words (split at - and _) each with an upper-case first letter, joined,
// and the last word made singular by English's regular plurals
// (categories -> Category, boxes -> Box, addresses -> Address, users ->
// User; a word ending in ss, us or is is kept). A leading digit gets an
// underscore before it. Payload's own pluralize library knows irregular
// words too (people -> Person); Gatehouse does not guess at those.
func singularName(slug string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' }) {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := singular(b.String())
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

// singular strips a regular English plural ending from w.
func singular(w string) string {
	lower := strings.ToLower(w)
	switch {
	case len(w) > 3 && strings.HasSuffix(lower, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(lower, "sses") || strings.HasSuffix(lower, "shes") ||
		strings.HasSuffix(lower, "ches") || strings.HasSuffix(lower, "xes") || strings.HasSuffix(lower, "zes")):
		return w[:len(w)-2]
	case strings.HasSuffix(lower, "ss") || strings.HasSuffix(lower, "us") || strings.HasSuffix(lower, "is"):
		return w
	case len(w) > 1 && strings.HasSuffix(lower, "s"):
		return w[:len(w)-1]
	}
	return w
}

// fixedTypeNames are the schema's names that belong to no slug.
var fixedTypeNames = []string{"Query", "Mutation", "Access", "AccessPermission", "String", "Boolean", "Int", "Float", "ID"}

// namesOf returns each slug's names, in the order of slugs, or an error
// when two names of the schema would be the same (two slugs with one
// singular, such as user and users; two slugs written alike, such as a-b
// and a_b; or a slug's type named like another's or a fixed one): the
// schema could not tell them apart, so the surface refuses to start.
func namesOf(slugs []string) ([]gqlNames, error) {
	owner := map[string]string{}
	for _, n := range fixedTypeNames {
		owner[n] = "GraphQL's own names"
	}
	claim := func(name, slug string) error {
		if o, taken := owner[name]; taken {
			return fmt.Errorf("payload: slugs.%s: its GraphQL name %q is also %s; rename one of the slugs", slug, name, quoteOwner(o))
		}
		owner[name] = slug
		return nil
	}
	out := make([]gqlNames, len(slugs))
	for i, sl := range slugs {
		n := gqlNames{singular: singularName(sl), formatted: formatName(sl)}
		for _, name := range n.typeNames() {
			if err := claim(name, sl); err != nil {
				return nil, err
			}
		}
		// Root fields: distinct singulars make them distinct; the
		// formatted name is Access's field, distinct among slugs.
		if err := claim("field:"+n.formatted, sl); err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// typeNames are the types a slug adds to the schema.
func (n gqlNames) typeNames() []string {
	f := n.formatted
	return []string{n.singular, f + "_Sessions", f + "Me", f + "LoginResult", f + "RefreshedUser", f + "JWT", f + "ResetPassword", f + "Access"}
}

func quoteOwner(o string) string {
	if strings.HasPrefix(o, "GraphQL") {
		return o
	}
	return "slug " + fmt.Sprintf("%q", o) + "'s"
}
