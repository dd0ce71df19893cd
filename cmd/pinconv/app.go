package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// Exit codes.
const (
	exitOK          = 0   // every row processed
	exitSomeFailed  = 1   // some rows rejected, failed or of unknown outcome
	exitFatal       = 2   // usage or fatal error, or too many rejected rows
	exitInterrupted = 130 // Ctrl-C
)

// app is one run of the command, with its surroundings injectable for tests.
type app struct {
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	getenv     func(string) string
	signals    <-chan os.Signal
	isTerminal func() bool
	termWidth  func() int
	now        func() time.Time // nil: time.Now
}

func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

func (a *app) main(args []string) int {
	o, err := parseArgs(args, a.stderr)
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(a.stdout, args)
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(a.stderr, "pinconv:", err)
		return exitFatal
	}
	if o.adAccount == "" {
		o.adAccount = a.getenv("PINTEREST_AD_ACCOUNT_ID")
	}
	o.conv.AdAccountID = o.adAccount
	o.conv.Now = a.clock
	switch o.cmd {
	case "validate":
		return a.validate(o)
	case "hash":
		if o.adAccount == "" {
			fmt.Fprintln(a.stderr, "pinconv: no ad account (it is part of each derived event id): use --ad-account ID or set PINTEREST_AD_ACCOUNT_ID")
			return exitFatal
		}
		return a.hash(o)
	}
	return a.send(o)
}

// source is one input file being read.
type source struct {
	index   int
	name    string // as given on the command line
	size    int64  // 0 when unknown (standard input)
	r       *input.Reader
	conv    *convert.Converter
	mapping []string // "column -> field" lines, for validate
	notes   []string
	close   func() error
}

// openSource opens file i and prepares its converter. A file that cannot be
// read, or whose header cannot give events, is a fatal error.
func (a *app) openSource(o *options, i int) (*source, error) {
	name := o.files[i]
	src := &source{index: i, name: name, close: func() error { return nil }}
	var rd io.Reader
	if name == "-" {
		rd = a.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil {
			src.size = st.Size()
		}
		rd, src.close = f, f.Close
	}
	r, err := input.NewReader(rd, input.Options{Format: o.format, Name: name, Delimiter: o.delimiter})
	if err != nil {
		src.close()
		if errors.Is(err, input.ErrEmpty) {
			return nil, fmt.Errorf("%s: the file is empty (no header row)", name)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	src.r = r
	if r.Format() == input.JSONL {
		src.conv = convert.NewJSON(o.conv, columns.NewKeyMapper(o.maps))
		src.mapping = append(src.mapping, "JSON Lines: keys are recognized like column names; nested keys by their last part")
		return src, nil
	}
	m, err := columns.Map(r.Header(), o.maps)
	if err != nil {
		src.close()
		return nil, usagef("%s: %v", name, err)
	}
	for i, h := range r.Header() {
		t := m.Columns[i]
		if t == columns.Ignore {
			continue
		}
		src.mapping = append(src.mapping, fmt.Sprintf("%q -> %s", h, t))
	}
	src.notes = m.Notes
	if !m.Has(columns.EventTime) {
		src.close()
		return nil, usagef("%s: no column holds the event time (looked for event_time, timestamp, date...): map one with --map COLUMN=event_time", name)
	}
	if !m.Has(columns.Email) && !m.Has(columns.MobileAdID) && !(m.Has(columns.ClientIP) && m.Has(columns.UserAgent)) {
		src.close()
		return nil, usagef("%s: no column holds an e-mail, a mobile ad id, or an IP address with a user agent, which Pinterest requires: map one with --map COLUMN=em", name)
	}
	src.conv = convert.NewCSV(o.conv, r.Header(), m)
	return src, nil
}

// describe prints the format and the mapping of a source.
func (a *app) describe(w io.Writer, src *source, full bool) {
	r := src.r
	kind := r.Format().String()
	if r.Format() == input.CSV {
		kind += " delimited by " + delimName(r.Delimiter())
	}
	fmt.Fprintf(w, "%s: %s\n", src.name, kind)
	if full {
		for _, m := range src.mapping {
			fmt.Fprintf(w, "  %s\n", m)
		}
	}
	for _, n := range src.notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

func delimName(r rune) string {
	switch r {
	case '\t':
		return "tabs"
	case ',':
		return "commas"
	case ';':
		return "semicolons"
	case '|':
		return "pipes"
	}
	return fmt.Sprintf("%q", r)
}

// fatalf prints a fatal error and returns its exit code.
func fatalf(w io.Writer, format string, args ...any) int {
	fmt.Fprintf(w, "pinconv: "+format+"\n", args...)
	return exitFatal
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
