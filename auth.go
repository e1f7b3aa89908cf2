package gatehouse

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// User is an auth record as the operations return it. Its password hash
// is never part of it.
type User struct {
	ID         string
	Collection string // the auth collection's name: "users"
	Email      string
	Verified   bool
	Name       string
	// Profile holds the user's custom fields (read-only).
	Profile map[string]any
	Created time.Time
	Updated time.Time
}

// Auth is a session's access token and its user: what Login and
// RefreshToken return.
type Auth struct {
	// Token is the access token: send it as `Authorization: JWT <token>`
	// (or Bearer) to any surface, or keep it in the program.
	Token string
	// Exp is when the token expires.
	Exp time.Time
	// SessionID names the session (the token's sid claim), which
	// Logout ends and RefreshToken extends.
	SessionID string
	User      User
}

// LoginInput is a password login.
type LoginInput struct {
	// Collection is the auth collection's name; empty means "users".
	Collection string
	Email      string
	Password   string
}

// RegisterInput is a new account.
type RegisterInput struct {
	// Collection is the auth collection's name; empty means "users".
	Collection string
	Email      string
	Password   string
	Name       string
}

// Register creates an unverified account and mails it a verification
// link, under the collection's rules (password policy, public sign-up).
// As over HTTP, an address already registered is not an error and
// nothing tells it apart.
func (g *Gatehouse) Register(ctx context.Context, in RegisterInput) error {
	c, err := g.collection(in.Collection)
	if err != nil {
		return err
	}
	reg := core.Registration{Email: in.Email, Password: in.Password}
	if in.Name != "" {
		reg.Name = &in.Name
	}
	return errOf(g.app.Service.Register(ctx, c, reg))
}

// Login checks a password and starts a session, with the lockout and
// rate limits that apply over HTTP.
func (g *Gatehouse) Login(ctx context.Context, in LoginInput) (Auth, error) {
	c, err := g.collection(in.Collection)
	if err != nil {
		return Auth{}, err
	}
	res, err := g.app.Service.LoginWithPassword(ctx, c, core.PasswordLogin{Identity: in.Email, Password: in.Password})
	if err != nil {
		return Auth{}, errOf(err)
	}
	return g.authOf(res), nil
}

// Me is who a token belongs to.
type Me struct {
	// User is nil when the token is not valid (malformed, expired, or
	// its session ended): as Payload's me, that is an anonymous caller,
	// not an error.
	User *User
	// Exp is when the token expires; SessionID names its session.
	Exp       time.Time
	SessionID string
}

// Me checks token (signature, expiry, session still active) and returns
// its user. An invalid token gives a Me with no user and no error; only a
// failure to check (the database unreachable) is an error.
func (g *Gatehouse) Me(ctx context.Context, token string) (Me, error) {
	p, err := g.app.Service.Authenticate(ctx, token)
	if err != nil {
		var ce *core.Error
		if errors.As(err, &ce) && ce.Kind == core.KindUnauthenticated {
			return Me{}, nil
		}
		return Me{}, errOf(err)
	}
	u := userOf(p.Collection, p.User)
	return Me{User: &u, Exp: p.Expires, SessionID: p.Session.ID}, nil
}

// Logout ends token's session, or every session of its user when
// allSessions is set. The token must be valid.
func (g *Gatehouse) Logout(ctx context.Context, token string, allSessions bool) error {
	p, err := g.app.Service.Authenticate(ctx, token)
	if err != nil {
		return errOf(err)
	}
	if allSessions {
		_, err = g.app.Service.LogoutAll(ctx, p, p.Collection)
		return errOf(err)
	}
	return errOf(g.app.Service.Logout(ctx, p, p.Collection))
}

// RefreshToken returns a new access token for a valid token's session
// and extends the session (Payload's sliding refresh: there is no
// separate refresh token). An expired token cannot be refreshed.
func (g *Gatehouse) RefreshToken(ctx context.Context, token string) (Auth, error) {
	p, err := g.app.Service.Authenticate(ctx, token)
	if err != nil {
		return Auth{}, errOf(err)
	}
	res, err := g.app.Service.Refresh(ctx, p, p.Collection)
	if err != nil {
		return Auth{}, errOf(err)
	}
	return g.authOf(res), nil
}

// VerifyEmail marks the account a verification token was mailed to as
// verified. The token is single use.
func (g *Gatehouse) VerifyEmail(ctx context.Context, collection, token string) error {
	c, err := g.collection(collection)
	if err != nil {
		return err
	}
	_, err = g.app.Service.ConfirmVerification(ctx, c, token)
	return errOf(err)
}

// authOf is the Auth of a login or refresh.
func (g *Gatehouse) authOf(res core.AuthResult) Auth {
	exp := g.app.Service.Now().Add(res.AccessTTL)
	return Auth{Token: res.Token, Exp: exp, SessionID: res.Session.ID, User: userOf(res.Collection, res.User)}
}

// userOf is the package's view of a core user.
func userOf(c *core.Collection, u core.User) User {
	return User{ID: u.ID, Collection: c.Name, Email: u.Email, Verified: u.Verified, Name: u.Name,
		Profile: u.Profile, Created: u.Created, Updated: u.Updated}
}
