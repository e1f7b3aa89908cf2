package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// Record keys clients may send back unchanged (the SDK's models carry
// them); they are read-only and ignored. Any other unknown key is an
// error, so a field the app believes it saved is never silently dropped.
var ignoredRecordKeys = []string{"collectionId", "collectionName", "created", "updated", "expand"}

var writableRecordKeys = []string{
	"id", "email", "emailVisibility", "verified", "name", "avatar", "password", "passwordConfirm", "oldPassword",
}

// bindUserInput reads a create or update body into core's input.
// PocketBase's forms always have a passwordConfirm field, so it is passed
// even when absent (core then requires it alongside a password).
func bindUserInput(f *form, c *core.Collection) (core.UserInput, error) {
	in := core.UserInput{
		ID:              f.strPtr("id"),
		Email:           f.strPtr("email"),
		EmailVisibility: f.boolPtr("emailVisibility"),
		Verified:        f.boolPtr("verified"),
		Password:        f.strPtr("password"),
		OldPassword:     f.strPtr("oldPassword"),
	}
	if c.HasField("name") {
		in.Name = f.strPtr("name")
	}
	confirm := f.str("passwordConfirm")
	in.PasswordConfirm = &confirm
	avatar := f.str("avatar")
	if f.err != nil {
		return in, f.err
	}
	bad := map[string]core.FieldError{}
	for _, k := range f.unknown(writableRecordKeys, ignoredRecordKeys) {
		bad[k] = core.FieldError{Code: core.FieldUnknown}
	}
	if !c.HasField("name") && f.fields.Has("name") {
		bad["name"] = core.FieldError{Code: core.FieldUnknown}
	}
	if avatar != "" {
		bad["avatar"] = core.FieldError{Code: core.FieldFileUpload}
	}
	if len(bad) > 0 {
		return in, core.Invalid(bad)
	}
	return in, nil
}

// handleCreateRecord answers POST /records: sign-up for guests (where the
// collection allows it) and create for superusers. PocketBase answers 200.
func (s *server) handleCreateRecord() http.Handler {
	return s.writeRecord("Failed to create record.", func(r *http.Request, p *core.Principal, c *core.Collection, in core.UserInput) (core.User, error) {
		return s.svc.CreateUser(r.Context(), p, c, in)
	})
}

// handleUpdateRecord answers PATCH /records/{id}.
func (s *server) handleUpdateRecord() http.Handler {
	return s.writeRecord("Failed to update record.", func(r *http.Request, p *core.Principal, c *core.Collection, in core.UserInput) (core.User, error) {
		return s.svc.UpdateUser(r.Context(), p, c, r.PathValue("id"), in)
	})
}

// writeRecord is the shared body of create and update: the rule check
// comes before the body is read (as in PocketBase), then the form is
// bound, written by write, and the record returned.
func (s *server) writeRecord(validationMsg string, write func(*http.Request, *core.Principal, *core.Collection, core.UserInput) (core.User, error)) http.Handler {
	return s.collectionRoute(msgNoRecordsContext, validationMsg, func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p := principal(r)
		if err := core.RecordAccess(p, c, r.Method == http.MethodPost); err != nil {
			return err
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		in, err := bindUserInput(f, c)
		if err != nil {
			return err
		}
		u, err := write(r, p, c, in)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, newRecordResponse(p, c, u))
	})
}

// handleDeleteRecord answers DELETE /records/{id} with 204.
func (s *server) handleDeleteRecord() http.Handler {
	return s.collectionRoute(msgNoRecordsContext, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		if err := s.svc.DeleteUser(r.Context(), principal(r), c, r.PathValue("id")); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}
