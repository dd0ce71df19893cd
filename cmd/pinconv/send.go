package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/checkpoint"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/progress"
)

// chunkSize is how many events are read before they are handed to the
// Batcher together: one request's worth. The checkpoint records them as
// pending in one synced write, and --max-reject-rate is checked before each
// chunk goes.
const chunkSize = pinterest.DefaultMaxEventsPerRequest

// rowRef names a row handed to the Batcher.
type rowRef struct {
	file       int
	name       string
	row, line  int
	checkpoint bool
}

type pendingEvent struct {
	ref rowRef
	ev  *pinterest.Event
}

// uploader is the state of one send run. The read loop runs on one goroutine;
// results arrive on the Batcher's; mu guards what both touch.
type uploader struct {
	a  *app
	o  *options
	b  *pinterest.Batcher
	ck *checkpoint.Checkpoint
	rj *rejects
	st *staleWriter

	mu      sync.Mutex
	s       summary
	refs    map[int]rowRef // Batcher sequence number -> row, while in flight
	nextSeq int
	frozen  bool // the run is over: late results are not counted
	bytes   int64
	total   int64
	dropped dropCounter

	chunk []pendingEvent
}

// send uploads the files.
func (a *app) send(o *options) int {
	start := a.clock()
	token, err := o.credentials(a.getenv)
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	opts := []pinterest.Option{
		pinterest.WithRateLimit(o.rate),
		// Offline events are not de-duplicated by Pinterest: a request that
		// may have been processed is not retried but reported unknown.
		pinterest.WithoutAmbiguousRetries(),
		pinterest.WithUserAgent("pinconv"),
	}
	if o.conv.PhoneCountryCode != "" {
		opts = append(opts, pinterest.WithDefaultPhoneCountryCode(o.conv.PhoneCountryCode))
	}
	if o.test {
		opts = append(opts, pinterest.WithTestMode())
	}
	if o.baseURL != "" {
		opts = append(opts, pinterest.WithBaseURL(o.baseURL))
	}
	client, err := pinterest.NewClient(token, opts...)
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}
	u := &uploader{a: a, o: o, refs: make(map[int]rowRef), dropped: dropCounter{}}
	u.s.Test = o.test
	if o.checkpoint != "" {
		var ids []checkpoint.File
		for _, f := range o.files {
			id, err := checkpoint.Identify(f)
			if err != nil {
				return fatalf(a.stderr, "%v", err)
			}
			ids = append(ids, id)
		}
		if u.ck, err = checkpoint.Open(o.checkpoint, o.adAccount, o.test, ids); err != nil {
			return fatalf(a.stderr, "--checkpoint: %v", err)
		}
	}
	if u.rj, err = openRejects(o.rejects); err != nil {
		return fatalf(a.stderr, "--rejects: %v", err)
	}
	if u.st, err = openStale(o.staleOut); err != nil {
		return fatalf(a.stderr, "--stale-out: %v", err)
	}
	u.b, err = client.NewBatcher(o.adAccount,
		pinterest.WithResultHandler(u.onResult),
		pinterest.WithSenders(o.senders),
		pinterest.WithBatchSize(chunkSize),
		pinterest.WithQueueSize(4*chunkSize))
	if err != nil {
		return fatalf(a.stderr, "%v", err)
	}

	// Ctrl-C once: stop reading, let requests in flight finish within the
	// grace period. Twice: stop at once.
	readCtx, stopReading := context.WithCancel(context.Background())
	closeCtx, stopClosing := context.WithCancel(context.Background())
	defer stopReading()
	defer stopClosing()
	done := make(chan struct{})
	defer close(done)
	go func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case <-a.signals:
				n++
				if n == 1 {
					u.mu.Lock()
					u.s.Interrupted = true
					u.mu.Unlock()
					fmt.Fprintf(a.stderr, "\npinconv: interrupted: finishing the requests in flight (at most %s); press Ctrl-C again to stop at once\n", o.grace)
					stopReading()
					time.AfterFunc(o.grace, stopClosing)
				} else {
					stopClosing()
					return
				}
			}
		}
	}()

	rep := a.newReporter(o)
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		lastFlush := time.Now()
		for {
			select {
			case <-stopProgress:
				return
			case <-tick.C:
				rep.Update(u.stats())
				if u.ck != nil && time.Since(lastFlush) > 2*time.Second {
					u.ck.Flush()
					lastFlush = time.Now()
				}
			}
		}
	}()

	for _, f := range o.files {
		if f != "-" {
			if size, ok := fileSize(f); ok {
				u.total += size
			}
		}
	}
	var base int64 // bytes of the files already read
	scanErr := a.scan(o, func(src *source) error {
		if !o.quiet {
			u.progressNote(rep, func() {
				a.describe(a.stderr, src, false)
			})
		}
		return nil
	}, func(src *source, rec *input.Record) bool {
		if readCtx.Err() != nil {
			return false
		}
		u.mu.Lock()
		u.s.Rows++
		u.bytes = base + src.r.Offset()
		u.mu.Unlock()
		if u.ck != nil {
			switch u.ck.Lookup(src.index, rec.Row) {
			case checkpoint.Done:
				u.count(func(s *summary) { s.Processed++; s.Resumed++ })
				return true
			case checkpoint.Unknown:
				if !o.resendUnknown {
					u.count(func(s *summary) { s.Unknown++; s.Resumed++ })
					u.rj.add(src.name, rec.Row, rec.Line, outUnknown, "row", "outcome unknown in an earlier run: not sent again (--resend-unknown sends it)")
					return true
				}
			}
		}
		res := src.conv.Convert(rec)
		if res.Reject != nil {
			u.mu.Lock()
			rejectRow(&u.s, u.rj, u.st, src, rec, res)
			u.mu.Unlock()
			return true
		}
		if len(res.Dropped) > 0 {
			u.mu.Lock()
			noteDropped(u.dropped, u.rj, src, rec, res)
			u.mu.Unlock()
		}
		u.chunk = append(u.chunk, pendingEvent{ref: rowRef{file: src.index, name: src.name, row: rec.Row, line: rec.Line, checkpoint: u.ck != nil}, ev: res.Event})
		if len(u.chunk) >= chunkSize {
			return u.flushChunk(readCtx)
		}
		return true
	}, func(src *source) bool {
		base += src.size
		return u.flushChunk(readCtx)
	})
	if scanErr == nil {
		u.flushChunk(readCtx) // what is left after an interrupt
	}

	closeErr := u.b.Close(closeCtx)
	if se := (*pinterest.SendError)(nil); errors.As(closeErr, &se) {
		// Every event has its result, and the result handler counted and
		// reported the failed rows one by one: not a fatal error.
		closeErr = nil
	}
	u.mu.Lock()
	u.frozen = true
	// Rows still without a result when Close gave up (a second Ctrl-C or the
	// grace period): their requests may be in flight, so they are unknown,
	// and the checkpoint leaves them pending, which a resume reads as unknown.
	for _, ref := range u.refs {
		u.s.Unknown++
		u.rj.add(ref.name, ref.row, ref.line, outUnknown, "row", "the run stopped before its result came back")
	}
	u.refs = nil
	u.s.Seconds = a.clock().Sub(start).Seconds()
	if len(u.dropped) > 0 {
		u.s.Dropped = u.dropped
	}
	u.s.StaleOut = u.st.count()
	s := u.s
	u.mu.Unlock()
	close(stopProgress)
	<-progressDone
	rep.Finish(u.stats())

	var errs []error
	if scanErr != nil {
		errs = append(errs, scanErr)
	}
	if closeErr != nil && !s.Interrupted {
		errs = append(errs, closeErr)
	}
	if u.ck != nil {
		if err := u.ck.Close(); err != nil {
			errs = append(errs, fmt.Errorf("--checkpoint: %v", err))
		}
	}
	if err := u.rj.close(); err != nil {
		errs = append(errs, fmt.Errorf("--rejects: %v", err))
	}
	if err := u.st.close(); err != nil {
		errs = append(errs, fmt.Errorf("--stale-out: %v", err))
	}
	s.print(a.stderr, "processed")
	if err := writeSummary(o.summary, &s); err != nil {
		errs = append(errs, fmt.Errorf("--summary: %v", err))
	}
	if len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintln(a.stderr, "pinconv:", err)
		}
		if s.Interrupted {
			return exitInterrupted
		}
		return exitFatal
	}
	return s.exitCode()
}

// count updates the summary under the lock.
func (u *uploader) count(fn func(*summary)) {
	u.mu.Lock()
	fn(&u.s)
	u.mu.Unlock()
}

func (u *uploader) stats() progress.Stats {
	u.mu.Lock()
	defer u.mu.Unlock()
	return progress.Stats{
		Bytes: u.bytes, Total: u.total,
		Rows: u.s.Rows, Rejected: u.s.Rejected, Sent: u.s.Sent,
		Processed: u.s.Processed, Failed: u.s.Failed, Unknown: u.s.Unknown,
	}
}

// progressNote prints a note without tearing the progress bar.
func (u *uploader) progressNote(rep progress.Reporter, fn func()) {
	rep.Clear()
	fn()
}

// flushChunk hands the events read so far to the Batcher. It reports false
// when the run must stop: too many rejected rows, or an interrupt.
func (u *uploader) flushChunk(ctx context.Context) bool {
	chunk := u.chunk
	u.chunk = u.chunk[:0]
	if len(chunk) == 0 {
		return ctx.Err() == nil
	}
	u.mu.Lock()
	rows, rejected := u.s.Rows, u.s.Rejected
	u.mu.Unlock()
	if rows >= rejectCheckFrom && float64(rejected) > u.o.maxReject*float64(rows) {
		reason := fmt.Sprintf("%.1f%% of the %d rows read were rejected, above --max-reject-rate %.1f%%", 100*float64(rejected)/float64(rows), rows, 100*u.o.maxReject)
		u.notSent(chunk, "not sent: the run stopped: "+reason)
		u.count(func(s *summary) { s.Stopped = reason })
		return false
	}
	if ctx.Err() != nil {
		u.notSent(chunk, "not sent: the run was interrupted")
		return false
	}
	if u.ck != nil {
		// One synced write per file in the chunk, before any row can go out.
		byFile := map[int][]int{}
		for _, p := range chunk {
			byFile[p.ref.file] = append(byFile[p.ref.file], p.ref.row)
		}
		for f, rows := range byFile {
			if err := u.ck.Pending(f, rows); err != nil {
				u.notSent(chunk, "not sent: the checkpoint cannot be written")
				u.count(func(s *summary) { s.Stopped = "--checkpoint: " + err.Error() })
				return false
			}
		}
	}
	for i, p := range chunk {
		u.mu.Lock()
		seq := u.nextSeq
		u.nextSeq++
		u.refs[seq] = p.ref
		u.mu.Unlock()
		// One event per Add, so that each sequence number is one row.
		if err := u.b.Add(ctx, p.ev); err != nil {
			u.mu.Lock()
			delete(u.refs, seq)
			u.mu.Unlock()
			u.notSent(chunk[i:], "not sent: the run was interrupted")
			return false
		}
		u.count(func(s *summary) { s.Sent++ })
	}
	return ctx.Err() == nil
}

// notSent accounts for events that were read but never handed over: failed,
// and certainly not processed.
func (u *uploader) notSent(chunk []pendingEvent, reason string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range chunk {
		u.s.Failed++
		u.rj.add(p.ref.name, p.ref.row, p.ref.line, outFailed, "row", reason)
		if u.ck != nil {
			u.ck.Clear(p.ref.file, p.ref.row)
		}
	}
}

// onResult takes the Batcher's verdict on one row.
func (u *uploader) onResult(r pinterest.EventResult) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.frozen {
		return
	}
	ref, ok := u.refs[r.Index]
	if !ok {
		return
	}
	delete(u.refs, r.Index)
	switch outcomeOf(r) {
	case outcomeProcessed:
		u.s.Processed++
		if u.ck != nil {
			u.ck.Done(ref.file, ref.row)
		}
	case outcomeUnknown:
		u.s.Unknown++
		u.rj.add(ref.name, ref.row, ref.line, outUnknown, "row", errText(r.Err))
		if u.ck != nil {
			u.ck.Unknown(ref.file, ref.row)
		}
	default:
		u.s.Failed++
		u.rj.add(ref.name, ref.row, ref.line, outFailed, failedField(r.Err), errText(r.Err))
		if u.ck != nil {
			u.ck.Clear(ref.file, ref.row)
		}
	}
}

type outcome int

const (
	outcomeProcessed outcome = iota
	outcomeFailed
	outcomeUnknown
)

// outcomeOf tells a processed event from one certainly not processed and one
// whose request may have reached Pinterest, which the SDK marks with
// ErrOutcomeUnknown (for offline events it does not retry such requests).
func outcomeOf(r pinterest.EventResult) outcome {
	switch {
	case r.Status == pinterest.StatusProcessed:
		return outcomeProcessed
	case errors.Is(r.Err, pinterest.ErrOutcomeUnknown):
		return outcomeUnknown
	}
	return outcomeFailed
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return strings.TrimPrefix(err.Error(), "pinterest: ")
}

// failedField names the field of a local validation failure, else "row".
func failedField(err error) string {
	var fe *pinterest.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return "row"
}

func fileSize(path string) (int64, bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	return st.Size(), true
}

// newReporter picks the progress display: a bar on a terminal, lines
// otherwise, nothing with --quiet or --progress none.
func (a *app) newReporter(o *options) progress.Reporter {
	mode := o.progress
	if o.quiet {
		mode = "none"
	}
	if mode == "" || mode == "auto" {
		mode = "lines"
		if a.isTerminal != nil && a.isTerminal() {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		var total int64
		for _, f := range o.files {
			if size, ok := fileSize(f); ok && f != "-" {
				total += size
			}
		}
		width := 0
		if a.termWidth != nil {
			width = a.termWidth()
		}
		return progress.NewBar(a.stderr, total, width)
	case "lines":
		return progress.NewLines(a.stderr, linesInterval, a.now)
	}
	return progress.None{}
}

// linesInterval is how often --progress lines writes a line.
var linesInterval = 5 * time.Second
