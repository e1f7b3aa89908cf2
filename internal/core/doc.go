// Package core is Gatehouse's domain: auth collections, users, sessions,
// tokens, one-time tokens and mail, the flows that act on them, and the
// error kinds every surface renders.
//
// Core owns every rule (who may log in, when a token is valid, what a
// password change revokes) and imports no I/O package: it reaches the
// database, the password hasher, the token signer and the mail queue only
// through the interfaces declared here (Store, Hasher, Signer). A test in
// this package fails if that ever changes.
package core
