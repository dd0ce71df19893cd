package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
)

const helpHead = `pinconv uploads offline conversions to the Pinterest API for Conversions.

Usage:
  pinconv send     [flags] FILE...   upload (FILE "-" reads standard input)
  pinconv validate [flags] FILE...   read, map, normalize and check every row; print the
                                     match-quality report; write rejects; send nothing
  pinconv hash     [flags] FILE      print the hashed wire events as JSON Lines (what send would send)

The token comes from $PINTEREST_TOKEN or --token-file, never from a flag; the ad
account from --ad-account or $PINTEREST_AD_ACCOUNT_ID. Files are CSV (delimiter
, ; tab or | detected), TSV or JSON Lines, UTF-8 (a byte order mark is skipped;
UTF-16 with a byte order mark is decoded). Flags may come before or after FILE.
`

const helpTail = `
Rows:
  Each row becomes one event. Personal data is normalized and SHA-256 hashed by the
  SDK; values already hashed with SHA-256 (64 hex digits) are sent as they are. MD5
  and SHA-1 hashes, which Ads Manager's upload takes, cannot be sent to this API and
  are dropped. A row needs an e-mail, a mobile ad id, or an IP address with a user
  agent, and an event time; rows without them, with a bad time or value, with the
  wrong number of fields, bad quoting or bytes that are not UTF-8 are rejected (the
  rejects file gives the row, the field and the reason, never the value) and the
  other rows go on. Values dropped from a row that is still sent (a phone number of
  3 digits...) are counted in the summary and listed in the rejects file.

Times:
  Unix seconds or milliseconds, RFC 3339 (2019-08-14T12:32:42Z, +07:00 or +0700),
  2006-01-02 15:04:05, 20190814, and numeric dates in --date-order: 08/14/2012,
  08/14/2012 5:01:54 PM, 14.08.2012 17:01 (dmy). Times without an offset are in
  --time-zone. Rows older than 7 days cannot go through the API: they are rejected,
  and with --stale-out written as an Ads Manager upload file (SHA-256 hashed e-mails
  and mobile ad ids), which takes events up to 30 days old.

Event ids:
  A row without an event id column gets a stable id, so that uploading the same file
  again sends the same ids: the first 32 hex digits of the SHA-256 of the ad account,
  the event name, the event time in Unix seconds and the order id, or, without an
  order id, every value of the row (see pinterest.DeriveEventID). Identical rows get
  identical ids.

Resuming:
  With --checkpoint FILE, rows are recorded as they become final. Run the same
  command again to resume: processed rows are not sent again, and neither are rows
  whose request may have reached Pinterest (outcome unknown; Pinterest does not
  de-duplicate offline events) unless --resend-unknown is given. Ctrl-C stops
  reading, lets requests in flight finish (--grace), writes the checkpoint and the
  summary and exits 130; a second Ctrl-C stops at once.

Exit codes:
  0 every row processed; 1 some rows rejected, failed or of unknown outcome;
  2 usage or fatal error, or more rows rejected than --max-reject-rate; 130 interrupted.
`

// writeHelp prints the help: the general part, the flags of the command
// named in args (send by default), and the names recognized.
func writeHelp(w io.Writer, args []string) {
	cmd := "send"
	if len(args) > 0 && (args[0] == "validate" || args[0] == "hash") {
		cmd = args[0]
	}
	fmt.Fprint(w, helpHead)
	fmt.Fprintf(w, "\nFlags of %s:\n", cmd)
	var o options
	fs := newFlagSet(cmd, &o, w)
	fs.PrintDefaults()
	fmt.Fprint(w, helpTail)
	writeNames(w)
}

// writeNames lists the column names, event names and sources recognized.
func writeNames(w io.Writer) {
	fmt.Fprintln(w, "\nColumns recognized (case, spaces, -, _ and . do not matter; a number after an")
	fmt.Fprintln(w, "e-mail, phone or other user column, as in email_2, adds a value to the same event):")
	for _, t := range columns.Targets() {
		fmt.Fprintf(w, "  %-18s %s\n", t, wrap(strings.Join(columns.Spellings(t), ", "), 58, 21))
	}
	fmt.Fprintln(w, "  Map other columns with --map COLUMN=FIELD, or ignore one with --map COLUMN=-.")

	fmt.Fprintln(w, "\nEvent names (column event_name / event_type, or --event):")
	byName := map[pinterest.EventName][]string{}
	for alias, n := range pinterest.EventNameAliases() {
		byName[n] = append(byName[n], alias)
	}
	for _, n := range pinterest.EventNames() {
		as := byName[n]
		sort.Strings(as)
		fmt.Fprintf(w, "  %-18s %s\n", n, wrap(strings.Join(as, ", "), 58, 21))
	}
	fmt.Fprintln(w, "\nAction sources (column action_source / source_type, or --source):")
	bySrc := map[pinterest.ActionSource][]string{}
	for alias, s := range pinterest.ActionSourceAliases() {
		bySrc[s] = append(bySrc[s], alias)
	}
	for _, s := range []pinterest.ActionSource{pinterest.SourceOffline, pinterest.SourceWeb, pinterest.SourceAppAndroid, pinterest.SourceAppIOS} {
		as := bySrc[s]
		sort.Strings(as)
		fmt.Fprintf(w, "  %-18s %s\n", s, wrap(strings.Join(as, ", "), 58, 21))
	}
}

// wrap breaks s into lines of at most width, indenting the continuation lines.
func wrap(s string, width, indent int) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(s, " ") {
		if i > 0 && line+1+len(word) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
