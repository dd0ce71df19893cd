package main

import (
	"bufio"
	"fmt"

	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// hash prints the wire events send would send, one JSON object per line.
func (a *app) hash(o *options) int {
	rj, err := openRejects(o.rejects)
	if err != nil {
		return fatalf(a.stderr, "--rejects: %v", err)
	}
	st, err := openStale(o.staleOut)
	if err != nil {
		return fatalf(a.stderr, "--stale-out: %v", err)
	}
	evbuf, err := reuseBuffer(o)
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	out := bufio.NewWriterSize(a.stdout, 64<<10)
	s := &summary{}
	dropped := dropCounter{}
	var buf []byte
	err = a.scan(o, func(src *source) error {
		for _, n := range src.notes {
			fmt.Fprintf(a.stderr, "pinconv: %s: %s\n", src.name, n)
		}
		return nil
	}, func(src *source, rec *input.Record) bool {
		src.conv.UseBuffer(evbuf)
		defer evbuf.Reset() // the row's event is used up when fn returns
		res := src.conv.Convert(rec)
		s.Rows++
		if res.Reject != nil {
			rejectRow(s, rj, st, src, rec, res)
			if o.rejects == "" {
				fmt.Fprintf(a.stderr, "pinconv: %s row %d: rejected: %s: %s\n", src.name, rec.Row, res.Reject.Field, res.Reject.Reason)
			}
			return true
		}
		noteDropped(dropped, rj, src, rec, res)
		buf = append(res.Event.AppendJSON(buf[:0]), '\n')
		out.Write(buf)
		s.Processed++
		return true
	}, nil)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	if cerr := rj.close(); err == nil && cerr != nil {
		err = fmt.Errorf("--rejects: %v", cerr)
	}
	if cerr := st.close(); err == nil && cerr != nil {
		err = fmt.Errorf("--stale-out: %v", cerr)
	}
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	s.StaleOut = st.count()
	if len(dropped) > 0 {
		s.Dropped = dropped
	}
	if s.Rejected > 0 || len(dropped) > 0 {
		fmt.Fprintf(a.stderr, "pinconv: %d rows: %d events written, %d rejected\n", s.Rows, s.Processed, s.Rejected)
	}
	if s.Rejected > 0 {
		return exitSomeFailed
	}
	return exitOK
}
