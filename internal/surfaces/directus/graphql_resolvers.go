package directus

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// systemResolver resolves systemSchema. Each mutation reads its
// arguments, calls the same function as its REST route (logIn, refresh,
// tokenOf, requestReset, ...) and returns the result: no rule is decided
// here. Modes work as over REST: cookie and session modes set their
// cookies on the HTTP response (through the exchange), and read them
// from the request.
type systemResolver struct{ s *server }

// ServerPing answers server_ping.
func (*systemResolver) ServerPing() *string { return ptrTo("pong") }

// AuthLogin resolves auth_login; mode defaults to json, as over REST.
func (q *systemResolver) AuthLogin(ctx context.Context, args struct {
	Email, Password string
	Mode, Otp       *string
}) (*authTokens, error) {
	in := loginInput{email: args.Email, password: args.Password, otp: deref(args.Otp), mode: modeOr(args.Mode, modeJSON)}
	res, err := q.s.logIn(ctx, in)
	if err != nil {
		return nil, err
	}
	return q.issue(ctx, in.mode, res), nil
}

// AuthRefresh resolves auth_refresh. Mode defaults to json, as in
// Directus's resolver (REST's default is cookie unless the body has a
// refresh_token).
func (q *systemResolver) AuthRefresh(ctx context.Context, args struct{ RefreshToken, Mode *string }) (*authTokens, error) {
	x := gql.ExchangeFrom(ctx)
	tr, err := q.s.tokenOf(x.Request, modeOr(args.Mode, modeJSON), deref(args.RefreshToken))
	if err != nil {
		return nil, err
	}
	res, err := q.s.refresh(x.Request, tr)
	if err != nil {
		return nil, err
	}
	return q.issue(ctx, tr.mode, res), nil
}

// AuthLogout resolves auth_logout (mode as auth_refresh's): true once
// the session is over and the carried auth cookies are cleared.
func (q *systemResolver) AuthLogout(ctx context.Context, args struct{ RefreshToken, Mode *string }) (*bool, error) {
	x := gql.ExchangeFrom(ctx)
	tr, err := q.s.tokenOf(x.Request, modeOr(args.Mode, modeJSON), deref(args.RefreshToken))
	if err != nil {
		return nil, err
	}
	x.Respond(func(w http.ResponseWriter) { err = q.s.logout(w, x.Request, tr) })
	return done(err)
}

// AuthPasswordRequest resolves auth_password_request: true whether or
// not the address has an account.
func (q *systemResolver) AuthPasswordRequest(ctx context.Context, args struct {
	Email    string
	ResetURL *string
}) (*bool, error) {
	return done(q.s.requestReset(ctx, args.Email, deref(args.ResetURL)))
}

// AuthPasswordReset resolves auth_password_reset.
func (q *systemResolver) AuthPasswordReset(ctx context.Context, args struct{ Token, Password string }) (*bool, error) {
	return done(q.s.resetPassword(ctx, args.Token, args.Password))
}

// tfaData is users_me_tfa_generate's result.
type tfaData struct {
	Secret     *string `graphql:"secret"`
	OTPAuthURL *string `graphql:"otpauth_url"`
}

// UsersMeTfaGenerate resolves users_me_tfa_generate for the caller.
func (q *systemResolver) UsersMeTfaGenerate(ctx context.Context, args struct{ Password string }) (*tfaData, error) {
	p, err := requireUser(gql.ExchangeFrom(ctx).Request)
	if err != nil {
		return nil, err
	}
	sec, err := q.s.tfaGenerate(ctx, p, args.Password)
	if err != nil {
		return nil, err
	}
	return &tfaData{Secret: &sec.Secret, OTPAuthURL: &sec.OTPAuthURL}, nil
}

// UsersMeTfaEnable resolves users_me_tfa_enable for the caller.
func (q *systemResolver) UsersMeTfaEnable(ctx context.Context, args struct{ Otp, Secret string }) (*bool, error) {
	p, err := requireUser(gql.ExchangeFrom(ctx).Request)
	if err != nil {
		return nil, err
	}
	return done(q.s.tfaEnable(ctx, p, args.Secret, args.Otp))
}

// UsersMeTfaDisable resolves users_me_tfa_disable for the caller.
func (q *systemResolver) UsersMeTfaDisable(ctx context.Context, args struct{ Otp string }) (*bool, error) {
	p, err := requireUser(gql.ExchangeFrom(ctx).Request)
	if err != nil {
		return nil, err
	}
	return done(q.s.tfaDisable(ctx, p, args.Otp))
}

// UsersRegister resolves users_register: true for a new address and a
// registered one alike.
func (q *systemResolver) UsersRegister(ctx context.Context, args struct {
	Email, Password                      string
	VerificationURL, FirstName, LastName *string
}) (*bool, error) {
	return done(q.s.register(ctx, registration{
		email: args.Email, password: args.Password, verifyURL: deref(args.VerificationURL),
		first: args.FirstName, last: args.LastName,
	}))
}

// UsersRegisterVerify resolves users_register_verify: true once the
// mailed token verified its user.
func (q *systemResolver) UsersRegisterVerify(ctx context.Context, args struct{ Token string }) (*bool, error) {
	_, err := q.s.verifyRegistration(ctx, args.Token)
	return done(err)
}

// authTokens is auth_tokens: what a mode leaves in a cookie is null.
type authTokens struct {
	AccessToken  *string `graphql:"access_token"`
	Expires      *bigInt `graphql:"expires"`
	RefreshToken *string `graphql:"refresh_token"`
}

// issue hands out res in mode m as REST does (issueTokens sets the
// mode's cookie) and returns it as auth_tokens.
func (q *systemResolver) issue(ctx context.Context, m mode, res core.AuthResult) *authTokens {
	var data tokenData
	gql.ExchangeFrom(ctx).Respond(func(w http.ResponseWriter) { data = q.s.issueTokens(w, m, res) })
	expires := bigInt(data.Expires)
	return &authTokens{AccessToken: nonEmptyPtr(data.AccessToken), Expires: &expires, RefreshToken: nonEmptyPtr(data.RefreshToken)}
}

// bigInt is the GraphQLBigInt scalar: an integer written as a JSON
// number.
type bigInt int64

// ImplementsGraphQLType binds the type to the scalar.
func (bigInt) ImplementsGraphQLType(name string) bool { return name == "GraphQLBigInt" }

// UnmarshalGraphQL reads an argument value (no argument has this type;
// the scalar still needs it).
func (b *bigInt) UnmarshalGraphQL(input any) error {
	switch v := input.(type) {
	case int32:
		*b = bigInt(v)
	case float64:
		*b = bigInt(v)
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("GraphQLBigInt: not an integer")
		}
		*b = bigInt(n)
	default:
		return errors.New("GraphQLBigInt: not an integer")
	}
	return nil
}

// MarshalJSON writes the number.
func (b bigInt) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(b), 10), nil }

// modeOr is a mode argument (the enum admits only Directus's three), or
// def when it is null.
func modeOr(m *string, def mode) mode {
	if m == nil {
		return def
	}
	return mode(*m)
}

// done is a Boolean mutation's result: true, or err.
func done(err error) (*bool, error) {
	if err != nil {
		return nil, err
	}
	return ptrTo(true), nil
}

func ptrTo[T any](v T) *T { return &v }

func nonEmptyPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
