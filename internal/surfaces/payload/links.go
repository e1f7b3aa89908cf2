package payload

// Mailed links, as Payload builds them: on ServerURL and the admin
// route. {TOKEN} is core's placeholder for the mail's token.

// resetLink is where a password reset mail points.
func (s *server) resetLink() string {
	return s.opt.ServerURL + s.adminRoute() + "/reset/{TOKEN}"
}

// verifyLink is where a verification mail for sl points.
func (s *server) verifyLink(sl slug) string {
	return s.opt.ServerURL + s.adminRoute() + "/" + sl.name + "/verify/{TOKEN}"
}

// adminRoute is AdminRoute without a lone "/", so links never hold "//".
func (s *server) adminRoute() string {
	if s.opt.AdminRoute == "/" {
		return ""
	}
	return s.opt.AdminRoute
}
