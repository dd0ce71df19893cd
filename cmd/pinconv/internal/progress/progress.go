// Package progress shows how an upload is going: a progress bar on a
// terminal (github.com/schollz/progressbar), one plain line every few seconds
// otherwise, or nothing.
package progress

import (
	"fmt"
	"io"
	"sync"
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

func (None) Update(Stats) {}
func (None) Clear()       {}
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

// Bar draws a progress bar over the input's bytes (so that its ETA follows
// the file size), with the row counts beside it.
type Bar struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
	r   rate
}

// NewBar returns a bar on w (a terminal) for an input of total bytes (0 when
// unknown: a spinner then).
func NewBar(w io.Writer, total int64, width int) *Bar {
	max := total
	if max <= 0 {
		max = -1
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionUseANSICodes(true),
	}
	if width > 0 {
		opts = append(opts, progressbar.OptionSetWidth(max2(10, min(40, width/4))))
	}
	return &Bar{bar: progressbar.NewOptions64(max, opts...), r: rate{start: time.Now(), now: time.Now}}
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Update moves the bar and rewrites the counts.
func (b *Bar) Update(s Stats) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Describe(fmt.Sprintf("%d read, %d sent, %d failed, %d rejected, %.0f rows/s",
		s.Rows, s.Sent, s.Failed+s.Unknown, s.Rejected, b.r.perSecond(s.Rows)))
	b.bar.Set64(s.Bytes)
}

// Clear erases the bar's line.
func (b *Bar) Clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Clear()
}

// Finish draws the final state and ends the line.
func (b *Bar) Finish(s Stats) {
	b.Update(s)
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.Total > 0 && s.Bytes >= s.Total {
		b.bar.Finish()
	}
	b.bar.Exit()
}
