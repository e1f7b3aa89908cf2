package directus

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// selectFields resolves the `fields` query (comma lists, repeatable, or
// fields[]) to top-level user fields in Directus's order. "*" or no
// fields means all of them; a nested path ("role.name") selects its
// top-level field; a field that does not exist is FORBIDDEN, as Directus
// answers.
func selectFields(q url.Values) ([]string, error) {
	want := map[string]bool{}
	all := true
	for _, v := range append(q["fields"], q["fields[]"]...) {
		for _, part := range strings.Split(v, ",") {
			top, _, _ := strings.Cut(strings.TrimSpace(part), ".")
			switch {
			case top == "":
			case top == "*":
				want["*"] = true
			case slices.Contains(userFields, top):
				want[top], all = true, false
			default:
				return nil, errForbiddenField(clip(top))
			}
		}
	}
	if all || want["*"] {
		return userFields, nil
	}
	out := make([]string, 0, len(want))
	for _, f := range userFields {
		if want[f] {
			out = append(out, f)
		}
	}
	return out, nil
}

// writeMe answers with p's user item, restricted to the `fields` query.
func (s *server) writeMe(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	fields, err := selectFields(r.URL.Query())
	if err != nil {
		return err
	}
	values, err := s.userValues(r.Context(), p)
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, dataBody{Data: orderedObject{keys: fields, values: values}})
}

// handleMe answers GET /users/me?fields=.
func (s *server) handleMe() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := requireUser(r)
		if err != nil {
			return err
		}
		return s.writeMe(w, r, p)
	})
}

// writableFields are what PATCH /users/me may change. old_password is a
// Gatehouse addition: core lets a user change a password only by
// proving the current one, which Directus does not ask for.
var writableFields = []string{"first_name", "last_name", "password", "old_password"}

// handleUpdateMe answers PATCH /users/me {first_name?, last_name?,
// password? + old_password}. The names are kept as given in the user's
// profile document, and joined into the name PocketBase clients read. Every other field is FORBIDDEN: Gatehouse
// keeps no role, preferences or status to set, and an email change goes
// through core's confirmation flow; sending the current email back is
// allowed. A password change ends every session, this one included.
func (s *server) handleUpdateMe() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := requireUser(r)
		if err != nil {
			return err
		}
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		in, err := s.updateInput(p, b)
		if err != nil {
			return err
		}
		u, err := s.svc.UpdateUser(r.Context(), p, s.c, p.User.ID, in)
		if err != nil {
			return nameErrorOnly(err)
		}
		updated := *p
		updated.User = u
		return s.writeMe(w, r, &updated)
	})
}

// updateInput reads a PATCH /users/me body into core's input.
func (s *server) updateInput(p *core.Principal, b body) (core.UserInput, error) {
	for _, k := range b.f.Keys() {
		if slices.Contains(writableFields, k) {
			continue
		}
		if email, ok := b.f[k].(string); k == "email" && ok && strings.EqualFold(email, p.User.Email) {
			continue
		}
		return core.UserInput{}, errForbiddenField(clip(k))
	}
	var in core.UserInput
	first, last := namesOf(p.User)
	if b.f.Has("first_name") || b.f.Has("last_name") {
		f, err := b.strPtr("first_name")
		if err != nil {
			return in, err
		}
		l, err := b.strPtr("last_name")
		if err != nil {
			return in, err
		}
		// A field that was not sent keeps its value; null clears it.
		if b.f.Has("first_name") {
			first = f
		}
		if b.f.Has("last_name") {
			last = l
		}
		name := joinName(deref(first), deref(last))
		in.Name = &name
		in.Profile = withNames(p.User.Profile, first, last)
	}
	if b.f.Has("password") {
		pw, err := b.required("password")
		if err != nil {
			return in, err
		}
		old, err := b.str("old_password")
		if err != nil {
			return in, err
		}
		in.Password, in.OldPassword = &pw, &old
	}
	return in, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
