package main

import (
	"fmt"
	"io"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// quality counts, over the events a file gives, how many carry each field
// Pinterest matches on.
type quality struct {
	events int
	fields map[pinterest.Field]int
	custom map[string]int
}

var qualityFields = []pinterest.Field{
	pinterest.FieldEmail, pinterest.FieldPhone, pinterest.FieldMobileAdID, pinterest.FieldExternalID,
	pinterest.FieldFirstName, pinterest.FieldLastName, pinterest.FieldZip, pinterest.FieldCity,
	pinterest.FieldState, pinterest.FieldCountry, pinterest.FieldDateOfBirth, pinterest.FieldGender,
	pinterest.FieldClientIP, pinterest.FieldUserAgent, pinterest.FieldClickID,
}

func newQuality() *quality {
	return &quality{fields: map[pinterest.Field]int{}, custom: map[string]int{}}
}

func (q *quality) observe(ev *pinterest.Event) {
	q.events++
	u := ev.UserData()
	for _, f := range qualityFields {
		if u.Count(f) > 0 {
			q.fields[f]++
		}
	}
}

func (q *quality) print(w io.Writer) {
	fmt.Fprintf(w, "match quality over %d events (share of events carrying each field):\n", q.events)
	if q.events == 0 {
		return
	}
	for _, f := range qualityFields {
		n := q.fields[f]
		fmt.Fprintf(w, "  %-18s %6.1f%%  (%d)\n", f, 100*float64(n)/float64(q.events), n)
	}
}

// validate reads, maps, normalizes and checks every row, and sends nothing.
func (a *app) validate(o *options) int {
	start := a.clock()
	rj, err := openRejects(o.rejects)
	if err != nil {
		return fatalf(a.stderr, "--rejects: %v", err)
	}
	s := &summary{}
	dropped := dropCounter{}
	q := newQuality()
	err = a.scan(o, func(src *source) error {
		a.describe(a.stdout, src, true)
		return nil
	}, func(src *source, rec *input.Record) bool {
		res := src.conv.Convert(rec)
		s.Rows++
		noteDropped(dropped, rj, src, rec, res)
		if res.Reject != nil {
			rejectRow(s, rj, nil, src, rec, res)
			return true
		}
		q.observe(res.Event)
		return true
	}, nil)
	if cerr := rj.close(); err == nil && cerr != nil {
		err = fmt.Errorf("--rejects: %v", cerr)
	}
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	s.Seconds = a.clock().Sub(start).Seconds()
	if len(dropped) > 0 {
		s.Dropped = dropped
	}
	q.print(a.stdout)
	fmt.Fprintf(a.stdout, "%d rows: %d would be sent, %d rejected\n", s.Rows, q.events, s.Rejected)
	if len(dropped) > 0 {
		fmt.Fprintln(a.stdout, "values dropped from rows that were kept:")
		for k, n := range dropped {
			fmt.Fprintf(a.stdout, "  %6d  %s\n", n, k)
		}
	}
	code := exitOK
	if s.Rejected > 0 {
		code = exitSomeFailed
	}
	if s.Rows >= rejectCheckFrom && float64(s.Rejected) > o.maxReject*float64(s.Rows) {
		s.Stopped = fmt.Sprintf("%.1f%% of rows rejected, above --max-reject-rate %.1f%%: send would stop", 100*float64(s.Rejected)/float64(s.Rows), 100*o.maxReject)
		fmt.Fprintln(a.stdout, s.Stopped)
		code = exitFatal
	}
	if err := writeSummary(o.summary, s); err != nil {
		return fatalf(a.stderr, "--summary: %v", err)
	}
	return code
}

// rejectCheckFrom is the row count from which --max-reject-rate is checked.
const rejectCheckFrom = 1000
