package payload

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// docAnswer is the body of a create, update or delete: the document and
// a message.
type docAnswer struct {
	Doc     orderedObject `json:"doc"`
	Message string        `json:"message"`
}

// label is a slug's singular label as Payload derives it by default
// ("users" -> "User", "site-admins" -> "Site admin").
func label(slug string) string {
	s := strings.NewReplacer("-", " ", "_", " ").Replace(strings.TrimSuffix(slug, "s"))
	r := []rune(s)
	if len(r) == 0 {
		return "Document"
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// handleCreate answers POST <slug> {email, password, ...fields}: a
// registration under core's create rule (public sign-up where the
// collection allows it, or a superuser). With Verify on, an unverified
// new user is mailed a verification link. 201 with the new document.
func (s *server) handleCreate(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		in, err := s.userInput(sl, b, nil)
		if err != nil {
			return err
		}
		p := anyCaller(r)
		var u core.User
		if s.opt.Verify {
			u, err = s.svc.CreateUserAndMailVerification(r.Context(), p, sl.c, in, s.verifyLink(sl))
		} else {
			u, err = s.svc.CreateUser(r.Context(), p, sl.c, in)
		}
		if err != nil {
			return err
		}
		doc, err := s.document(r.Context(), sl, u, docOptions{viewer: p})
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusCreated, docAnswer{Doc: doc, Message: label(sl.name) + " successfully created."})
	})
}

// handleRead answers GET <slug>/{id}: the document itself, for the user
// itself or a superuser. Anyone else reads it as missing (404), so ids
// cannot be probed.
func (s *server) handleRead(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := anyCaller(r)
		u, err := s.svc.ViewUser(r.Context(), p, sl.c, r.PathValue("id"))
		if err != nil {
			return err
		}
		doc, err := s.document(r.Context(), sl, u, docOptions{viewer: p})
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, doc)
	})
}

// handleUpdate answers PATCH <slug>/{id} {...fields}: the user itself or
// a superuser changes the fields sent (core's rules decide: a user's own
// password change needs oldPassword, an email change its confirmation
// flow).
func (s *server) handleUpdate(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := anyCaller(r)
		id := r.PathValue("id")
		cur, err := s.svc.ViewUser(r.Context(), p, sl.c, id)
		if err != nil {
			return err
		}
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		in, err := s.userInput(sl, b, &cur)
		if err != nil {
			return err
		}
		if in.Email != nil && *in.Email == cur.Email {
			in.Email = nil // sent back unchanged, as whole-document clients do
		}
		u, err := s.svc.UpdateUser(r.Context(), p, sl.c, id, in)
		if err != nil {
			return err
		}
		doc, err := s.document(r.Context(), sl, u, docOptions{viewer: p})
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, docAnswer{Doc: doc, Message: "Updated successfully."})
	})
}

// handleDelete answers DELETE <slug>/{id}: the user itself or a
// superuser deletes the user, its sessions and tokens; the answer holds
// the document as it was.
func (s *server) handleDelete(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := anyCaller(r)
		id := r.PathValue("id")
		u, err := s.svc.ViewUser(r.Context(), p, sl.c, id)
		if err != nil {
			return err
		}
		doc, err := s.document(r.Context(), sl, u, docOptions{})
		if err != nil {
			return err
		}
		if err := s.svc.DeleteUser(r.Context(), p, sl.c, id); err != nil {
			return err
		}
		if p.Is(sl.c, id) {
			s.jar.Clear(w, s.opt.CookieName())
		}
		return httpapi.WriteJSON(w, http.StatusOK, docAnswer{Doc: doc, Message: "Deleted successfully."})
	})
}
