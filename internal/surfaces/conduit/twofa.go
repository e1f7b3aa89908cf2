package conduit

import (
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file holds the twoFa handlers: a login's second factor (authorize,
// verify, recover) and the user's own 2FA settings (enable, confirm,
// disable, backup codes), each one core call. Core decides: a 2FA user's
// login answers a pending token (`authorized: false`) that only the
// second-factor routes take (twofa_auth.go), sudo stands in for the
// password and codes, codes are tried a limited number of times and
// spent, back-up codes are "1234 5678" (the profile's SecondFactor).
// Only the authenticator app is offered: SMS is "Method not valid".

// Conduit's twoFa words.
const (
	msgUseApp        = "Use your authenticator app to get the code"
	msgCodeWrong     = "Code is not correct"
	msgCodeFailed    = "Code verification unsuccessful"
	msgBackupFormat  = "Incorrect code format"
	msgBackupInvalid = "Invalid code"
	msgNotEnabled    = "2FA is not enabled"
	methodApp        = "authenticator"
)

// result is Conduit's answer of a handler that returns a string.
type result struct {
	Result string `json:"result"`
}

// methodAnswer is authorize's answer for a user with 2FA.
type methodAnswer struct {
	Method  string `json:"method"`
	Message string `json:"message"`
}

// handleTwoFAAuthorize answers POST /authentication/twoFa/authorize: how
// the second factor is given (the app), or that the caller has no 2FA.
// A pending login is always an app user's.
func (s *server) handleTwoFAAuthorize(w http.ResponseWriter, r *http.Request, p *core.Principal, pl *core.PendingLogin) error {
	if p != nil {
		st, err := s.svc.TOTPStatusOf(r.Context(), p, s.c)
		if err != nil {
			return err
		}
		if !st.Enabled {
			return httpapi.WriteJSON(w, http.StatusOK, result{"2FA disabled"})
		}
	}
	return httpapi.WriteJSON(w, http.StatusOK, methodAnswer{Method: methodApp, Message: msgUseApp})
}

// handleTwoFAVerify answers POST /authentication/twoFa/verify {code}: a
// pending login completed with a code of the app, answered with the
// token pair (authorized, sudo); the pending token is spent. With a
// completed login's token, the code steps it up: a new sudo pair.
func (s *server) handleTwoFAVerify(w http.ResponseWriter, r *http.Request, p *core.Principal, pl *core.PendingLogin) error {
	code, err := s.codeParam(r)
	if err != nil {
		return err
	}
	var res core.AuthResult
	if pl != nil {
		res, err = s.svc.CompletePendingTOTP(r.Context(), pl, code)
	} else {
		res, err = s.svc.StepUpTOTP(r.Context(), p, s.c, code, true)
	}
	if err != nil {
		return codeError(err, msgCodeWrong, msgCodeFailed)
	}
	return s.writeTokens(w, res, false)
}

// recoverAnswer is recover's answer: the token pair and the count of
// back-up codes left.
type recoverAnswer struct {
	loginBody
	Message string `json:"message"`
}

// handleTwoFARecover answers POST /authentication/twoFa/recover {code}:
// a pending login completed (or a completed one stepped up) with a
// back-up code (8 digits, spaces ignored), which is spent.
func (s *server) handleTwoFARecover(w http.ResponseWriter, r *http.Request, p *core.Principal, pl *core.PendingLogin) error {
	if !s.opt.TwoFA.BackupCodes {
		return errRouteNotFound()
	}
	code, err := s.codeParam(r)
	if err != nil {
		return err
	}
	var res core.AuthResult
	var left int
	if pl != nil {
		res, left, err = s.svc.CompletePendingRecovery(r.Context(), pl, code)
	} else {
		res, left, err = s.svc.StepUpRecovery(r.Context(), p, s.c, code, true)
	}
	if err != nil {
		if e := core.AsError(err); e.Fields["code"].Code == core.FieldInvalidFormat {
			return errInvalid(msgBackupFormat)
		}
		return codeError(err, msgBackupInvalid, msgBackupInvalid)
	}
	return httpapi.WriteJSON(w, http.StatusOK, recoverAnswer{
		loginBody: s.deliver(w, res),
		Message:   "You have " + strconv.Itoa(left) + " back up codes left",
	})
}

// codeParam reads the required code parameter.
func (s *server) codeParam(r *http.Request) (string, error) {
	b, err := s.readBody(r)
	if err != nil {
		return "", err
	}
	return b.required("code")
}

// codeError translates a refused code: a wrong or reused one is
// `wrong` (400, or 401 when wrong is a back-up code's "Invalid code", as
// Conduit answers), a login that can no longer complete `failed` (401);
// rate limits and outages keep their own answers.
func codeError(err error, wrong, failed string) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeTOTPInvalid && wrong == msgBackupInvalid:
		return errUnauthorized(wrong)
	case e.Code == core.CodeTOTPInvalid, e.Kind == core.KindInvalid && len(e.Fields) > 0:
		return errInvalid(wrong)
	case e.Code == core.CodeMFAInvalid, e.Code == core.CodeTOTPNotEnabled,
		e.Code == core.CodeMFAUserMismatch, e.Code == core.CodeMFASameMethod:
		return errUnauthorized(failed)
	}
	return err
}
