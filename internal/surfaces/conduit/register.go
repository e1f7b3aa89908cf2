package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// userBody is register's answer.
type userBody struct {
	User any `json:"user"`
}

// handleRegister answers POST /authentication/local/new {email,
// password, userData?, redirectUri?, invitationToken?, captchaToken?}
// with {"user": {...}}. userData is kept as the user's profile, less the
// schema's fields. A taken email is Conduit's USER_EXISTS (500, or 409
// with conflict_status_409). With local.verification.send_email the new
// user is mailed a verification link to the hook, or with the code
// method a 4-digit code for local/verify-email. The caller's token,
// if any, plays no part: anonymous users are not served.
func (s *server) handleRegister(w http.ResponseWriter, r *http.Request, _ *core.Principal) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	password, err := b.required("password")
	if err != nil {
		return err
	}
	data, _, err := b.object("userData")
	if err != nil {
		return err
	}
	for _, k := range []string{"redirectUri", "invitationToken", "captchaToken"} {
		if _, err := b.optional(k); err != nil {
			return err
		}
	}
	in := core.UserInput{Email: &email, Password: &password}
	if d := userData(data); len(d) > 0 {
		in.Profile = d
	}
	var u core.User
	switch {
	case s.opt.Local.Verification.SendEmail && s.opt.Local.Verification.Method == methodCode:
		u, err = s.svc.CreateUserAndMailVerificationCode(r.Context(), nil, s.c, in)
	case s.opt.Local.Verification.SendEmail:
		u, err = s.svc.CreateUserAndMailVerification(r.Context(), nil, s.c, in, s.verifyLink())
	default:
		u, err = s.svc.CreateUser(r.Context(), nil, s.c, in)
	}
	if err != nil {
		return registerError(err)
	}
	// A new account has no authenticator app yet.
	return httpapi.WriteJSON(w, http.StatusOK, userBody{User: userJSON(u, false)})
}

// verifyLink is the mailed verification link: the hook under the public
// URL.
func (s *server) verifyLink() string {
	return s.opt.PublicURL + "/hook/authentication/verify-email/{TOKEN}"
}

// registerError translates a refused registration: a taken email is
// USER_EXISTS; an invalid address Conduit's 400; the rest as core says.
func registerError(err error) error {
	e := core.AsError(err)
	if f, ok := e.Fields["email"]; ok {
		if f.Code == core.FieldNotUnique {
			return errUserExists()
		}
		return errInvalid("Invalid email address provided")
	}
	return err
}
