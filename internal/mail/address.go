package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
)

// Address is a mailbox: an optional display name and an email address.
type Address struct {
	Name  string
	Email string
}

// ParseFrom parses a configured sender such as
// `Gatehouse <no-reply@localhost>` or `no-reply@example.com`.
func ParseFrom(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}, errors.New("mail: sender address is empty")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return Address{}, fmt.Errorf("mail: invalid sender address %q: %v", s, err)
	}
	return Address{Name: a.Name, Email: a.Address}, nil
}

// String formats the address for a header, quoting or encoding the name
// as needed.
func (a Address) String() string {
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

// domain returns the part after the last @, used to build Message-IDs.
func (a Address) domain() string {
	if i := strings.LastIndexByte(a.Email, '@'); i >= 0 && i < len(a.Email)-1 {
		return a.Email[i+1:]
	}
	return "localhost"
}
