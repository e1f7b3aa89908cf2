package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// systemSchema is the part of Directus's system GraphQL schema that
// Gatehouse serves: the auth mutations, with Directus's names, argument
// types and result types. GraphQL needs a query root; Directus's
// system schema has server_ping, which answers "pong".
const systemSchema = `
schema {
  query: Query
  mutation: Mutation
}

"Directus's integer that may exceed 32 bits (a token lifetime in milliseconds)."
scalar GraphQLBigInt

"How a client holds its tokens, as with REST's mode."
enum auth_mode {
  json
  cookie
  session
}

type auth_tokens {
  access_token: String
  expires: GraphQLBigInt
  refresh_token: String
}

type users_me_tfa_generate_data {
  secret: String
  otpauth_url: String
}

type Query {
  server_ping: String
}

type Mutation {
  auth_login(email: String!, password: String!, mode: auth_mode, otp: String): auth_tokens
  auth_refresh(refresh_token: String, mode: auth_mode): auth_tokens
  auth_logout(refresh_token: String, mode: auth_mode): Boolean
  auth_password_request(email: String!, reset_url: String): Boolean
  auth_password_reset(token: String!, password: String!): Boolean
  users_me_tfa_generate(password: String!): users_me_tfa_generate_data
  users_me_tfa_enable(otp: String!, secret: String!): Boolean
  users_me_tfa_disable(otp: String!): Boolean
  users_register(email: String!, password: String!, verification_url: String, first_name: String, last_name: String): Boolean
  users_register_verify(token: String!): Boolean
}
`

// costlyMutations check or hash a password, or wait out a timing floor
// (LoginStall, RegisterStall): a request may run only a few of them
// however many aliases or operations it holds (gql.Limits.MaxCostly).
var costlyMutations = []string{
	"mutation.auth_login",
	"mutation.auth_password_request",
	"mutation.auth_password_reset",
	"mutation.users_me_tfa_generate",
	"mutation.users_register",
}

// graphqlLimits are the layer's defaults (Options.GraphQL's), without
// batches: Directus reads one {query, variables, operationName} object
// per request.
func graphqlLimits() gql.Limits {
	l := gql.DefaultLimits()
	l.MaxBatch = 0
	return l
}

// graphqlLimits are the configured limits, without batches.
func (s *server) graphqlLimits() gql.Limits {
	l := s.opt.GraphQL
	l.MaxBatch = 0
	return l
}

// systemGraphQL returns the /graphql/system endpoint: the shared layer
// over the system resolvers, with Directus's error shapes.
func (s *server) systemGraphQL() (http.Handler, error) {
	return gql.New(gql.Config{
		Schema:       systemSchema,
		Resolver:     &systemResolver{s: s},
		Costly:       costlyMutations,
		Limits:       s.graphqlLimits(),
		Errors:       graphqlMapper{s: s},
		Log:          s.log,
		MaxBodyBytes: s.bodyLimit,
	})
}
