package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file holds the account's own changes: its password and its email
// (with the mailed link that confirms the new address). Both need sudo
// mode, which core enforces (the profile's RequireFresh: a renewed token
// gets Conduit's 403 "Re-login required to enter sudo mode").

// Conduit's answers.
const (
	msgPasswordChanged = "Password changed successfully"
	msgEmailChanged    = "Email changed successfully"
)

// handleChangePassword answers POST /authentication/local/change-password
// {oldPassword, newPassword} (the seed's body). Like every password
// change in Gatehouse it ends every session of the user, the caller's
// too (Conduit keeps them).
func (s *server) handleChangePassword(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	old, err := b.required("oldPassword")
	if err != nil {
		return err
	}
	next, err := b.required("newPassword")
	if err != nil {
		return err
	}
	_, err = s.svc.UpdateUser(r.Context(), p, s.c, p.User.ID, core.UserInput{Password: &next, OldPassword: &old})
	if err != nil {
		return changePasswordError(err)
	}
	s.clearTokens(w, r)
	return writeResult(w, msgPasswordChanged)
}

// changePasswordError words change-password's refusals as Conduit does:
// the old password as the new one is a 400 here (a 403 on reset), a
// wrong or missing old password 401 "Invalid password"; a new password
// outside the policy keeps core's field message.
func changePasswordError(err error) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodePasswordUnchanged:
		return errInvalid("The new password can not be the same as the old password")
	case e.Fields["oldPassword"].Code != "":
		return errUnauthorized("Invalid password")
	}
	return err
}

// handleChangeEmail answers POST /authentication/local/change-email
// {newEmail, redirectUri?}: a link to the new address that alone
// confirms the change (verify-change-email); the address changes only
// then, whatever local.verification says (Conduit changes it at once
// when verification is not required). redirectUri, checked against the
// allow list, is where the link's hook sends the browser.
func (s *server) handleChangeEmail(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("newEmail")
	if err != nil {
		return err
	}
	raw, err := b.optional("redirectUri")
	if err != nil {
		return err
	}
	var link string
	if raw != "" {
		to, err := s.redirects().Check(raw, false)
		if err != nil {
			return err
		}
		link = s.hookLink("verify-change-email", to)
	} else {
		link = s.hookLink("verify-change-email", nil)
	}
	err = s.svc.RequestEmailChangeByLink(r.Context(), p, s.c, core.EmailChangeRequest{NewEmail: email, ActionURL: link})
	if err != nil {
		return changeEmailError(err)
	}
	return writeResult(w, msgVerifySent)
}

// changeEmailError words change-email's refusals as Conduit does: the
// current address (400) and a taken one (Conduit's ALREADY_EXISTS: 500,
// or 409 with conflict_status_409).
func changeEmailError(err error) error {
	switch core.AsError(err).Fields["newEmail"].Code {
	case core.FieldNotInInvalid:
		return errInvalid("The new email can not be the same as the old email")
	case core.FieldInvalidNewEmail:
		return newError(grpcAlreadyExists, "Email address already taken")
	case core.FieldIsEmail:
		return errInvalid("Invalid email address provided")
	}
	return err
}

// handleVerifyChangeEmailHook answers GET
// /hook/authentication/verify-change-email/{verificationToken}, the
// mailed link: the account moves to the new address (verified; every
// session ends), then 302 to the request's redirectUri or
// local.verification.redirect_uri, else {"result":"Email changed
// successfully"}. Conduit v0.16.29 reads the token wrongly and always
// answers 404; this one works.
func (s *server) handleVerifyChangeEmailHook(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("verificationToken")
	httpapi.HideInLog(r, token)
	// The carried redirect is checked first: a link edited to lead
	// elsewhere is refused before it spends anything.
	to := s.opt.Local.Verification.RedirectURI
	if raw := r.URL.Query().Get(redirectParam); raw != "" {
		u, err := s.redirects().Check(raw, false)
		if err != nil {
			return err
		}
		to = u.String()
	}
	if err := s.svc.ConfirmEmailChangeByLink(r.Context(), s.c, token); err != nil {
		if core.AsError(err).Fields["token"].Code == core.FieldTokenEmail {
			return newError(grpcAlreadyExists, "Email address already taken")
		}
		return tokenRefusal(err, errNotFound("Change email token does not exist"))
	}
	if to != "" {
		return redirect(w, to)
	}
	return writeResult(w, msgEmailChanged)
}
