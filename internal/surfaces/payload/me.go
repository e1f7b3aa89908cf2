package payload

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/jsonenc"
)

// meAnswer is GET <slug>/me's body for a user; field order is Payload's.
type meAnswer struct {
	User       orderedObject `json:"user"`
	Collection string        `json:"collection"`
	Strategy   string        `json:"strategy"`
	Exp        int64         `json:"exp"`
	Token      string        `json:"token"`
	Message    string        `json:"message"`
}

// anonymousMe is GET <slug>/me's body without a user of the slug.
type anonymousMe struct {
	User    any    `json:"user"`
	Message string `json:"message"`
}

// handleMe answers GET <slug>/me, always 200: the caller with its token
// and the token's expiry, or a null user for a guest (a refused token
// included) or a user of another collection.
func (s *server) handleMe(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := caller(r, sl)
		if p == nil {
			return httpapi.WriteJSON(w, http.StatusOK, anonymousMe{User: nil, Message: "Account"})
		}
		a, err := s.me(r.Context(), sl, p)
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, a)
	})
}

// me is the caller's account both routes show: p (a user of sl's
// collection) with its token and the token's expiry.
func (s *server) me(ctx context.Context, sl slug, p *core.Principal) (meAnswer, error) {
	user, err := s.document(ctx, sl, p.User, docOptions{viewer: p, auth: true})
	if err != nil {
		return meAnswer{}, err
	}
	return meAnswer{User: user, Collection: sl.name, Strategy: strategy, Exp: unixOf(p.Expires), Token: p.Token, Message: "Account"}, nil
}

// AppendJSON writes the answer as encoding/json would (httpapi.WriteJSON's
// fast path): every me pays for it. False when the user's document holds
// a value encoding/json refuses, so the slow path reports it.
func (a meAnswer) AppendJSON(dst []byte) ([]byte, bool) {
	dst = append(dst, `{"user":`...)
	dst, err := a.User.appendJSON(dst)
	if err != nil {
		return dst, false
	}
	dst = append(dst, `,"collection":`...)
	dst = jsonenc.AppendJSONString(dst, a.Collection)
	dst = append(dst, `,"strategy":`...)
	dst = jsonenc.AppendJSONString(dst, a.Strategy)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, a.Exp, 10)
	dst = append(dst, `,"token":`...)
	dst = jsonenc.AppendJSONString(dst, a.Token)
	dst = append(dst, `,"message":`...)
	dst = jsonenc.AppendJSONString(dst, a.Message)
	return append(dst, '}'), true
}
