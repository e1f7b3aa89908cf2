package core

// MailRequest is a "mail me a link" request (password reset,
// verification) with the options a surface may set. How the address is
// looked up (letter case) is the surface's profile's.
type MailRequest struct {
	Email string
	// ActionURL, when set, replaces the mail template's link for this
	// mail; it may use {APP_URL} and {TOKEN}. Surfaces set it to their
	// own link format (Directus: "<reset_url>?token={TOKEN}") after
	// checking any client-chosen part against their allow list.
	ActionURL string
}
