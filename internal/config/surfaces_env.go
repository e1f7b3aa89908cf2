package config

// directusEnvVars are the GATEHOUSE_DIRECTUS_* variables: the options a
// deployment sets per environment (where and whether the surface is
// mounted, its URL, lifetimes, cookies, allow lists). The stall times,
// the session grace and the cookie names are file-only.
func directusEnvVars() []envVar {
	d := func(c *Config) *DirectusConfig { return &c.Surfaces.Directus }
	const p = directusPath + "."
	return []envVar{
		{"GATEHOUSE_DIRECTUS_ENABLED", p + "enabled", boolVar(func(c *Config) *bool { return &d(c).Enabled })},
		{"GATEHOUSE_DIRECTUS_MOUNT", p + "mount", strVar(func(c *Config) *string { return &d(c).Mount })},
		{"GATEHOUSE_DIRECTUS_COLLECTION", p + "collection", strVar(func(c *Config) *string { return &d(c).Collection })},
		{"GATEHOUSE_DIRECTUS_PUBLIC_URL", p + "public_url", strVar(func(c *Config) *string { return &d(c).PublicURL })},
		{"GATEHOUSE_DIRECTUS_ACCESS_TTL", p + "access_ttl", durVar(func(c *Config) *Duration { return &d(c).AccessTTL })},
		{"GATEHOUSE_DIRECTUS_REFRESH_TTL", p + "refresh_ttl", durVar(func(c *Config) *Duration { return &d(c).RefreshTTL })},
		{"GATEHOUSE_DIRECTUS_SESSION_TTL", p + "session_ttl", durVar(func(c *Config) *Duration { return &d(c).SessionTTL })},
		{"GATEHOUSE_DIRECTUS_COOKIE_SECURE", p + "cookie_secure", strVar(func(c *Config) *string { return &d(c).CookieSecure })},
		{"GATEHOUSE_DIRECTUS_COOKIE_SAME_SITE", p + "cookie_same_site", strVar(func(c *Config) *string { return &d(c).CookieSameSite })},
		{"GATEHOUSE_DIRECTUS_COOKIE_DOMAIN", p + "cookie_domain", strVar(func(c *Config) *string { return &d(c).CookieDomain })},
		{"GATEHOUSE_DIRECTUS_PASSWORD_RESET_URL_ALLOW_LIST", p + "password_reset_url_allow_list",
			listVar(func(c *Config) *[]string { return &d(c).PasswordResetURLAllowList })},
		{"GATEHOUSE_DIRECTUS_REGISTER_URL_ALLOW_LIST", p + "register_url_allow_list",
			listVar(func(c *Config) *[]string { return &d(c).RegisterURLAllowList })},
		{"GATEHOUSE_DIRECTUS_REDIRECT_ALLOW_LIST", p + "redirect_allow_list",
			listVar(func(c *Config) *[]string { return &d(c).RedirectAllowList })},
		{"GATEHOUSE_DIRECTUS_PUBLIC_REGISTRATION", p + "public_registration",
			boolVar(func(c *Config) *bool { return &d(c).PublicRegistration })},
	}
}
