// Command gatehouse runs the Gatehouse authentication server and its
// operator commands (migrations, superusers).
//
// All the work happens in run, which receives the process's arguments,
// environment and streams as parameters, so end-to-end tests start the
// real server in-process.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gatehouse:", err)
		os.Exit(1)
	}
}
