// Package setting holds the value types settings are written in
// (Duration, ByteSize, Switch) and Problems, the list a group of settings
// reports what is wrong with it in.
//
// It is a leaf shared by internal/config, which reads the YAML file and the
// environment, and by each surface, whose Options type declares its own
// settings with these types: the YAML key in a struct tag, the default in
// its DefaultOptions, the rules in its Validate. A surface never imports
// internal/config (only cmd/gatehouse reads the configuration), yet a value
// written "5d" in the file reaches it unchanged and a surface built from Go
// checks its options by the same rules as the file.
package setting
