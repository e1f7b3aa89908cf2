package config

import (
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// SurfacesConfig mounts the compatible APIs Gatehouse speaks besides
// PocketBase's, which always lives under /api.
type SurfacesConfig struct {
	Directus DirectusConfig `yaml:"directus"`
}

// DirectusConfig is the Directus auth API (`@directus/sdk` 26). Its
// defaults are Directus's own, so an app moving over needs no settings
// beyond the mount, except CookieSecure (auto: Secure on https) and
// PublicRegistration (on, so the collection's public_signup decides).
type DirectusConfig struct {
	Enabled bool `yaml:"enabled"`
	// Mount is the path prefix the surface answers under ("/directus"),
	// or "/" for a deployment that speaks Directus at the root.
	Mount string `yaml:"mount"`
	// Collection is the auth collection whose users log in through it.
	Collection string `yaml:"collection"`
	// PublicURL is the surface's base URL as clients see it, for the
	// links it mails and the SSO callbacks; empty means app.url + mount.
	PublicURL     string   `yaml:"public_url"`
	AccessTTL     Duration `yaml:"access_ttl"`
	RefreshTTL    Duration `yaml:"refresh_ttl"`
	SessionTTL    Duration `yaml:"session_ttl"`
	SessionGrace  Duration `yaml:"session_grace"`
	LoginStall    Duration `yaml:"login_stall"`
	RegisterStall Duration `yaml:"register_stall"`
	// RefreshCookieName and SessionCookieName are the cookies of the
	// cookie and session modes.
	RefreshCookieName string `yaml:"refresh_cookie_name"`
	SessionCookieName string `yaml:"session_cookie_name"`
	// CookieSecure is auto (Secure when the public URL is https), true or
	// false.
	CookieSecure string `yaml:"cookie_secure"`
	// CookieSameSite is lax, strict or none.
	CookieSameSite string `yaml:"cookie_same_site"`
	CookieDomain   string `yaml:"cookie_domain"`
	// The allow lists name the absolute URLs a client may ask mails
	// (reset_url, verification_url) or SSO logins (redirect) to lead to.
	PasswordResetURLAllowList []string `yaml:"password_reset_url_allow_list"`
	RegisterURLAllowList      []string `yaml:"register_url_allow_list"`
	RedirectAllowList         []string `yaml:"redirect_allow_list"`
	// PublicRegistration lets guests sign up through POST /users/register.
	PublicRegistration bool `yaml:"public_registration"`
}

// Values of DirectusConfig.CookieSecure.
const (
	CookieSecureAuto  = "auto"
	CookieSecureTrue  = "true"
	CookieSecureFalse = "false"
)

func defaultSurfaces() SurfacesConfig {
	return SurfacesConfig{Directus: DirectusConfig{
		Enabled:                   true,
		Mount:                     "/directus",
		Collection:                core.UsersName,
		AccessTTL:                 Duration(15 * time.Minute),
		RefreshTTL:                Duration(7 * day),
		SessionTTL:                Duration(day),
		SessionGrace:              Duration(10 * time.Second),
		LoginStall:                Duration(500 * time.Millisecond),
		RegisterStall:             Duration(750 * time.Millisecond),
		RefreshCookieName:         "directus_refresh_token",
		SessionCookieName:         "directus_session_token",
		CookieSecure:              CookieSecureAuto,
		CookieSameSite:            "lax",
		PasswordResetURLAllowList: []string{},
		RegisterURLAllowList:      []string{},
		RedirectAllowList:         []string{},
		PublicRegistration:        true,
	}}
}

// DirectusPublicURL returns the Directus surface's public base URL
// without a trailing slash: surfaces.directus.public_url, or else app.url
// followed by the mount.
func (c Config) DirectusPublicURL() string {
	d := c.Surfaces.Directus
	if d.PublicURL != "" {
		return strings.TrimRight(d.PublicURL, "/")
	}
	base := strings.TrimRight(c.App.URL, "/")
	if d.Mount == "/" {
		return base
	}
	return base + d.Mount
}

// DirectusCookieSecure reports whether the Directus cookies are marked
// Secure: as configured, or with auto, when the public URL is https, so a
// cookie never travels in clear text to an https deployment.
func (c Config) DirectusCookieSecure() bool {
	switch normalSwitch(c.Surfaces.Directus.CookieSecure) {
	case CookieSecureTrue:
		return true
	case CookieSecureFalse:
		return false
	}
	return strings.HasPrefix(strings.ToLower(c.DirectusPublicURL()), "https://")
}

// normalSwitch maps the spellings of an auto/on/off option to auto, true
// or false; anything else comes back as is (lowercased), for Validate to
// report.
func normalSwitch(v string) string {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "on", "true", "1", "yes":
		return CookieSecureTrue
	case "off", "false", "0", "no":
		return CookieSecureFalse
	}
	return v
}
