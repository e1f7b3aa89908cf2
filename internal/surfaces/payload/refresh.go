package payload

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// refreshAnswer is POST <slug>/refresh-token's body; field order is
// Payload's.
type refreshAnswer struct {
	Message        string        `json:"message"`
	Exp            int64         `json:"exp"`
	RefreshedToken string        `json:"refreshedToken"`
	SetCookie      bool          `json:"setCookie"`
	Strategy       string        `json:"strategy"`
	User           orderedObject `json:"user"`
}

// handleRefresh answers POST <slug>/refresh-token: Payload's sliding
// refresh, with no refresh token of its own. A still-valid token of the
// slug's collection (header or cookie) gets a new one for the same
// session, whose life is extended (core.Service.Refresh); anything else
// is 403.
func (s *server) handleRefresh(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		a, err := s.refreshToken(r.Context(), sl, caller(r, sl))
		if err != nil {
			return err
		}
		s.setToken(w, a.token, a.exp, a.ttl)
		return httpapi.WriteJSON(w, http.StatusOK, refreshAnswer{
			Message: "Token refresh successful.", Exp: a.exp, RefreshedToken: a.token, SetCookie: true, Strategy: strategy, User: a.user,
		})
	})
}

// refreshToken is the refresh both routes run: p (the caller of sl's
// collection, nil otherwise) gets a new token for its session, whose
// life core extends; without one it is Payload's 403. The caller sets
// the cookie.
func (s *server) refreshToken(ctx context.Context, sl slug, p *core.Principal) (authAnswer, error) {
	if p == nil {
		return authAnswer{}, errForbidden()
	}
	res, err := s.svc.Refresh(ctx, p, sl.c)
	if err != nil {
		return authAnswer{}, err
	}
	return s.issued(ctx, sl, res)
}

// AppendJSON writes the answer as encoding/json would (httpapi.WriteJSON's
// fast path): every refresh pays for it. False when the user's document
// holds a value encoding/json refuses, so the slow path reports it.
func (a refreshAnswer) AppendJSON(dst []byte) ([]byte, bool) {
	dst = append(dst, `{"message":`...)
	dst = jsonenc.AppendJSONString(dst, a.Message)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, a.Exp, 10)
	dst = append(dst, `,"refreshedToken":`...)
	dst = jsonenc.AppendJSONString(dst, a.RefreshedToken)
	dst = append(dst, `,"setCookie":`...)
	dst = strconv.AppendBool(dst, a.SetCookie)
	dst = append(dst, `,"strategy":`...)
	dst = jsonenc.AppendJSONString(dst, a.Strategy)
	dst = append(dst, `,"user":`...)
	dst, err := a.User.appendJSON(dst)
	if err != nil {
		return dst, false
	}
	return append(dst, '}'), true
}
