package core

import (
	"context"
	"errors"
	"time"
)

// OAuth2 audit events and method name.
const (
	AuditIdentityLinked = "identity.linked"
	AuditIdentityUnlink = "identity.unlinked"
	MethodOAuth2        = "oauth2"
)

// OAuth2Login is an auth-with-oauth2 attempt.
type OAuth2Login struct {
	Provider     string
	Code         string
	CodeVerifier string
	RedirectURL  string
	// Name and EmailVisibility, when set, are used if a record is
	// created (PocketBase's createData).
	Name            *string
	EmailVisibility *bool
	MFAID           string
	RefreshToken    bool
}

// OAuth2Meta is what the provider said, and whether a record was created.
type OAuth2Meta struct {
	User  OAuthUser
	IsNew bool
}

var errOAuthFailed = NewError(KindInvalid, CodeOAuthFailed)

// LoginWithOAuth2 signs in with a provider's authorization code. The
// record is, in order: the one already linked to the provider account;
// the caller's own (linking a provider to a signed-in user); the one with
// the provider's email, only when the provider vouches for that email;
// or a new one. A record found by email that was never verified may have
// been registered by someone else before its owner: its password and
// other links are dropped and its sessions end before the owner gets in.
func (s *Service) LoginWithOAuth2(ctx context.Context, c *Collection, p *Principal, in OAuth2Login) (AuthResult, OAuth2Meta, error) {
	if !c.OAuth2.Enabled {
		return AuthResult{}, OAuth2Meta{}, NewError(KindForbidden, CodeOAuthDisabled)
	}
	fe := fieldErrors{}
	fe.checkLength("provider", in.Provider, 1, 100)
	fe.checkLength("code", in.Code, 1, 4096)
	if err := fe.err(); err != nil {
		return AuthResult{}, OAuth2Meta{}, err
	}
	prov, err := c.oauthProvider(in.Provider)
	if err != nil {
		return AuthResult{}, OAuth2Meta{}, err
	}
	if err := s.limit(ctx, ActionLogin, ""); err != nil {
		return AuthResult{}, OAuth2Meta{}, err
	}
	if in.MFAID != "" && collectionNeedsMFA(c) {
		// A dead challenge is refused before the provider's code is
		// exchanged (and so spent), when MFA applies to every user of c;
		// whose it is, and whether MFA applies to a user of its own
		// choosing, can only be told after.
		if _, err := s.liveChallenge(ctx, c, in.MFAID); err != nil {
			return AuthResult{}, OAuth2Meta{}, err
		}
	}
	ou, err := prov.Exchange(ctx, in.Code, in.CodeVerifier, in.RedirectURL)
	switch {
	case errors.Is(err, ErrOAuthToken):
		s.log.InfoContext(ctx, "oauth2 token exchange failed", "provider", prov.Name(), "err", err)
		return AuthResult{}, OAuth2Meta{}, NewError(KindInvalid, CodeOAuthToken)
	case err != nil || !storableKey(ou.ID):
		s.log.InfoContext(ctx, "oauth2 user fetch failed", "provider", prov.Name(), "err", err)
		return AuthResult{}, OAuth2Meta{}, NewError(KindInvalid, CodeOAuthUser)
	}
	u, isNew, err := s.oauthRecord(ctx, c, p, prov.Name(), ou, in)
	if err != nil {
		return AuthResult{}, OAuth2Meta{}, err
	}
	res, err := s.finishAuth(ctx, c, u, MethodOAuth2, in.MFAID, s.sessionOptions(in.RefreshToken))
	return res, OAuth2Meta{User: ou, IsNew: isNew}, err
}

// oauthRecord finds or creates the record for a provider account and
// makes sure the link exists, in one transaction.
func (s *Service) oauthRecord(ctx context.Context, c *Collection, p *Principal, provider string, ou OAuthUser, in OAuth2Login) (User, bool, error) {
	var u User
	var isNew bool
	err := s.store.InTx(ctx, func(q Queries) error {
		u, isNew = User{}, false
		now := s.Now()
		link, err := q.IdentityByProvider(ctx, c.ID, provider, ou.ID)
		switch {
		case err == nil:
			u, err = q.UserByID(ctx, c.ID, link.UserID)
			return err // linked already: nothing to change
		case !errors.Is(err, ErrNotFound):
			return err
		case p != nil && p.Collection.ID == c.ID:
			u = p.User // the signed-in user links a provider account
		default:
			if u, err = s.recordByVerifiedEmail(ctx, q, c, ou); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err != nil {
				if !c.PublicSignup {
					return errOAuthFailed
				}
				isNew = true
				return s.createOAuthUser(ctx, q, c, provider, ou, in, &u)
			}
		}
		return s.link(ctx, q, c, u, provider, ou, now)
	})
	if errors.Is(err, ErrConflict) {
		return User{}, false, errOAuthFailed // this provider is linked to the record already, with another account
	}
	if errors.Is(err, errSuspendedAccount) {
		return u, false, nil // nothing linked or claimed; the login refuses it
	}
	if err != nil {
		return User{}, false, AsError(err)
	}
	return u, isNew, nil
}

// recordByVerifiedEmail finds the record with the provider's email, but
// only when the provider vouches for it: otherwise anyone could put a
// victim's address on a provider account and take over the record.
func (s *Service) recordByVerifiedEmail(ctx context.Context, q Queries, c *Collection, ou OAuthUser) (User, error) {
	if ou.Email == "" || !ou.EmailVerified {
		return User{}, ErrNotFound
	}
	u, err := q.UserByEmail(ctx, c.ID, ou.Email)
	if err != nil {
		return User{}, err
	}
	if u.Suspended() {
		return u, errSuspendedAccount
	}
	if u.Verified {
		return u, nil
	}
	// Pre-registered and never verified: whoever set it up loses access.
	u.PasswordHash, u.Verified, u.Updated = "", true, s.Now()
	if err := q.UpdateUser(ctx, u); err != nil {
		return User{}, err
	}
	if err := s.dropSquatterAccess(ctx, q, c, u, MethodOAuth2); err != nil {
		return User{}, err
	}
	if err := s.revokeCredentials(ctx, q, u, "claimed_by_oauth2"); err != nil {
		return User{}, err
	}
	return u, s.audit(ctx, q, byUser(AuditEmailVerified, c, u.ID, map[string]string{"method": MethodOAuth2}))
}

// createOAuthUser creates the record of a first OAuth2 sign-in. It has no
// password. The email is the provider's when it is valid and free (and
// verified only if the provider says so); mapped fields fill the profile.
func (s *Service) createOAuthUser(ctx context.Context, q Queries, c *Collection, provider string, ou OAuthUser, in OAuth2Login, u *User) error {
	now := s.Now()
	*u = User{ID: NewID(), CollectionID: c.ID, Status: UserActive, Created: now, Updated: now}
	if ValidEmail(ou.Email) {
		if _, err := q.UserByEmail(ctx, c.ID, ou.Email); errors.Is(err, ErrNotFound) {
			u.Email, u.Verified = ou.Email, ou.EmailVerified
		} else if err != nil {
			return err
		}
	}
	attrs := map[string]string{"name": ou.Name, "username": ou.Username, "avatarURL": ou.AvatarURL}
	for attr, field := range c.OAuth2.MappedFields {
		v := truncate(cleanText(attrs[attr]), MaxNameLength)
		switch {
		case field == "name" && c.HasField("name"):
			u.Name = v
		case field == "avatar" && c.HasField("avatar"):
			u.Avatar = v
		}
	}
	if in.Name != nil && c.HasField("name") {
		fe := fieldErrors{}
		if fe.checkText("name", *in.Name, MaxNameLength); fe.err() == nil {
			u.Name = *in.Name
		}
	}
	if in.EmailVisibility != nil {
		u.EmailVisibility = *in.EmailVisibility
	}
	if err := q.InsertUser(ctx, *u); err != nil {
		return err
	}
	if err := s.audit(ctx, q, AuditEvent{Type: AuditUserCreated, ActorID: u.ID, ActorCollection: c.ID,
		TargetID: u.ID, TargetCollection: c.ID, Details: map[string]string{"method": MethodOAuth2, "provider": provider}}); err != nil {
		return err
	}
	return s.link(ctx, q, c, *u, provider, ou, now)
}

// link records that u signs in with this provider account.
func (s *Service) link(ctx context.Context, q Queries, c *Collection, u User, provider string, ou OAuthUser, now time.Time) error {
	id := Identity{ID: NewID(), UserID: u.ID, CollectionID: c.ID, Provider: provider, ProviderID: ou.ID, Created: now}
	if err := q.InsertIdentity(ctx, id); err != nil {
		return err
	}
	return s.audit(ctx, q, byUser(AuditIdentityLinked, c, u.ID, map[string]string{"provider": provider}))
}
