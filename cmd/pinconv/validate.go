package main

import (
	"fmt"
	"sort"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// validate reads, maps, normalizes and checks every row, and sends nothing.
func (a *app) validate(o *options) int {
	start := a.clock()
	rj, err := openRejects(o.rejects)
	if err != nil {
		return fatalf(a.stderr, "--rejects: %v", err)
	}
	s := &summary{}
	dropped := dropCounter{}
	evbuf, err := reuseBuffer(o)
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	q := pinterest.NewQualityMeter()
	events := 0
	err = a.scan(o, func(src *source) error {
		a.describe(a.stdout, src, true)
		return nil
	}, func(src *source, rec *input.Record) bool {
		src.conv.UseBuffer(evbuf)
		defer evbuf.Reset() // the row's event is used up when fn returns
		res := src.conv.Convert(rec)
		s.Rows++
		if res.Reject != nil {
			rejectRow(s, rj, nil, src, rec, res)
			return true
		}
		// Observe checks the event as Send would: a failure there is a
		// rejection too, with the SDK's reason.
		if err := q.Observe(res.Event); err != nil {
			res.Reject = &convert.Problem{Field: failedField(err), Reason: errText(err)}
			rejectRow(s, rj, nil, src, rec, res)
			return true
		}
		noteDropped(dropped, rj, src, rec, res)
		events++
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
	fmt.Fprintln(a.stdout, "match quality of the events that would be sent:")
	fmt.Fprintln(a.stdout, q.Report())
	fmt.Fprintf(a.stdout, "%d rows: %d would be sent, %d rejected\n", s.Rows, events, s.Rejected)
	if len(dropped) > 0 {
		fmt.Fprintln(a.stdout, "values dropped from rows that were kept:")
		keys := make([]string, 0, len(dropped))
		for k := range dropped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(a.stdout, "  %6d  %s\n", dropped[k], k)
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
