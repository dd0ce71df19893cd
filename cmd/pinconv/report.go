package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
)

// Outcomes of a row in the rejects file and the summary.
const (
	outRejected = "rejected" // could not become an event; not sent
	outFailed   = "failed"   // sent (or about to be), certainly not processed
	outUnknown  = "unknown"  // its request may have reached Pinterest
	outDropped  = "dropped"  // a value was left out; the row was still sent
)

// rejects writes the rows that did not go through, and the values dropped
// from rows that did, as CSV: file, row, line, outcome, field, reason. It never
// writes a value. It is safe for concurrent use; a nil *rejects writes nothing.
type rejects struct {
	mu  sync.Mutex
	f   *os.File
	buf *bufio.Writer
	w   *csv.Writer
	err error
}

func openRejects(path string) (*rejects, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	r := &rejects{f: f, buf: bufio.NewWriter(f)}
	r.w = csv.NewWriter(r.buf)
	r.err = r.w.Write([]string{"file", "row", "line", "outcome", "field", "reason"})
	return r, nil
}

func (r *rejects) add(file string, row, line int, outcome, field, reason string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = r.w.Write([]string{file, strconv.Itoa(row), strconv.Itoa(line), outcome, field, reason})
	}
}

func (r *rejects) close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Flush()
	if r.err == nil {
		r.err = r.w.Error()
	}
	if err := r.buf.Flush(); r.err == nil {
		r.err = err
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	return r.err
}

// summary is the final account of a run: rows = processed + rejected +
// failed + unknown.
type summary struct {
	Rows      int     `json:"rows"`      // rows read
	Rejected  int     `json:"rejected"`  // could not become events (stale rows included)
	Sent      int     `json:"sent"`      // handed to the sender in this run
	Processed int     `json:"processed"` // processed by Pinterest (in this run or, with a checkpoint, before)
	Failed    int     `json:"failed"`    // certainly not processed
	Unknown   int     `json:"unknown"`   // may have been processed
	Seconds   float64 `json:"seconds"`

	Resumed     int            `json:"resumed,omitempty"`        // rows final in the checkpoint, not sent again
	Stale       int            `json:"stale,omitempty"`          // rejected as older than 7 days
	StaleOut    int            `json:"stale_out,omitempty"`      // written to --stale-out
	Dropped     map[string]int `json:"dropped_values,omitempty"` // "field: reason" -> values dropped from rows still sent
	Test        bool           `json:"test,omitempty"`
	Interrupted bool           `json:"interrupted,omitempty"`
	Stopped     string         `json:"stopped,omitempty"` // why the run stopped before the end
}

// dropCounter counts dropped values by field and reason.
type dropCounter map[string]int

func (d dropCounter) add(ps []convert.Problem) {
	for _, p := range ps {
		d[p.Field+": "+p.Reason]++
	}
}

func (s *summary) exitCode() int {
	switch {
	case s.Interrupted:
		return exitInterrupted
	case s.Stopped != "":
		return exitFatal
	case s.Rejected+s.Failed+s.Unknown > 0:
		return exitSomeFailed
	}
	return exitOK
}

// print writes the human summary.
func (s *summary) print(w io.Writer, verb string) {
	fmt.Fprintf(w, "pinconv: %d rows: %d %s, %d rejected, %d failed, %d unknown", s.Rows, s.Processed, verb, s.Rejected, s.Failed, s.Unknown)
	if s.Resumed > 0 {
		fmt.Fprintf(w, " (%d final before this run)", s.Resumed)
	}
	fmt.Fprintf(w, " in %s", time.Duration(s.Seconds*float64(time.Second)).Round(time.Millisecond))
	if s.Test {
		fmt.Fprint(w, " [test mode: nothing recorded]")
	}
	fmt.Fprintln(w)
	if s.Stale > 0 {
		fmt.Fprintf(w, "pinconv: %s older than 7 days", plural(s.Stale, "row is", "rows are"))
		if s.StaleOut > 0 {
			fmt.Fprintf(w, "; %d written for Ads Manager's upload", s.StaleOut)
		} else {
			fmt.Fprint(w, " (write them for Ads Manager's upload with --stale-out FILE)")
		}
		fmt.Fprintln(w)
	}
	if len(s.Dropped) > 0 {
		keys := make([]string, 0, len(s.Dropped))
		for k := range s.Dropped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintln(w, "pinconv: values dropped from rows that were still kept:")
		for _, k := range keys {
			fmt.Fprintf(w, "  %6d  %s\n", s.Dropped[k], k)
		}
	}
	if s.Unknown > 0 {
		fmt.Fprintln(w, "pinconv: rows of unknown outcome may have reached Pinterest; offline events are not de-duplicated, so they are not sent again unless you resume with --resend-unknown")
	}
	if s.Stopped != "" {
		fmt.Fprintln(w, "pinconv: stopped:", s.Stopped)
	}
}

func writeSummary(path string, s *summary) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
