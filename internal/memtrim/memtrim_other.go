//go:build !linux

package memtrim

// DropFilePages is a no-op outside Linux.
func DropFilePages() {}
