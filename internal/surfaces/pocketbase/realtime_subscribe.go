package pocketbase

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRealtimeSubscribe answers POST /api/realtime {clientId,
// subscriptions} with 204.
func (s *server) handleRealtimeSubscribe() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		id := f.str("clientId")
		var subs []string
		if raw, ok := f.fields["subscriptions"]; ok && raw != nil {
			list, isList := raw.([]any)
			if !isList || len(list) > maxSubscriptions {
				return &httpapi.DecodeError{Reason: httpapi.ReasonWrongType, Field: "subscriptions"}
			}
			for _, v := range list {
				sub, isStr := v.(string)
				if !isStr || len(sub) > 2000 {
					return &httpapi.DecodeError{Reason: httpapi.ReasonWrongType, Field: "subscriptions"}
				}
				subs = append(subs, sub)
			}
		}
		if f.err != nil {
			return f.err
		}
		if subs == nil {
			subs = []string{}
		}
		ok, err := s.realtime.subscribe(r.Context(), id, subs)
		if err != nil {
			return err
		}
		if !ok {
			return &pbError{status: 404, message: "Missing or invalid client id."}
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleOAuth2Redirect answers GET (and POST, for form_post providers)
// /api/oauth2-redirect: the provider sends the browser here with state
// and code; state names the realtime client that waits for them (from the
// same IP, so a stolen state cannot redirect a code elsewhere). The popup
// then shows a short page.
func (s *server) handleOAuth2Redirect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // a bad body only means no code
		state, code, errParam := r.Form.Get("state"), r.Form.Get("code"), r.Form.Get("error")
		c, ok, err := s.realtime.lookup(r.Context(), state)
		if err != nil {
			s.renderer("").Render(w, r, err)
			return
		}
		ok = ok && c.IP == httpapi.ClientIPFrom(r.Context()) && slices.Contains(c.Subscriptions, "@oauth2")
		if ok {
			msg := map[string]string{"state": state, "code": code}
			if errParam != "" {
				msg["error"] = errParam
			}
			data, _ := json.Marshal(msg)
			if err := s.realtime.send(r.Context(), state, realtimeMsg{event: "@oauth2", data: data}); err != nil {
				if e := core.AsError(err); e.Kind == core.KindUnavailable {
					s.renderer("").Render(w, r, e)
					return
				}
				ok = false
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok || errParam != "" || code == "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintln(w, "OAuth2 authorization failed. You can close this window and try again.")
			return
		}
		fmt.Fprintln(w, "OAuth2 authorization completed. You can close this window.")
	})
}
