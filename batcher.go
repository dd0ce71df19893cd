package pinterest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/capisdk/pinterest/internal/clock"
)

// Defaults of a Batcher.
const (
	DefaultQueueSize     = 10000       // WithQueueSize
	DefaultBatchSize     = 1000        // WithBatchSize
	DefaultFlushInterval = time.Second // WithFlushInterval
	DefaultSenders       = 2           // WithSenders
)

// BatcherOption configures a Batcher.
type BatcherOption interface{ applyBatcher(*batcherConfig) error }

type batcherOptionFunc func(*batcherConfig) error

func (f batcherOptionFunc) applyBatcher(c *batcherConfig) error { return f(c) }

type batcherConfig struct {
	queueSize   int
	batchSize   int
	interval    time.Duration
	senders     int
	onResult    func(EventResult)
	nonBlocking bool
}

// WithQueueSize bounds how many events may wait in the queue (default
// DefaultQueueSize). It must be positive.
func WithQueueSize(n int) BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error {
		if n < 1 {
			return fmt.Errorf("pinterest: WithQueueSize: must be positive, got %d", n)
		}
		c.queueSize = n
		return nil
	})
}

// WithBatchSize sets how many queued events make a batch that is sent at
// once, from 1 to 1000 (default DefaultBatchSize).
func WithBatchSize(n int) BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error {
		if n < 1 || n > DefaultMaxEventsPerRequest {
			return fmt.Errorf("pinterest: WithBatchSize: want 1 to 1000, got %d", n)
		}
		c.batchSize = n
		return nil
	})
}

// WithFlushInterval sets how long the oldest queued event may wait before
// its batch is sent even if it is not full (default DefaultFlushInterval). It
// must be positive.
func WithFlushInterval(d time.Duration) BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error {
		if d <= 0 {
			return fmt.Errorf("pinterest: WithFlushInterval: must be positive, got %v", d)
		}
		c.interval = d
		return nil
	})
}

// WithSenders sets how many batches may be sent concurrently (default
// DefaultSenders). They share the client's rate limiter and retry policy. It
// must be positive.
func WithSenders(n int) BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error {
		if n < 1 {
			return fmt.Errorf("pinterest: WithSenders: must be positive, got %d", n)
		}
		c.senders = n
		return nil
	})
}

// WithResultHandler sets the function that receives exactly one EventResult
// for every event the Batcher accepted, processed or failed, in no particular
// order. It is called on the Batcher's sender goroutines: it should return
// quickly, as a slow handler slows sending down (a handler that blocks
// forever stops its sender). A panic in it is recovered and logged. Without a
// handler, each batch with failed events is logged as one line (counts and
// causes, never values) to the client's logger (WithLogger), or to
// slog.Default() when the client has none; failures are counted in Stats
// either way, and Close reports them.
func WithResultHandler(fn func(EventResult)) BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error {
		if fn == nil {
			return errors.New("pinterest: WithResultHandler: nil function")
		}
		c.onResult = fn
		return nil
	})
}

// WithNonBlockingAdd makes Add return ErrQueueFull at once when the queue is
// full, instead of waiting for room.
func WithNonBlockingAdd() BatcherOption {
	return batcherOptionFunc(func(c *batcherConfig) error { c.nonBlocking = true; return nil })
}

// BatcherStats counts a Batcher's events. Counts only grow, except Queued and
// InFlight.
type BatcherStats struct {
	Queued    int // accepted, waiting to be sent
	InFlight  int // being sent
	Sent      int // whose sending has ended, processed or failed (Processed + Failed)
	Processed int // processed by Pinterest
	Failed    int // failed (locally, by Pinterest, or at shutdown)
	Retried   int // HTTP attempts beyond the first, over all batches
	// OldestAge is how long ago the oldest accepted event still waiting for
	// its result (queued or being sent) was added; 0 when none is. It is
	// tracked only when the client's Observer sets BatcherStart (as
	// otelpinterest's does), and is 0 otherwise: it takes a clock reading per
	// Add call.
	OldestAge time.Duration
}

type queued struct {
	ev   *Event
	seq  int
	meta *addMeta // its Add call's time and link, when observed (observer.go)
}

type batch struct {
	items  []queued
	done   batchDone
	formed time.Time // when the dispatcher took its first event (batcher_report.go)
}

// Batcher sends events in the background: Add queues events and returns, and
// the Batcher sends them in batches of up to 1,000 to one ad account, retrying as the client's policy says, and reports
// the fate of every event it accepted to the result handler exactly once, at
// shutdown too.
//
// A batch leaves when BatchSize events are queued, when the oldest queued event
// has waited the flush interval, or on Flush. Close flushes and stops.
// A Batcher is safe for concurrent use.
type Batcher struct {
	c       *Client
	account string
	cfg     batcherConfig
	clock   clock.Clock

	queue    chan queued
	flushReq chan flushReply
	batches  chan batch
	closing  chan struct{} // closed first by Close: wakes Adds waiting for room
	shut     chan struct{} // closed by Close once no Add can enqueue: the dispatcher's last drain
	mu       sync.RWMutex  // held for reading by Add while it enqueues, for writing by Close
	closed   bool
	seq      atomic.Int64

	sendCtx    context.Context
	cancelSend context.CancelCauseFunc
	senders    sync.WaitGroup
	dispatched chan struct{} // closed when the dispatcher has handed off everything

	queued, inFlight, sent, processed, failed, retried atomic.Int64
	closeOnce                                          sync.Once

	observed bool       // Add records an addMeta (observer.go)
	failures failureLog // causes of failed events, for Close (batcher_report.go)
	epoch    time.Time  // origin of addMeta.at
	ages     ageTracker // batcher_age.go; on only when the Observer reads the Batcher
	stopOnce sync.Once  // Observer.BatcherStop is called once
}

// NewBatcher starts a Batcher that sends to adAccountID with this client. Its
// goroutines run until Close.
func (c *Client) NewBatcher(adAccountID string, opts ...BatcherOption) (*Batcher, error) {
	if err := c.ready(); err != nil { // hints.go
		return nil, err
	}
	if err := validAdAccountID(adAccountID); err != nil {
		return nil, err
	}
	cfg := batcherConfig{
		queueSize: DefaultQueueSize,
		batchSize: min(DefaultBatchSize, c.cfg.maxPerRequest),
		interval:  DefaultFlushInterval,
		senders:   DefaultSenders,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyBatcher(&cfg); err != nil {
			return nil, err
		}
	}
	b := &Batcher{
		c:          c,
		account:    adAccountID,
		cfg:        cfg,
		clock:      c.cfg.clock,
		queue:      make(chan queued, cfg.queueSize),
		flushReq:   make(chan flushReply),
		batches:    make(chan batch),
		closing:    make(chan struct{}),
		shut:       make(chan struct{}),
		dispatched: make(chan struct{}),
		epoch:      c.cfg.clock.Now(),
	}
	b.sendCtx, b.cancelSend = context.WithCancelCause(context.Background())
	b.observeBatcher() // observer.go
	b.senders.Add(cfg.senders)
	for range cfg.senders {
		go b.sender()
	}
	go b.dispatch()
	b.observeStart() // observer.go
	return b, nil
}

// Add queues events for sending. With a full queue it waits for room until ctx
// ends, or, with WithNonBlockingAdd, returns ErrQueueFull at once. After Close
// it returns ErrClosed. A nil event is refused with an error before anything is
// queued.
//
// Events are queued in order; when Add returns an error, the events before
// the one that could not be queued were accepted (the error says how many), and
// every accepted event gets exactly one result.
func (b *Batcher) Add(ctx context.Context, events ...*Event) error {
	for i, ev := range events {
		if ev == nil {
			return fmt.Errorf("pinterest: Batcher.Add: event %d is nil; nothing was queued", i)
		}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	var meta *addMeta
	if b.observed {
		meta = b.newAddMeta(ctx, len(events)) // observer.go
	}
	for i, ev := range events {
		q := queued{ev: ev, seq: int(b.seq.Add(1) - 1), meta: meta}
		// Counted and held (until its result is delivered, reuse.go) before it
		// is queued: a sender may take it as soon as it is in the channel.
		b.queued.Add(1)
		ev.hold()
		select {
		case b.queue <- q:
			continue
		default:
		}
		if b.cfg.nonBlocking {
			b.queued.Add(-1)
			ev.release()
			return addErr(i, len(events), ErrQueueFull)
		}
		select {
		case b.queue <- q:
		case <-ctx.Done():
			b.queued.Add(-1)
			ev.release()
			// The wait was for room: say so, and keep the context's error.
			return addErr(i, len(events), fmt.Errorf("%w until the context ended: %w", ErrQueueFull, ctx.Err()))
		case <-b.closing:
			b.queued.Add(-1)
			ev.release()
			return addErr(i, len(events), ErrClosed)
		}
	}
	return nil
}

// addErr says which event (0-based) Add could not queue, and how many of the
// call's events it queued before.
func addErr(accepted, total int, err error) error {
	if total == 1 {
		return fmt.Errorf("pinterest: Batcher.Add: event 0 not queued: %w", err)
	}
	return fmt.Errorf("pinterest: Batcher.Add: event %d not queued (accepted %d of %d events, those before it): %w", accepted, accepted, total, err)
}

// dispatch cuts the queue into batches and hands them to the senders, until
// Close.
func (b *Batcher) dispatch() {
	defer close(b.dispatched)
	defer close(b.batches)
	d := dispatcher{b: b, outstanding: make(map[batchDone]struct{})}
	for {
		select {
		case q := <-b.queue:
			d.add(q)
			// Fill the rest of the batch with plain receives, cheaper than the
			// select; Flush, the timer and Close are seen at the next boundary.
			for more := true; more && len(d.cur) > 0; {
				select {
				case q := <-b.queue:
					d.add(q)
				default:
					more = false
				}
			}
		case <-d.timerC:
			d.timer, d.timerC = nil, nil
			d.handOff()
		case reply := <-b.flushReq:
			d.drain()
			d.handOff()
			reply <- d.unfinished()
		case <-b.shut: // no Add can enqueue any more: take everything that is left
			d.drain()
			d.handOff()
			return
		}
	}
}

// batchDone is closed once every event of its batch has its result.
type batchDone chan struct{}

// flushReply carries, from the dispatcher to Flush, the batches that Flush
// must wait for.
type flushReply chan []batchDone

// dispatcher is the state of the dispatch goroutine, which alone uses it: the
// batch being filled, its flush timer, and the batches handed off whose
// results may still be coming.
type dispatcher struct {
	b           *Batcher
	cur         []queued
	timer       clock.Timer      // runs while cur is not empty
	timerC      <-chan time.Time // the timer's channel; nil (never ready) without one
	outstanding map[batchDone]struct{}
	formed      time.Time // when cur got its first event
}

// add appends q to the current batch, starts the flush timer with the
// batch's first event, and hands the batch off once it is full.
func (d *dispatcher) add(q queued) {
	if d.cur == nil {
		d.cur = make([]queued, 0, d.b.cfg.batchSize)
	}
	d.cur = append(d.cur, q)
	if len(d.cur) == 1 {
		d.formed = d.b.clock.Now() // once per batch, off the Add path
		d.b.ages.started(q.meta)
		d.timer = d.b.clock.NewTimer(d.b.cfg.interval)
		d.timerC = d.timer.C()
	}
	if len(d.cur) >= d.b.cfg.batchSize {
		d.handOff()
	}
}

// drain adds what is queued now.
func (d *dispatcher) drain() {
	for n := len(d.b.queue); n > 0; n-- {
		d.add(<-d.b.queue)
	}
}

// handOff gives the current batch, if any, to a sender, waiting for one to be
// free.
func (d *dispatcher) handOff() {
	d.stopTimer()
	if len(d.cur) == 0 {
		return
	}
	bt := batch{items: d.cur, done: make(batchDone), formed: d.formed}
	d.cur = make([]queued, 0, d.b.cfg.batchSize)
	d.forgetFinished() // at most senders+1 are kept
	d.outstanding[bt.done] = struct{}{}
	d.b.ages.handedOff(bt.done, bt.items[0].meta)
	d.b.batches <- bt
}

func (d *dispatcher) stopTimer() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer, d.timerC = nil, nil
	}
}

// forgetFinished forgets the batches whose results are all delivered.
func (d *dispatcher) forgetFinished() {
	for done := range d.outstanding {
		select {
		case <-done:
			delete(d.outstanding, done)
		default:
		}
	}
}

// unfinished forgets the batches whose results are all delivered and returns
// the others.
func (d *dispatcher) unfinished() []batchDone {
	waits := make([]batchDone, 0, len(d.outstanding))
	for done := range d.outstanding {
		select {
		case <-done:
			delete(d.outstanding, done)
		default:
			waits = append(waits, done)
		}
	}
	return waits
}

// sender sends batches until the dispatcher is done.
func (b *Batcher) sender() {
	defer b.senders.Done()
	for bt := range b.batches {
		b.send(bt)
	}
}

func (b *Batcher) send(bt batch) {
	defer close(bt.done)
	defer b.ages.finished(bt.done)
	n := int64(len(bt.items))
	b.queued.Add(-n)
	b.inFlight.Add(n)
	events := make([]*Event, len(bt.items))
	for i, q := range bt.items {
		events[i] = q.ev
	}
	res := b.sendObserved(bt, events) // observer.go: Send, observed
	b.inFlight.Add(-n)
	if res.Attempts > 1 {
		b.retried.Add(int64(res.Attempts - 1))
	}
	// The report reads the events (their source and time), so it runs before
	// any is released: once its result is out, an event may be reused.
	b.report(bt, res) // batcher_report.go
	for i := range res.Results {
		r := res.Results[i]
		r.Index = bt.items[i].seq
		if r.Status == StatusProcessed {
			b.processed.Add(1)
		} else {
			b.failed.Add(1)
		}
		b.sent.Add(1)
		bt.items[i].ev.release() // before its result: the handler may reuse it
		b.deliver(r)
	}
}

// deliver hands one result to the handler, surviving its panics.
func (b *Batcher) deliver(r EventResult) {
	defer func() {
		if p := recover(); p != nil && b.c.cfg.logger != nil {
			b.c.cfg.logger.Error("pinterest: result handler panicked", slog.Any("panic", p), slog.String("event_id", r.EventID))
		}
	}()
	if b.cfg.onResult != nil {
		b.cfg.onResult(r)
	}
}

// Flush sends every event queued so far without waiting for the flush
// interval, and waits until all of them, and every batch already being sent,
// have their results, or until ctx ends. Once Close was called it returns
// ErrClosed (Close itself sends what is queued).
func (b *Batcher) Flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case <-b.closing: // after Close, the dispatcher may still take a request: refuse it here
		return ErrClosed
	default:
	}
	reply := make(flushReply, 1)
	select {
	case b.flushReq <- reply:
	case <-b.closing:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	var waits []batchDone
	select {
	case waits = <-reply:
	case <-ctx.Done():
		return ctx.Err()
	}
	for _, d := range waits {
		select {
		case <-d:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// errShutdown is the cause given to the events that Close could not send in time.
var errShutdown = fmt.Errorf("pinterest: the batcher's Close ended before the event's result came: %w", ErrClosed)

// Close stops accepting events (Add then returns ErrClosed), sends every queued
// event and waits for all results. If ctx ends first, it cancels what is being
// sent, reports every event still queued or in flight as failed (with an error
// matching ErrClosed or the context error), and returns ctx's error without
// waiting for a slow result handler to take those reports. Once every event
// has its result, Close returns nil if all of them were processed, and
// otherwise a *SendError that counts the failed events of the Batcher's
// whole life and unwraps to their causes (errors.Is(err, ErrUnauthorized)
// after a revoked token, for example), with or without a result handler.
// Close on a closed Batcher waits again and returns the same.
// Do not call Close from the result handler: it would wait for its own
// sender, and return only when ctx ends.
func (b *Batcher) Close(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	b.closeOnce.Do(func() {
		close(b.closing) // wakes Adds that wait for room, so that the lock can be had
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		close(b.shut)
	})
	done := make(chan struct{})
	go func() {
		<-b.dispatched
		b.senders.Wait()
		b.observeStop() // observer.go
		close(done)
	}()
	select {
	case <-done:
		b.cancelSend(nil)
		return b.closeErr() // batcher_report.go
	case <-ctx.Done():
		b.cancelSend(errShutdown)
		return fmt.Errorf("pinterest: Batcher.Close: %w; events not yet sent are reported failed", ctx.Err())
	}
}

// Stats returns the Batcher's counts.
func (b *Batcher) Stats() BatcherStats {
	return BatcherStats{
		Queued:    int(b.queued.Load()),
		InFlight:  int(b.inFlight.Load()),
		Sent:      int(b.sent.Load()),
		Processed: int(b.processed.Load()),
		Failed:    int(b.failed.Load()),
		Retried:   int(b.retried.Load()),
		OldestAge: b.oldestAge(), // observer.go
	}
}
