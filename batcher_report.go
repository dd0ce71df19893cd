package pinterest

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// What a Batcher says about its batches when no one else would: failed
// batches are logged when there is no result handler, events that the
// Batcher's own delay made late are logged always, and Close reports the
// failures of the events it accepted.

// failureLog collects the distinct causes of a Batcher's failed events, for
// the error of Close.
type failureLog struct {
	mu     sync.Mutex
	seen   map[string]bool
	causes []error
}

func (f *failureLog) add(errs []error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, err := range errs {
		if len(f.causes) >= maxCauses {
			return
		}
		key := err.Error()
		if f.seen == nil {
			f.seen = make(map[string]bool)
		}
		if !f.seen[key] {
			f.seen[key] = true
			f.causes = append(f.causes, err)
		}
	}
}

func (f *failureLog) get() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.causes...)
}

// logger is where the Batcher logs: the client's logger, or slog.Default()
// when the client has none. A Batcher is the one part of the SDK that logs
// without WithLogger, because without a result handler its failures would
// otherwise reach no one.
func (b *Batcher) logger() *slog.Logger {
	if l := b.c.cfg.logger; l != nil {
		return l
	}
	return slog.Default()
}

// report runs once a batch has its results: it records the causes of its
// failures for Close, logs the batch when it failed and no result handler
// sees its results (one line: counts and causes, never values), and logs the
// web and app events that the Batcher's own delay made late (reportLate).
func (b *Batcher) report(bt batch, res *Response) {
	if res.Failed > 0 {
		summary := &Response{Results: res.Results}
		err := summary.summarize()
		causes := err.(*SendError).Causes
		b.failures.add(causes)
		if b.cfg.onResult == nil {
			level := slog.LevelWarn
			if res.Processed == 0 {
				level = slog.LevelError
			}
			b.logger().LogAttrs(context.Background(), level, "pinterest: batch failed",
				slog.String("ad_account_id", b.account),
				slog.Int("events", len(res.Results)),
				slog.Int("failed", res.Failed),
				slog.Int("processed", res.Processed),
				slog.Int("attempts", res.Attempts),
				slog.String("cause", causes[0].Error()),
				slog.Int("causes", len(causes)))
		}
	}

	b.reportLate(bt, res)
}

// reportLate logs, once per batch, the processed web and app events that
// reached Pinterest more than RealTimeWindow after they happened although
// they were within it when the Batcher took them: the flush interval, a
// backlog of batches and the retries made them late. The time the Batcher
// took an event is its Add call's when the Observer has the Batcher read
// the clock on Add, else the time its batch got its first event (one clock
// reading per batch). Events already late when taken are not counted here:
// Send warns on their results.
func (b *Batcher) reportLate(bt batch, res *Response) {
	now := b.clock.Now()
	late := 0
	var longest time.Duration
	for i, q := range bt.items {
		ev := q.ev
		if ev.source == SourceOffline || res.Results[i].Status != StatusProcessed {
			continue
		}
		taken := bt.formed
		if q.meta != nil && b.ages.on {
			taken = b.epoch.Add(q.meta.at)
		}
		deadline := time.Unix(ev.time, 0).Add(RealTimeWindow)
		if !taken.After(deadline) && now.After(deadline) {
			late++
			longest = max(longest, now.Sub(taken))
		}
	}
	if late > 0 {
		b.logger().LogAttrs(context.Background(), slog.LevelWarn,
			"pinterest: the batcher's queue and retries made web/app events more than an hour late; Pinterest reports them as offline",
			slog.String("ad_account_id", b.account),
			slog.Int("events", late),
			slog.Duration("longest_wait", longest),
			slog.Int("attempts", res.Attempts))
	}
}

// closeErr is what Close returns once every event has its result: nil when
// all were processed, else a *SendError counting the failures, unwrapping to
// their distinct causes.
func (b *Batcher) closeErr() error {
	failed := int(b.failed.Load())
	if failed == 0 {
		return nil
	}
	return &SendError{Total: int(b.sent.Load()), Failed: failed, Causes: b.failures.get()}
}
