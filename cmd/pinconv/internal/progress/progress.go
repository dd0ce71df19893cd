// Package progress shows how an upload is going: a progress bar on a
// terminal (github.com/schollz/progressbar), one plain line every few seconds
// otherwise, or nothing.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Stats is a snapshot of an upload.
type Stats struct {
	Bytes     int64 // bytes of the input read
	Total     int64 // bytes of the input in all, 0 when unknown (standard input)
	Rows      int
	Rejected  int
	Sent      int
	Processed int
	Failed    int
	Unknown   int
}

// Reporter receives snapshots. Its methods are called from one goroutine at
// a time.
type Reporter interface {
	// Update shows a snapshot.
	Update(Stats)
	// Clear removes what Update drew, before other output is written.
	Clear()
	// Finish shows the last snapshot and leaves the line for the summary.
	Finish(Stats)
}

// None shows nothing.
type None struct{}

// Update does nothing.
func (None) Update(Stats) {}

// Clear does nothing.
func (None) Clear() {}

// Finish does nothing.
func (None) Finish(Stats) {}

// rate measures rows per second over the run.
type rate struct {
	start time.Time
	now   func() time.Time
}

func (r rate) perSecond(rows int) float64 {
	d := r.now().Sub(r.start).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(rows) / d
}

// Lines writes one plain line every interval, for logs and pipes.
type Lines struct {
	w        io.Writer
	interval time.Duration
	r        rate
	last     time.Time
}

// NewLines returns a Lines reporter that writes to w at most once per
// interval.
func NewLines(w io.Writer, interval time.Duration, now func() time.Time) *Lines {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &Lines{w: w, interval: interval, r: rate{start: t, now: now}, last: t}
}

// Update writes a line when interval has passed since the last one.
func (l *Lines) Update(s Stats) {
	if t := l.r.now(); t.Sub(l.last) >= l.interval {
		l.last = t
		fmt.Fprintln(l.w, Line(s, l.r.perSecond(s.Rows)))
	}
}

// Clear does nothing: lines are never redrawn.
func (l *Lines) Clear() {}

// Finish writes nothing more: the summary follows.
func (l *Lines) Finish(Stats) {}

// Line formats a snapshot as one line.
func Line(s Stats, rowsPerSec float64) string {
	pct := ""
	if s.Total > 0 {
		pct = fmt.Sprintf(" (%.0f%%)", 100*float64(min(s.Bytes, s.Total))/float64(s.Total))
	}
	return fmt.Sprintf("pinconv: %d rows read%s, %d sent, %d processed, %d failed, %d unknown, %d rejected, %.0f rows/s",
		s.Rows, pct, s.Sent, s.Processed, s.Failed, s.Unknown, s.Rejected, rowsPerSec)
}

// Bar draws a progress bar on a terminal. The bar is the share of the file
// whose rows have a result (the bytes read, scaled by the share of the rows
// read that are done), so that it fills as rows are sent, not as fast as they
// are read, and its ETA, from the file size, says when sending will end.
type Bar struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int64
	r     rate
}

// NewBar returns a bar on w (a terminal) of width columns (0 when unknown) for
// an input of total bytes (0 when unknown, as for standard input: a spinner
// then).
func NewBar(w io.Writer, total int64, width int) *Bar {
	max := total
	if max <= 0 {
		max = -1
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionSetWidth(20),
	}
	if width >= 100 {
		opts = append(opts, progressbar.OptionSetWidth(30))
	}
	return &Bar{w: w, bar: progressbar.NewOptions64(max, opts...), total: total, r: rate{start: time.Now(), now: time.Now}}
}

func (b *Bar) position(s Stats) int64 {
	done := s.Processed + s.Failed + s.Unknown + s.Rejected
	if b.total <= 0 {
		return int64(done)
	}
	if s.Rows == 0 {
		return 0
	}
	pos := int64(float64(min(s.Bytes, b.total)) * float64(done) / float64(s.Rows))
	return min(pos, b.total-1) // full only in Finish
}

// Update moves the bar and rewrites the counts.
func (b *Bar) Update(s Stats) {
	// Position first, then the text: each redraws (the caller throttles), so
	// the second shows both up to date.
	b.bar.Set64(b.position(s))
	b.bar.Describe(Short(s, b.r.perSecond(s.Processed+s.Failed+s.Unknown)))
}

// Short formats a snapshot for the end of the bar's line.
func Short(s Stats, sentPerSec float64) string {
	return fmt.Sprintf("%d read, %d sent, %d failed, %d rejected, %.0f rows/s", s.Rows, s.Processed+s.Failed+s.Unknown, s.Failed+s.Unknown, s.Rejected, sentPerSec)
}

// Clear erases the bar's line.
func (b *Bar) Clear() { b.bar.Clear() }

// Finish draws the final state and ends the line.
func (b *Bar) Finish(s Stats) {
	b.bar.Describe(Short(s, b.r.perSecond(s.Processed+s.Failed+s.Unknown)))
	if b.total > 0 && s.Bytes >= b.total {
		b.bar.Finish()
	}
	b.bar.Exit()
	fmt.Fprintln(b.w)
}
