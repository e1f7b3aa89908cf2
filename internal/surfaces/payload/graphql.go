package payload

import (
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// graphqlLimits are the configured limits, without batches: Payload's
// endpoint (graphql-http) reads one {query, variables, operationName}
// object per request and refuses an array.
func (s *server) graphqlLimits() gql.Limits {
	l := s.opt.GraphQL
	l.MaxBatch = 0
	return l
}

// graphQL returns <api>/graphql: the shared layer over one schema with
// every slug's auth operations, with Payload's error shapes.
func (s *server) graphQL() (http.Handler, error) {
	names := make([]string, len(s.slugs))
	for i, sl := range s.slugs {
		names[i] = sl.name
	}
	gn, err := namesOf(names)
	if err != nil {
		return nil, err
	}
	root, costly := s.rootResolver(gn)
	return gql.New(gql.Config{
		Schema:       s.schema(gn),
		Resolver:     root,
		Costly:       costly,
		Limits:       s.graphqlLimits(),
		Errors:       graphqlMapper{s: s},
		Log:          s.log,
		MaxBodyBytes: s.bodyLimit,
	})
}

// schema writes the SDL: per slug its user type (the fields REST shows
// that have a fixed type: id, email, name where the collection has one,
// _verified with Verify, the timestamps, the owner's sessions, and the
// auth collection's slug), the results of its operations, and its root
// fields with Payload's names; and the root Access. Timestamps are
// Strings in REST's format (Payload's DateTime scalar serialises the
// same text).
func (s *server) schema(gn []gqlNames) string {
	var types, query, mutation strings.Builder
	query.WriteString("type Query {\n  Access: Access\n")
	mutation.WriteString("type Mutation {\n")
	access := "type Access {\n  canAccessAdmin: Boolean!\n"
	for i, sl := range s.slugs {
		S, f := gn[i].singular, gn[i].formatted
		user := "type " + S + " {\n  id: String!\n  email: String!\n"
		if sl.c.HasField("name") {
			user += "  name: String\n"
		}
		if s.opt.Verify {
			user += "  _verified: Boolean\n"
		}
		user += "  createdAt: String\n  updatedAt: String\n  sessions: [" + f + "_Sessions!]\n  collection: String\n}\n"
		types.WriteString(user)
		types.WriteString("type " + f + "_Sessions {\n  id: String!\n  createdAt: String\n  expiresAt: String!\n}\n")
		types.WriteString("type " + f + "Me {\n  collection: String\n  exp: Int\n  strategy: String\n  token: String\n  user: " + S + "\n}\n")
		types.WriteString("type " + f + "LoginResult {\n  exp: Int\n  token: String\n  user: " + S + "\n}\n")
		types.WriteString("type " + f + "JWT {\n  email: String!\n  collection: String!\n}\n")
		types.WriteString("type " + f + "RefreshedUser {\n  exp: Int\n  refreshedToken: String\n  strategy: String\n  user: " + f + "JWT\n}\n")
		types.WriteString("type " + f + "ResetPassword {\n  token: String\n  user: " + S + "\n}\n")
		types.WriteString("type " + f + "Access {\n  create: AccessPermission\n  read: AccessPermission\n  update: AccessPermission\n  delete: AccessPermission\n  unlock: AccessPermission\n}\n")
		access += "  " + f + ": " + f + "Access\n"
		query.WriteString("  me" + S + ": " + f + "Me\n  initialized" + S + ": Boolean\n")
		mutation.WriteString("  login" + S + "(email: String!, password: String): " + f + "LoginResult\n")
		mutation.WriteString("  logout" + S + "(allSessions: Boolean): String\n")
		mutation.WriteString("  refreshToken" + S + ": " + f + "RefreshedUser\n")
		mutation.WriteString("  forgotPassword" + S + "(email: String!): Boolean!\n")
		mutation.WriteString("  resetPassword" + S + "(password: String, token: String): " + f + "ResetPassword\n")
		mutation.WriteString("  verifyEmail" + S + "(token: String): Boolean\n")
		if s.opt.MaxLoginAttempts > 0 {
			mutation.WriteString("  unlock" + S + "(email: String!): Boolean!\n")
		}
	}
	return "schema {\n  query: Query\n  mutation: Mutation\n}\n" +
		"\"Whether the caller may do one operation.\"\ntype AccessPermission {\n  permission: Boolean!\n}\n" +
		access + "}\n" + types.String() + query.String() + "}\n" + mutation.String() + "}\n"
}

// costlyOf lists a slug's root fields that check a password or wait out
// a timing floor: a request may run only a few of them however many
// aliases it holds (gql.Limits.MaxCostly). unlock checks no password,
// but each one is a store write on a guessed address, so it is capped
// too.
func (s *server) costlyOf(n gqlNames) []string {
	out := []string{"mutation.login" + n.singular, "mutation.forgotPassword" + n.singular, "mutation.resetPassword" + n.singular}
	if s.opt.MaxLoginAttempts > 0 {
		out = append(out, "mutation.unlock"+n.singular)
	}
	return out
}
