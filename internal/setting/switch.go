package setting

import "strings"

// Switch is a setting that is on, off, or left to the program ("auto"),
// such as a surface's cookie_secure. On and off are written true/false,
// on/off, yes/no or 1/0, in any case; Normal spells them true and false.
type Switch string

// The values of a Switch, as Normal spells them.
const (
	Auto Switch = "auto"
	On   Switch = "true"
	Off  Switch = "false"
)

// Normal returns s as auto, true or false, or lowercased and trimmed
// when it is none of them (for Valid to refuse and a message to quote).
func (s Switch) Normal() Switch {
	switch v := strings.ToLower(strings.TrimSpace(string(s))); v {
	case "on", "true", "1", "yes":
		return On
	case "off", "false", "0", "no":
		return Off
	default:
		return Switch(v)
	}
}

// Valid reports whether s is auto, on or off in one of its spellings.
func (s Switch) Valid() bool {
	switch s.Normal() {
	case Auto, On, Off:
		return true
	}
	return false
}

// Resolve returns whether the switch is on, with auto meaning auto. An
// invalid value counts as auto; Valid tells it apart.
func (s Switch) Resolve(auto bool) bool {
	switch s.Normal() {
	case On:
		return true
	case Off:
		return false
	}
	return auto
}
