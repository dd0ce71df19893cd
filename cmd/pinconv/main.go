// Command pinconv uploads offline conversions (store purchases, CRM leads)
// from the CSV, TSV and JSON Lines files shops already have to the Pinterest
// API for Conversions, with this module's normalizers, hashing, batching, rate
// limiter and retries.
//
//	pinconv send     [flags] FILE...   upload (FILE "-" reads standard input)
//	pinconv validate [flags] FILE...   check every row and print the match-quality report; send nothing
//	pinconv hash     [flags] FILE      print the hashed wire events as JSON Lines (what send would send)
//
// Install it with
//
//	go install github.com/capisdk/pinterest/cmd/pinconv@latest
//
// and run "pinconv --help" for the flags, the column names recognized and the
// exit codes.
package main

import (
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // --time-zone works on systems without a time zone database

	"golang.org/x/term"
)

func main() {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	a := &app{
		stdin:      os.Stdin,
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		getenv:     os.Getenv,
		signals:    sig,
		isTerminal: func() bool { return term.IsTerminal(int(os.Stderr.Fd())) },
		termWidth: func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil {
				return 0
			}
			return w
		},
	}
	os.Exit(a.main(os.Args[1:]))
}
