package payload

import (
	"context"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// The Go values of the schema's object types. graphql-go reads their
// fields by name (the graphql tag where it differs); one Go type serves
// every slug's GraphQL type of that shape.

// gqlMe is <slug>Me.
type gqlMe struct {
	Collection *string
	Exp        *int32
	Strategy   *string
	Token      *string
	User       *gqlUser
}

// gqlLogin is <slug>LoginResult.
type gqlLogin struct {
	Exp   *int32
	Token *string
	User  *gqlUser
}

// gqlRefreshed is <slug>RefreshedUser.
type gqlRefreshed struct {
	Exp            *int32
	RefreshedToken *string
	Strategy       *string
	User           *gqlJWT
}

// gqlJWT is <slug>JWT: what Payload's token carries of its user.
type gqlJWT struct {
	Email      string
	Collection string
}

// gqlReset is <slug>ResetPassword.
type gqlReset struct {
	Token *string
	User  *gqlUser
}

// gqlUser is a slug's user type, read from the document REST renders
// (s.document), so both show the same values to the same viewer.
type gqlUser struct{ doc orderedObject }

// userOf wraps a rendered document.
func userOf(doc orderedObject) *gqlUser { return &gqlUser{doc: doc} }

// ID resolves id.
func (u *gqlUser) ID() string { s, _ := u.doc.get("id").(string); return s }

// Email resolves email.
func (u *gqlUser) Email() string { s, _ := u.doc.get("email").(string); return s }

// Name resolves name (null when the user has none).
func (u *gqlUser) Name() *string { return u.str("name") }

// Verified resolves _verified (in the schema only with Verify).
func (u *gqlUser) Verified() *bool {
	b, ok := u.doc.get("_verified").(bool)
	if !ok {
		return nil
	}
	return &b
}

// CreatedAt resolves createdAt.
func (u *gqlUser) CreatedAt() *string { return u.str("createdAt") }

// UpdatedAt resolves updatedAt.
func (u *gqlUser) UpdatedAt() *string { return u.str("updatedAt") }

// Collection resolves collection: the slug, on the users a login, me
// or refresh returns (null elsewhere, as REST omits it).
func (u *gqlUser) Collection() *string { return u.str("collection") }

// Sessions resolves sessions: the live sessions, for their owner only
// (null for anyone else, as REST omits the key).
func (u *gqlUser) Sessions() *[]*gqlSession {
	list, ok := u.doc.get("sessions").([]session)
	if !ok {
		return nil
	}
	out := make([]*gqlSession, len(list))
	for i, se := range list {
		out[i] = &gqlSession{ID: se.ID, CreatedAt: ptrTo(se.CreatedAt), ExpiresAt: se.ExpiresAt}
	}
	return &out
}

func (u *gqlUser) str(key string) *string {
	s, ok := u.doc.get(key).(string)
	if !ok || s == "" {
		return nil
	}
	return &s
}

// gqlSession is <slug>_Sessions.
type gqlSession struct {
	ID        string
	CreatedAt *string
	ExpiresAt string
}

// gqlPermission is AccessPermission.
type gqlPermission struct{ Permission bool }

// gqlSlugAccess is <slug>Access: every operation with its verdict
// (unlike REST's view, which keeps only what is allowed).
type gqlSlugAccess struct {
	Create, Read, Update, Delete, Unlock *gqlPermission
}

// accessType is the Go struct of the Access type: canAccessAdmin and
// one field per slug, named by its formatted name.
func (s *server) accessType(gn []gqlNames) reflect.Type {
	fields := []reflect.StructField{{Name: "CanAccessAdmin", Type: reflect.TypeFor[bool](), Tag: `graphql:"canAccessAdmin"`}}
	for i := range s.slugs {
		fields = append(fields, reflect.StructField{
			Name: "S" + strconv.Itoa(i), Type: reflect.TypeFor[*gqlSlugAccess](), Tag: reflect.StructTag(`graphql:"` + gn[i].formatted + `"`),
		})
	}
	return reflect.StructOf(fields)
}

// gqlAccess resolves Access for the caller (a guest included) from the
// same permissions as REST's <api>/access; it returns a *t.
func (s *server) gqlAccess(ctx context.Context, t reflect.Type) reflect.Value {
	p := anyCaller(gql.ExchangeFrom(ctx).Request)
	v := reflect.New(t)
	admin := false
	for i, sl := range s.slugs {
		perm := s.permissions(p, sl)
		admin = admin || perm.Admin
		v.Elem().Field(i + 1).Set(reflect.ValueOf(&gqlSlugAccess{
			Create: &gqlPermission{perm.Create}, Read: &gqlPermission{perm.Read}, Update: &gqlPermission{perm.Update},
			Delete: &gqlPermission{perm.Delete}, Unlock: &gqlPermission{perm.Unlock},
		}))
	}
	v.Elem().Field(0).SetBool(admin)
	return v
}

// exp32 is an expiry as GraphQL's Int (32 bits, enough until 2038);
// null when it is unknown or does not fit.
func exp32(exp int64) *int32 {
	if exp <= 0 || exp > math.MaxInt32 {
		return nil
	}
	v := int32(exp)
	return &v
}

func ptrTo[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// trimmed is an email as REST's body reader returns it.
func trimmed(s string) string { return strings.TrimSpace(s) }
