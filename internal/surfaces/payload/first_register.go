package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// firstRegisterAnswer is POST <slug>/first-register's body; field order
// is Payload's.
type firstRegisterAnswer struct {
	Exp     int64         `json:"exp"`
	Message string        `json:"message"`
	Token   string        `json:"token"`
	User    orderedObject `json:"user"`
}

// handleFirstRegister answers POST <slug>/first-register {email,
// password, ...fields}: while the collection is empty it creates the
// user, verified, and logs it in (core.Service.FirstRegister, which
// makes the check and the insert one transaction); afterwards 403.
func (s *server) handleFirstRegister(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		in, err := s.userInput(sl, b, nil)
		if err != nil {
			return err
		}
		res, err := s.svc.FirstRegister(r.Context(), sl.c, in)
		if err != nil {
			if k := core.AsError(err).Kind; k == core.KindForbidden {
				return errForbidden()
			}
			return err
		}
		user, err := s.authDocument(r.Context(), sl, res)
		if err != nil {
			return err
		}
		exp := expOf(res.Token)
		s.setToken(w, res.Token, exp, res.AccessTTL)
		return httpapi.WriteJSON(w, http.StatusOK, firstRegisterAnswer{
			Exp: exp, Message: "Successfully registered first user.", Token: res.Token, User: user,
		})
	})
}

// handleInit answers GET <slug>/init: whether the collection has a user.
func (s *server) handleInit(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		ok, err := s.svc.Initialized(r.Context(), sl.c)
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, struct {
			Initialized bool `json:"initialized"`
		}{ok})
	})
}
