package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// cliWords words the core codes a command can meet, for the terminal.
// Any other code prints as itself with its parameters.
var cliWords = map[string]string{
	core.CodeNotFound:           "no such record",
	core.CodeLastSuperuser:      "the last superuser cannot be deleted",
	core.FieldRequired:          "is required",
	core.FieldIsEmail:           "must be a valid email address",
	core.FieldPasswordTooShort:  "must be at least {min} characters",
	core.FieldPasswordTooLong:   "must be less than {max} characters",
	core.FieldNotUnique:         "is already taken",
	core.FieldLengthOutOfRange:  "must be between {min} and {max} characters",
	core.CodeStoreUnavailable:   "the database cannot be reached",
	core.CodeStoreFull:          "the database's disk is full",
	core.CodeStoreBusy:          "the database is busy, try again",
	core.CodeStoreTimeout:       "the database did not answer in time",
	core.CodeHashingBusy:        "the password hasher is busy, try again",
	core.CodeHashingInterrupted: "the password check was interrupted, try again",
}

// describe turns a core error into a message for the terminal, listing
// field problems (a too-short password, a bad email) by name.
func describe(err error) error {
	var ce *core.Error
	if !errors.As(err, &ce) {
		return err
	}
	if len(ce.Fields) == 0 {
		if ce.Kind == core.KindInternal {
			return ce
		}
		msg := cliText(ce.Code, ce.Params)
		if email, ok := ce.Params["email"]; ok && ce.Code == core.CodeNotFound {
			msg = fmt.Sprintf("no superuser with email %q", email)
		}
		return errors.New(msg)
	}
	names := make([]string, 0, len(ce.Fields))
	for name := range ce.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		f := ce.Fields[n]
		parts = append(parts, fmt.Sprintf("%s: %s", n, cliText(f.Code, f.Params)))
	}
	return fmt.Errorf("invalid input: %s", strings.Join(parts, "; "))
}

// cliText words one code, or names it with its parameters.
func cliText(code string, params map[string]any) string {
	if w, ok := cliWords[code]; ok {
		return httpapi.Fill(w, params)
	}
	if len(params) == 0 {
		return code
	}
	return fmt.Sprintf("%s %v", code, params)
}
