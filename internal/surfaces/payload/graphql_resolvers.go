package payload

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// rootResolver returns the root resolver of the schema, and its costly
// fields. Payload's root field names depend on the configured slugs
// (meUser, loginAuthor...), and graph-gophers/graphql-go binds fields to
// methods or struct fields by name, so the root is a struct type built
// at startup (reflect.StructOf): one func-typed field per root field,
// tagged with the field's name, whose value is a closure over the slug.
// Each closure reads its arguments and calls the same function as the
// REST route (logIn, logOut, me...): no rule is decided here. Cookies
// are set and cleared through the exchange, with the REST helpers.
func (s *server) rootResolver(gn []gqlNames) (any, []string) {
	var fields []reflect.StructField
	var values []reflect.Value
	var costly []string
	addValue := func(name string, fn reflect.Value) {
		fields = append(fields, reflect.StructField{
			Name: "F" + strconv.Itoa(len(fields)), Type: fn.Type(), Tag: reflect.StructTag(`graphql:"` + name + `"`),
		})
		values = append(values, fn)
	}
	add := func(name string, fn any) { addValue(name, reflect.ValueOf(fn)) }
	// Access's result is a struct type built here too (one field per
	// slug), so its resolver is made with reflect as well.
	accessType := s.accessType(gn)
	accessFn := reflect.FuncOf([]reflect.Type{reflect.TypeFor[context.Context]()}, []reflect.Type{reflect.PointerTo(accessType)}, false)
	addValue("Access", reflect.MakeFunc(accessFn, func(in []reflect.Value) []reflect.Value {
		return []reflect.Value{s.gqlAccess(in[0].Interface().(context.Context), accessType)}
	}))
	for i, sl := range s.slugs {
		S := gn[i].singular
		add("me"+S, func(ctx context.Context) (*gqlMe, error) { return s.gqlMe(ctx, sl) })
		add("initialized"+S, func(ctx context.Context) (*bool, error) {
			ok, err := s.svc.Initialized(ctx, sl.c)
			return &ok, err
		})
		add("login"+S, func(ctx context.Context, a struct {
			Email    string
			Password *string
		}) (*gqlLogin, error) {
			return s.gqlLogin(ctx, sl, a.Email, deref(a.Password))
		})
		add("logout"+S, func(ctx context.Context, a struct{ AllSessions *bool }) (*string, error) {
			return s.gqlLogout(ctx, sl, a.AllSessions != nil && *a.AllSessions)
		})
		add("refreshToken"+S, func(ctx context.Context) (*gqlRefreshed, error) { return s.gqlRefresh(ctx, sl) })
		add("forgotPassword"+S, func(ctx context.Context, a struct{ Email string }) (bool, error) {
			return s.gqlForgot(ctx, sl, a.Email)
		})
		add("resetPassword"+S, func(ctx context.Context, a struct{ Password, Token *string }) (*gqlReset, error) {
			return s.gqlReset(ctx, sl, a.Token, a.Password)
		})
		add("verifyEmail"+S, func(ctx context.Context, a struct{ Token *string }) (*bool, error) {
			if err := s.verifyEmail(ctx, sl, deref(a.Token)); err != nil {
				return nil, err
			}
			return ptrTo(true), nil
		})
		if s.opt.MaxLoginAttempts > 0 {
			add("unlock"+S, func(ctx context.Context, a struct{ Email string }) (bool, error) {
				return s.gqlUnlock(ctx, sl, a.Email)
			})
		}
		costly = append(costly, s.costlyOf(gn[i])...)
	}
	root := reflect.New(reflect.StructOf(fields))
	for i, v := range values {
		root.Elem().Field(i).Set(v)
	}
	return root.Interface(), costly
}

// gqlLogin runs logIn and sets the cookie, as POST <slug>/login does.
func (s *server) gqlLogin(ctx context.Context, sl slug, email, password string) (*gqlLogin, error) {
	a, err := s.logIn(ctx, sl, trimmed(email), password)
	if err != nil {
		return nil, scoped(sl, err)
	}
	s.setCookie(ctx, a)
	return &gqlLogin{Exp: exp32(a.exp), Token: &a.token, User: userOf(a.user)}, nil
}

// gqlLogout runs logOut for the caller and clears the cookie, as POST
// <slug>/logout does; the result is REST's message.
func (s *server) gqlLogout(ctx context.Context, sl slug, all bool) (*string, error) {
	x := gql.ExchangeFrom(ctx)
	if err := s.logOut(ctx, sl, anyCaller(x.Request), all); err != nil {
		return nil, err
	}
	x.Respond(func(w http.ResponseWriter) { s.jar.Clear(w, s.opt.CookieName()) })
	return ptrTo("Logout successful."), nil
}

// gqlRefresh runs refreshToken for the caller and sets the cookie. Its
// user is Payload's JWT type: the email and the slug.
func (s *server) gqlRefresh(ctx context.Context, sl slug) (*gqlRefreshed, error) {
	a, err := s.refreshToken(ctx, sl, caller(gql.ExchangeFrom(ctx).Request, sl))
	if err != nil {
		return nil, err
	}
	s.setCookie(ctx, a)
	email, _ := a.user.get("email").(string)
	return &gqlRefreshed{Exp: exp32(a.exp), RefreshedToken: &a.token, Strategy: ptrTo(strategy),
		User: &gqlJWT{Email: email, Collection: sl.name}}, nil
}

// gqlForgot runs forgotPassword: true whether or not the address has an
// account. An empty address is REST's "Missing email.".
func (s *server) gqlForgot(ctx context.Context, sl slug, email string) (bool, error) {
	email = trimmed(email)
	if email == "" {
		return false, errMissing("email")
	}
	if err := s.forgotPassword(ctx, sl, email); err != nil {
		return false, err
	}
	return true, nil
}

// gqlReset runs resetPassword and sets the cookie when the user got a
// token. A null token or password is REST's "Missing required data.".
func (s *server) gqlReset(ctx context.Context, sl slug, token, password *string) (*gqlReset, error) {
	if token == nil || password == nil {
		return nil, errMissingData()
	}
	a, err := s.resetPassword(ctx, sl, *token, *password)
	if err != nil {
		return nil, scoped(sl, err)
	}
	out := &gqlReset{User: userOf(a.user)}
	if a.token != "" {
		s.setCookie(ctx, a)
		out.Token = &a.token
	}
	return out, nil
}

// gqlUnlock runs unlock for the caller: true once the account is
// unlocked. An empty address is REST's "Missing email.".
func (s *server) gqlUnlock(ctx context.Context, sl slug, email string) (bool, error) {
	email = trimmed(email)
	if email == "" {
		return false, errMissing("email")
	}
	if err := s.unlock(ctx, sl, anyCaller(gql.ExchangeFrom(ctx).Request), email); err != nil {
		return false, err
	}
	return true, nil
}

// gqlMe is me<S>: the caller of sl's collection with its token, or
// only null fields for anyone else (REST's {"user": null}).
func (s *server) gqlMe(ctx context.Context, sl slug) (*gqlMe, error) {
	p := caller(gql.ExchangeFrom(ctx).Request, sl)
	if p == nil {
		return &gqlMe{}, nil
	}
	a, err := s.me(ctx, sl, p)
	if err != nil {
		return nil, err
	}
	return &gqlMe{Collection: &a.Collection, Exp: exp32(a.Exp), Strategy: &a.Strategy, Token: &a.Token, User: userOf(a.User)}, nil
}

// setCookie sets the token cookie on the HTTP response, with REST's
// helper.
func (s *server) setCookie(ctx context.Context, a authAnswer) {
	gql.ExchangeFrom(ctx).Respond(func(w http.ResponseWriter) { s.setToken(w, a.token, a.exp, a.ttl) })
}
