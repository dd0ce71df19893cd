package main

import (
	"fmt"
	"io"

	"github.com/capisdk/pinterest"

	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// scan reads every row of every file in turn and hands it to fn, until fn
// returns false; fn converts the row with src.conv when it needs the event.
// onOpen sees each file once its header is read, onClose once it is read to
// the end. A file that cannot be opened or read is a fatal error.
func (a *app) scan(o *options, onOpen func(*source) error, fn func(src *source, rec *input.Record) bool, onClose func(*source) bool) error {
	for i := range o.files {
		src, err := a.openSource(o, i)
		if err != nil {
			return err
		}
		if onOpen != nil {
			if err := onOpen(src); err != nil {
				src.close()
				return err
			}
		}
		for {
			rec, err := src.r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				src.close()
				return fmt.Errorf("%s: %v", src.name, err)
			}
			if !fn(src, rec) {
				src.close()
				return nil
			}
		}
		src.close()
		if onClose != nil && !onClose(src) {
			return nil
		}
	}
	return nil
}

// rejectRow accounts for a row that cannot become an event: the rejects
// file, the --stale-out file for rows too old for the API, the counts.
func rejectRow(s *summary, rj *rejects, st *staleWriter, src *source, rec *input.Record, res convert.Result) {
	s.Rejected++
	reason := res.Reject.Reason
	if res.Stale {
		s.Stale++
		if st.add(res.Event) {
			reason += "; written to the --stale-out file"
		}
	}
	rj.add(src.name, rec.Row, rec.Line, outRejected, res.Reject.Field, reason)
}

// noteDropped accounts for the values dropped from a row that is kept.
func noteDropped(d dropCounter, rj *rejects, src *source, rec *input.Record, res convert.Result) {
	if len(res.Dropped) == 0 {
		return
	}
	d.add(res.Dropped)
	for _, p := range res.Dropped {
		rj.add(src.name, rec.Row, rec.Line, outDropped, p.Field, p.Reason)
	}
}

// reuseBuffer returns an EventBuffer for the commands that send nothing
// (hash, validate): they reset it after each row, so that every row is built
// in the same memory. The client behind it never sends; it only gives the
// buffer its phone default.
func reuseBuffer(o *options) (*pinterest.EventBuffer, error) {
	opts := []pinterest.Option{}
	if o.conv.PhoneCountryCode != "" {
		opts = append(opts, pinterest.WithDefaultPhoneCountryCode(o.conv.PhoneCountryCode))
	}
	c, err := pinterest.NewClient("never-sent", opts...)
	if err != nil {
		return nil, err
	}
	return c.NewEventBuffer(), nil
}
