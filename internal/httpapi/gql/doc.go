// Package gql is the GraphQL-over-HTTP layer every Gatehouse surface
// with a GraphQL endpoint shares (Directus's /graphql/system, Payload's
// <api>/graphql). It knows no dialect: a surface hands it a Config (its
// schema as an SDL string, the root resolver, which root fields are
// costly, and a Mapper that words errors in the surface's format) and
// mounts the returned Handler on its routes.
//
// What the layer does for every surface, the same way:
//
//   - decodes GET (query, variables and operationName in the URL) and
//     POST application/json ({query, variables, operationName}, or an
//     array of them when the surface allows batches), refusing malformed
//     JSON, wrong types, invalid UTF-8 and oversize bodies with a 4xx;
//   - refuses a mutation sent with GET (it would dodge the CSRF checks
//     that guard unsafe methods);
//   - measures each document before anything runs, with the parser of
//     github.com/vektah/gqlparser/v2: its length, depth, aliases, fields
//     (fragments expanded) and costly root fields (a login checks a
//     password: thousands of aliases of it in one request must not mean
//     thousands of checks), and refuses one over a Limits value as a
//     GraphQL error before any resolver runs;
//   - executes it with github.com/graph-gophers/graphql-go (schema
//     string plus Go resolvers, introspection included), mutations one
//     after another as GraphQL requires;
//   - renders {"data":...,"errors":[...]} with each resolver error worded
//     by the surface's Mapper, and turns a resolver's panic into the
//     surface's internal error (logged, never shown).
//
// A resolver reaches the HTTP exchange (the request's cookies and
// caller, response headers such as Set-Cookie) through ExchangeFrom.
// The layer holds no security rule: resolvers call the same core flows,
// through the same surface helpers, as the surface's REST routes.
package gql
