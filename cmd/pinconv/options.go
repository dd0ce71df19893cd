package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// options are the parsed command line.
type options struct {
	cmd   string
	files []string

	adAccount     string
	tokenFile     string
	format        input.Format
	delimiter     rune
	maps          map[string]columns.Target
	conv          convert.Config
	rejects       string
	checkpoint    string
	resendUnknown bool
	maxReject     float64 // fraction of rows; 1 disables
	test          bool
	progress      string
	quiet         bool
	summary       string
	baseURL       string
	staleOut      string
	grace         time.Duration
	rate          int
	senders       int

	finish func() error // checks the flag values once parsed
}

// usageError is a mistake on the command line: exit code 2 with a hint.
type usageError struct{ msg string }

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type mapFlag map[string]columns.Target

// String is for the flag package: the default is no mapping.
func (m mapFlag) String() string { return "" }

// Set adds one COLUMN=FIELD mapping.
func (m mapFlag) Set(v string) error {
	col, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(col) == "" {
		return errors.New("want COLUMN=FIELD, e.g. \"Order Total=value\"")
	}
	t, ok := columns.ParseTarget(field)
	if !ok {
		return fmt.Errorf("unknown field %q: want one of %s, or - to ignore the column", strings.TrimSpace(field), targetList())
	}
	m[strings.TrimSpace(col)] = t
	return nil
}

func targetList() string {
	var s []string
	for _, t := range columns.Targets() {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

type rateFlag struct{ v *float64 }

// String shows the rate as a percentage.
func (r rateFlag) String() string {
	if r.v == nil {
		return ""
	}
	return strconv.FormatFloat(*r.v*100, 'f', -1, 64) + "%"
}

// Set reads "10%", "10" (percent) or "0.1" (a fraction).
func (r rateFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || f < 0 {
		return errors.New("want a percentage such as 10%")
	}
	if !pct && f <= 1 && strings.Contains(s, ".") { // 0.1 is a fraction
		f *= 100
	}
	if f > 100 {
		return errors.New("want a percentage from 0% to 100%")
	}
	*r.v = f / 100
	return nil
}

// tokenFlag refuses a token on the command line, where ps and the shell
// history would show it.
type tokenFlag struct{}

// String is for the flag package: no default.
func (tokenFlag) String() string { return "" }

// Set refuses every value.
func (tokenFlag) Set(string) error {
	return errors.New("the token is never taken as a flag value (ps and shell history would show it): set PINTEREST_TOKEN or use --token-file PATH")
}

func newFlagSet(cmd string, o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("pinconv "+cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	o.maps = map[string]columns.Target{}
	o.maxReject = 0.10
	var format, delim, event, source, tz, dateOrder string
	fs.StringVar(&o.adAccount, "ad-account", "", "ad account id (default $PINTEREST_AD_ACCOUNT_ID)")
	fs.StringVar(&o.tokenFile, "token-file", "", "read the token from this file (default $PINTEREST_TOKEN)")
	fs.Var(tokenFlag{}, "token", "refused: the token comes only from $PINTEREST_TOKEN or --token-file")
	fs.StringVar(&format, "format", "", "csv, tsv or jsonl (default from the extension, then the content)")
	fs.StringVar(&delim, "delimiter", "", "CSV delimiter (default detected among , ; tab |); \\t for tab")
	fs.Var(mapFlag(o.maps), "map", "COLUMN=FIELD: what a column holds (repeatable); FIELD - ignores it")
	fs.StringVar(&event, "event", "checkout", "event name of rows without one")
	fs.StringVar(&source, "source", "offline", "action source of rows without one")
	fs.StringVar(&o.conv.Currency, "currency", "", "currency of rows with a value and no currency, e.g. USD")
	fs.StringVar(&o.conv.PhoneCountryCode, "phone-country-code", "", "country calling code of national phone numbers, e.g. 1 or 44")
	fs.StringVar(&tz, "time-zone", "UTC", "time zone of times without an offset, e.g. America/New_York")
	fs.StringVar(&dateOrder, "date-order", "mdy", "order of numeric dates: mdy (08/14/2012), dmy or ymd")
	fs.StringVar(&o.rejects, "rejects", "", "write rejected, failed and unknown rows (row, field, reason; never values) to this CSV file")
	if cmd == "send" {
		fs.StringVar(&o.checkpoint, "checkpoint", "", "record final rows here and resume from it")
		fs.BoolVar(&o.resendUnknown, "resend-unknown", false, "on resume, send again rows whose outcome is unknown (may count them twice)")
		fs.BoolVar(&o.test, "test", false, "send with test=true: Pinterest validates but records nothing")
		fs.StringVar(&o.baseURL, "base-url", "", "send to this server instead of https://api.pinterest.com (a proxy, the fake server)")
		fs.StringVar(&o.staleOut, "stale-out", "", "write rows older than 7 days to this Ads Manager upload file (SHA-256 hashed)")
		fs.DurationVar(&o.grace, "grace", 30*time.Second, "on Ctrl-C, how long requests in flight may take to finish")
		fs.IntVar(&o.rate, "rate", pinterest.DefaultCallsPerMinute, "requests per minute at most")
		fs.IntVar(&o.senders, "senders", pinterest.DefaultSenders, "requests in flight at once")
		fs.StringVar(&o.summary, "summary", "", "write the final counts as JSON to this file")
		fs.StringVar(&o.progress, "progress", "auto", "auto, bar, lines or none")
		fs.BoolVar(&o.quiet, "quiet", false, "no progress and no notes (the final summary is still printed)")
	}
	if cmd == "send" || cmd == "validate" {
		fs.Var(rateFlag{&o.maxReject}, "max-reject-rate", "stop (exit 2) when more rows than this are rejected, checked from the 1,000th row on")
	}
	if cmd == "validate" {
		fs.StringVar(&o.summary, "summary", "", "write the final counts as JSON to this file")
		fs.BoolVar(&o.quiet, "quiet", false, "no notes")
	}
	if cmd == "hash" {
		fs.StringVar(&o.staleOut, "stale-out", "", "write rows older than 7 days to this Ads Manager upload file (SHA-256 hashed)")
	}
	o.finish = func() error {
		var err error
		if o.format, err = input.ParseFormat(format); err != nil {
			return usagef("--format: %v", err)
		}
		switch delim {
		case "":
		case `\t`, "tab", "\t":
			o.delimiter = '\t'
		default:
			r, n := utf8.DecodeRuneInString(delim)
			if n != len(delim) || r == '"' || r == '\n' || r == '\r' {
				return usagef("--delimiter: want one character such as , ; | or \\t")
			}
			o.delimiter = r
		}
		n, ok := pinterest.ParseEventName(event)
		if !ok {
			return usagef("--event: unknown event name %q", event)
		}
		o.conv.Event = n
		s, ok := pinterest.ParseActionSource(source)
		if !ok {
			return usagef("--source: want offline, web, app_android or app_ios")
		}
		o.conv.Source = s
		if o.conv.Location, err = time.LoadLocation(tz); err != nil {
			return usagef("--time-zone: unknown time zone %q", tz)
		}
		if o.conv.DateOrder, err = convert.ParseDateOrder(dateOrder); err != nil {
			return usagef("%v", err)
		}
		if c := o.conv.Currency; c != "" && (len(c) != 3 || strings.Trim(strings.ToUpper(c), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
			return usagef("--currency: want a 3-letter code such as USD")
		}
		if o.conv.PhoneCountryCode != "" {
			if _, err := pinterest.NormalizePhone("6505550100", o.conv.PhoneCountryCode); err != nil {
				return usagef("--phone-country-code: want a country calling code such as 1 or 44")
			}
		}
		switch o.progress {
		case "", "auto", "bar", "lines", "none":
		default:
			return usagef("--progress: want auto, bar, lines or none")
		}
		if cmd == "send" && (o.rate < 1 || o.senders < 1) {
			return usagef("--rate and --senders must be positive")
		}
		return nil
	}
	return fs
}

// parseArgs parses "CMD [flags] FILE..." with flags before or after the files.
func parseArgs(args []string, stderr io.Writer) (*options, error) {
	if len(args) == 0 {
		return nil, usagef("no command: want send, validate or hash (pinconv --help)")
	}
	o := &options{cmd: args[0]}
	switch o.cmd {
	case "send", "validate", "hash":
	case "-h", "-help", "--help", "help":
		return nil, flag.ErrHelp
	default:
		return nil, usagef("unknown command %q: want send, validate or hash (pinconv --help)", o.cmd)
	}
	fs := newFlagSet(o.cmd, o, stderr)
	fs.Usage = func() {}
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			o.files = append(o.files, rest[1:]...)
			break
		}
		o.files = append(o.files, rest[0])
		rest = rest[1:]
	}
	if err := o.finish(); err != nil {
		return nil, err
	}
	if len(o.files) == 0 {
		return nil, usagef("pinconv %s: no FILE (use - for standard input)", o.cmd)
	}
	if o.cmd == "hash" && len(o.files) > 1 {
		return nil, usagef("pinconv hash takes one FILE")
	}
	stdin := 0
	for _, f := range o.files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, usagef("standard input (-) can be read once")
	}
	if o.checkpoint != "" && stdin > 0 {
		return nil, usagef("--checkpoint needs files: standard input cannot be read again to resume")
	}
	return o, nil
}

// credentials completes the ad account and reads the token, for send.
func (o *options) credentials(getenv func(string) string) (token string, err error) {
	if o.adAccount == "" {
		o.adAccount = getenv("PINTEREST_AD_ACCOUNT_ID")
	}
	if o.adAccount == "" {
		return "", usagef("no ad account: use --ad-account ID or set PINTEREST_AD_ACCOUNT_ID")
	}
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return "", usagef("--token-file: %v", err)
		}
		token = strings.TrimSpace(string(b))
	} else {
		token = strings.TrimSpace(getenv("PINTEREST_TOKEN"))
	}
	if token == "" {
		return "", usagef("no token: set PINTEREST_TOKEN or use --token-file PATH")
	}
	return token, nil
}
