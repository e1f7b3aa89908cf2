package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// describe turns a core error into a message for the terminal, listing
// field problems (a too-short password, a bad email) by name.
func describe(err error) error {
	var ce *core.Error
	if !errors.As(err, &ce) {
		return err
	}
	if len(ce.Fields) == 0 {
		return ce
	}
	names := make([]string, 0, len(ce.Fields))
	for name := range ce.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s: %s", n, ce.Fields[n].Message))
	}
	return fmt.Errorf("invalid input: %s", strings.Join(parts, "; "))
}
