package pinterest_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// batchWait bounds every wait of these tests in real time. Nothing should come
// near it; it only turns a hang into a failure.
const batchWait = 10 * time.Second

// batchPrompt is how late a call that must not wait (a Close whose context
// ends, a non-blocking Add) may return and still be prompt: generous, for a
// busy machine under -race, but far below what waiting for the Retry-After or
// the blocked handler of these tests would take.
const batchPrompt = 2 * time.Second

// batchUser is the user data shared by the test events: a UserData may be read
// from many goroutines once built, and hashing it once keeps the big tests fast.
var batchUser = pinterest.NewUserData().Email("jane.doe@example.com")

// batchEvent returns a valid event with this id.
func batchEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).At(time.Now()).User(batchUser)
}

// batchRace reports whether the test binary was built with -race.
func batchRace() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// batchResults records every result a Batcher hands to its handler.
type batchResults struct {
	mu      sync.Mutex
	all     []pinterest.EventResult
	byID    map[string]int
	changed chan struct{} // closed at the next result, when someone waits
}

func (r *batchResults) record(res pinterest.EventResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID = make(map[string]int)
	}
	r.all = append(r.all, res)
	r.byID[res.EventID]++
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// next returns a channel closed when the next result is recorded.
func (r *batchResults) next() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return r.changed
}

func (r *batchResults) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

func (r *batchResults) snapshot() []pinterest.EventResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pinterest.EventResult(nil), r.all...)
}

// wait waits until n results were recorded, failing t after batchWait.
func (r *batchResults) wait(t *testing.T, n int) {
	t.Helper()
	timeout := time.NewTimer(batchWait)
	defer timeout.Stop()
	for {
		ch := r.next()
		if got := r.count(); got >= n {
			return
		}
		select {
		case <-ch:
		case <-timeout.C:
			t.Fatalf("got %d results after %v, want %d", r.count(), batchWait, n)
		}
	}
}

// checkOnce checks that each id has exactly one result and no other id has any.
func (r *batchResults) checkOnce(t *testing.T, ids []string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.all) != len(ids) {
		t.Errorf("%d results, want %d", len(r.all), len(ids))
	}
	for _, id := range ids {
		if n := r.byID[id]; n != 1 {
			t.Errorf("event %q: %d results, want 1", id, n)
		}
	}
	if len(r.byID) != len(ids) {
		t.Errorf("results for %d distinct ids, want %d", len(r.byID), len(ids))
	}
}

// batchEnv is a Batcher that sends to a fake server and records its results.
type batchEnv struct {
	srv *pinteresttest.Server
	c   *pinterest.Client
	b   *pinterest.Batcher
	res *batchResults
}

// batchConfig says how batchSetup builds its batchEnv.
type batchConfig struct {
	server  []pinteresttest.Option
	client  []pinterest.Option // after WithBaseURL and WithoutRateLimit
	batcher []pinterest.BatcherOption
	// hook, if set, is called with each result after it was recorded, on the
	// Batcher's goroutine: it may panic or block.
	hook func(pinterest.EventResult)
	// release, if set, is called at the end of the test before the Batcher is
	// closed: it unblocks hook.
	release func()
}

// batchSetup starts a fake server, a client and a Batcher. The Batcher is
// closed when the test ends, after cfg.release.
func batchSetup(t *testing.T, cfg batchConfig) *batchEnv {
	t.Helper()
	srv := pinteresttest.NewServerT(t, cfg.server...)
	c := newTestClient(t, srv, cfg.client...)
	res := &batchResults{}
	hook := cfg.hook
	handler := func(r pinterest.EventResult) {
		res.record(r)
		if hook != nil {
			hook(r)
		}
	}
	b, err := c.NewBatcher(testAccount, append([]pinterest.BatcherOption{pinterest.WithResultHandler(handler)}, cfg.batcher...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cfg.release != nil {
			cfg.release()
		}
		ctx, cancel := context.WithTimeout(context.Background(), batchWait)
		defer cancel()
		if err := b.Close(ctx); !batchAllReported(err) {
			buf := make([]byte, 1<<20)
			t.Errorf("Close at cleanup: %v\n%s", err, buf[:runtime.Stack(buf, true)])
			return
		}
		batchNoLeaks(t)
	})
	return &batchEnv{srv: srv, c: c, b: b, res: res}
}

// batchNoLeaks fails t if a goroutine of a Batcher is still running shortly
// after every Batcher was closed.
func batchNoLeaks(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(batchWait)
	buf := make([]byte, 1<<20)
	for {
		stacks := buf[:runtime.Stack(buf, true)]
		i := bytes.Index(stacks, []byte("pinterest.(*Batcher)"))
		if i < 0 {
			return
		}
		if time.Now().After(deadline) {
			start := max(0, bytes.LastIndex(stacks[:i], []byte("\n\ngoroutine "))) // the goroutine's stack
			t.Fatalf("a Batcher's goroutine is still running after Close:\n%s", stacks[start:min(len(stacks), i+2000)])
		}
		time.Sleep(time.Millisecond)
	}
}

// batchCtx returns a context that ends after d, cancelled at the end of the test.
func batchCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// batchAllReported reports whether an error of Close says that every event
// has its result: nil, or the *SendError counting the failed ones.
func batchAllReported(err error) bool {
	var se *pinterest.SendError
	return err == nil || errors.As(err, &se)
}

// batchClose closes the Batcher and fails unless everything was reported
// (some events may have failed: Close then returns a *SendError).
func batchClose(t *testing.T, b *pinterest.Batcher) {
	t.Helper()
	if err := b.Close(batchCtx(t, batchWait)); !batchAllReported(err) {
		buf := make([]byte, 1<<20)
		t.Fatalf("Close: %v\n%s", err, buf[:runtime.Stack(buf, true)])
	}
}

// batchStats checks a Batcher's counts after Close.
func batchStats(t *testing.T, b *pinterest.Batcher, want pinterest.BatcherStats) {
	t.Helper()
	got := b.Stats()
	got.Retried = want.Retried // not checked
	if got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

// batchRelease returns a channel and a function that closes it, and may be
// called again.
func batchRelease() (<-chan struct{}, func()) {
	ch := make(chan struct{})
	var once sync.Once
	return ch, func() { once.Do(func() { close(ch) }) }
}

func TestBatcherOptions(t *testing.T) {
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL("http://127.0.0.1:1"), pinterest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		account string
		opt     pinterest.BatcherOption
	}{
		"account":     {"12ab", nil},
		"queue":       {testAccount, pinterest.WithQueueSize(0)},
		"batch 0":     {testAccount, pinterest.WithBatchSize(0)},
		"batch 1001":  {testAccount, pinterest.WithBatchSize(1001)},
		"interval":    {testAccount, pinterest.WithFlushInterval(0)},
		"senders":     {testAccount, pinterest.WithSenders(0)},
		"nil handler": {testAccount, pinterest.WithResultHandler(nil)},
	} {
		if b, err := c.NewBatcher(tc.account, tc.opt); err == nil {
			b.Close(context.Background())
			t.Errorf("%s: NewBatcher accepted an invalid setting", name)
		}
	}
	// A Batcher that never got an event closes at once, nil options included.
	b, err := c.NewBatcher(testAccount, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(batchCtx(t, batchWait)); err != nil {
		t.Fatalf("Close of an empty Batcher: %v", err)
	}
	batchStats(t, b, pinterest.BatcherStats{})
}

// TestBatcherConcurrentAdds: 100 goroutines add 10,000 events each; every event
// reaches the server once and is reported once.
func TestBatcherConcurrentAdds(t *testing.T) {
	const goroutines = 100
	// 1,000,000 events take 25 to 35 s without -race on 2 cores, nearly all of
	// it in the fake server (decoding the JSON, and growing the one slice in
	// which it records every event).
	perGoroutine := 10_000
	if batchRace() {
		// The race detector makes the fake server, the loopback HTTP and every
		// atomic and channel operation many times slower: 100 × 1,000 events
		// took 13 s under -race on 2 idle cores, 100 × 500 take about 7 s and
		// leave room for a busy machine.
		perGoroutine = 500
	}
	if testing.Short() {
		perGoroutine = 100
	}
	total := goroutines * perGoroutine

	// Counted by id and by Index with atomics: a mutex'd map of a million ids
	// would make the handler, and so the test, the bottleneck.
	perID := make([]atomic.Int32, total)
	perIndex := make([]atomic.Int32, total)
	var calls, failed, strange atomic.Int64
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher(testAccount, pinterest.WithSenders(4), pinterest.WithResultHandler(func(r pinterest.EventResult) {
		calls.Add(1)
		if !r.OK() {
			if failed.Add(1) <= 3 {
				t.Errorf("event %s failed: %v", r.EventID, r.Err)
			}
		}
		id, err := strconv.Atoi(r.EventID)
		if err != nil || id < 0 || id >= total || r.Index < 0 || r.Index >= total {
			strange.Add(1)
			return
		}
		perID[id].Add(1)
		perIndex[r.Index].Add(1)
	}))
	if err != nil {
		t.Fatal(err)
	}

	// Meanwhile, Stats never shows a negative count, nor one that shrinks.
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var last pinterest.BatcherStats
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
			st := b.Stats()
			if st.Queued < 0 || st.InFlight < 0 || st.Sent < last.Sent || st.Processed < last.Processed || st.Failed < last.Failed {
				t.Errorf("Stats() = %+v after %+v", st, last)
				return
			}
			last = st
		}
	}()

	start := time.Now()
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			// Odd goroutines add 100 events per call, even ones one at a time.
			chunk := 1
			if g%2 == 1 {
				chunk = 100
			}
			evs := make([]*pinterest.Event, 0, chunk)
			for i := range perGoroutine {
				evs = append(evs, batchEvent(strconv.Itoa(g*perGoroutine+i)))
				if len(evs) == chunk {
					if err := b.Add(ctx, evs...); err != nil {
						t.Errorf("goroutine %d: Add: %v", g, err)
						return
					}
					evs = evs[:0]
				}
			}
		})
	}
	wg.Wait()
	added := time.Since(start)
	closeCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := b.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	t.Logf("%d events: added in %v, all reported after %v", total, added, time.Since(start))
	close(stopSampling)
	<-sampled
	batchNoLeaks(t)

	if n := calls.Load(); n != int64(total) {
		t.Errorf("%d results, want %d", n, total)
	}
	if n := strange.Load(); n != 0 {
		t.Errorf("%d results with an unknown id or an Index out of [0, %d)", n, total)
	}
	batchStats(t, b, pinterest.BatcherStats{Sent: total, Processed: total})
	for i := range total {
		if n := perID[i].Load(); n != 1 {
			t.Fatalf("event %d: %d results, want 1", i, n)
		}
		if n := perIndex[i].Load(); n != 1 {
			t.Fatalf("Index %d: %d results, want 1", i, n)
		}
	}

	events := srv.Events()
	if len(events) != total {
		t.Errorf("the server got %d events, want %d", len(events), total)
	}
	seen := make([]bool, total)
	for _, e := range events {
		id, err := strconv.Atoi(e.EventID)
		if err != nil || id < 0 || id >= total {
			t.Fatalf("the server got an unknown event id %q", e.EventID)
		}
		if seen[id] {
			t.Fatalf("the server got event %d twice", id)
		}
		seen[id] = true
	}
}

// TestBatcherCloseDuringRateLimitStorm: while every request is answered 429
// with Retry-After, Close gives up at its deadline, and every event is still
// reported once, failed.
func TestBatcherCloseDuringRateLimitStorm(t *testing.T) {
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(10), pinterest.WithSenders(2)},
	})
	storm := make([]pinteresttest.Fault, 500)
	for i := range storm {
		storm[i] = pinteresttest.Fault{Status: 429, RetryAfter: "30"}
	}
	env.srv.Enqueue(storm...)

	const n = 100
	evs := validEvents("storm", n)
	ids := eventIDs(evs)
	if err := env.b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	// Let both senders meet the storm.
	deadline := time.Now().Add(batchWait)
	for len(env.srv.Requests()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no requests reached the server")
		}
		time.Sleep(time.Millisecond)
	}

	const closeWithin = 100 * time.Millisecond
	start := time.Now()
	err := env.b.Close(batchCtx(t, closeWithin))
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want context.DeadlineExceeded", err)
	}
	if took > closeWithin+batchPrompt {
		t.Errorf("Close took %v with a deadline of %v", took, closeWithin)
	}

	env.res.wait(t, n)
	batchClose(t, env.b) // everything has been reported: Close now succeeds
	env.res.checkOnce(t, ids)
	closed := 0
	for _, r := range env.res.snapshot() {
		switch {
		case r.OK():
			t.Errorf("event %s processed during a storm of 429s", r.EventID)
		case errors.Is(r.Err, pinterest.ErrClosed):
			closed++
		case errors.Is(r.Err, pinterest.ErrRateLimited):
		default:
			t.Errorf("event %s: %v, want ErrClosed or ErrRateLimited", r.EventID, r.Err)
		}
	}
	if closed == 0 {
		t.Error("no event failed with ErrClosed")
	}
	batchStats(t, env.b, pinterest.BatcherStats{Sent: n, Failed: n})
}

// TestBatcherCloseExpiredContext: Close with a context already over returns at
// once, and the Batcher still reports every event and then refuses to work.
func TestBatcherCloseExpiredContext(t *testing.T) {
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(10), pinterest.WithSenders(2)},
	})
	slow := make([]pinteresttest.Fault, 10)
	for i := range slow {
		slow[i] = pinteresttest.Fault{Delay: time.Minute} // ends when the client gives up
	}
	env.srv.Enqueue(slow...)
	const n = 50
	evs := validEvents("expired", n)
	ids := eventIDs(evs)
	if err := env.b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	err := env.b.Close(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Close(cancelled context) = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > batchPrompt {
		t.Errorf("Close(cancelled context) took %v", took)
	}

	env.res.wait(t, n)
	for _, r := range env.res.snapshot() {
		if !r.OK() && !errors.Is(r.Err, pinterest.ErrClosed) {
			t.Errorf("event %s: %v, want processed or ErrClosed", r.EventID, r.Err)
		}
	}

	if err := env.b.Add(context.Background(), batchEvent("late")); !errors.Is(err, pinterest.ErrClosed) {
		t.Errorf("Add after Close = %v, want ErrClosed", err)
	}
	if err := env.b.Add(context.Background(), batchEvent("late-1"), batchEvent("late-2")); !errors.Is(err, pinterest.ErrClosed) {
		t.Errorf("Add of 2 events after Close = %v, want ErrClosed", err)
	}
	if err := env.b.Flush(batchCtx(t, batchWait)); !errors.Is(err, pinterest.ErrClosed) {
		t.Errorf("Flush after Close = %v, want ErrClosed", err)
	}
	batchClose(t, env.b)
	batchClose(t, env.b) // and again
	env.res.checkOnce(t, ids)
	st := env.b.Stats()
	if st.Sent != n || st.Processed+st.Failed != n || st.Queued != 0 || st.InFlight != 0 {
		t.Errorf("Stats() = %+v, want %d sent", st, n)
	}
}

// TestBatcherFlushAfterClose: once Close was called, Flush says so, even
// before the Batcher has finished its work.
func TestBatcherFlushAfterClose(t *testing.T) {
	release, unblock := batchRelease()
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(1), pinterest.WithSenders(1)},
		hook:    func(pinterest.EventResult) { <-release },
		release: unblock,
	})
	for i := range 5 {
		if err := env.b.Add(context.Background(), batchEvent("f"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	env.res.wait(t, 1) // the sender is stuck in the handler
	if err := env.b.Close(batchCtx(t, 10*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want context.DeadlineExceeded", err)
	}
	for range 20 {
		if err := env.b.Flush(batchCtx(t, batchWait)); !errors.Is(err, pinterest.ErrClosed) {
			t.Fatalf("Flush after Close = %v, want ErrClosed", err)
		}
	}
	unblock()
	batchClose(t, env.b)
	if got := env.res.count(); got != 5 {
		t.Errorf("%d results, want 5", got)
	}
}

// batchAccepted reads how many events an Add of several accepted from its error.
func batchAccepted(t *testing.T, err error, total int) int {
	t.Helper()
	m := regexp.MustCompile(`accepted (\d+) of ` + strconv.Itoa(total) + ` events`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q does not say how many events were accepted", err)
	}
	n, _ := strconv.Atoi(m[1])
	if n < 0 || n >= total {
		t.Fatalf("error %q: accepted %d of %d", err, n, total)
	}
	return n
}

// batchBlocked returns a Batcher whose single sender is stuck in the result
// handler with the first event, until release is called.
func batchBlocked(t *testing.T, opts ...pinterest.BatcherOption) (env *batchEnv, ids []string, release func()) {
	t.Helper()
	ch, release := batchRelease()
	env = batchSetup(t, batchConfig{
		batcher: append([]pinterest.BatcherOption{pinterest.WithQueueSize(10), pinterest.WithBatchSize(1), pinterest.WithSenders(1)}, opts...),
		hook:    func(pinterest.EventResult) { <-ch },
		release: release,
	})
	if err := env.b.Add(context.Background(), batchEvent("first")); err != nil {
		t.Fatal(err)
	}
	env.res.wait(t, 1)
	return env, []string{"first"}, release
}

func TestBatcherQueueFull(t *testing.T) {
	env, ids, release := batchBlocked(t, pinterest.WithNonBlockingAdd())
	ctx := context.Background()
	// Room is finite while the sender is stuck: the queue, and one batch held
	// by the dispatcher.
	full := false
	for i := 0; i < 100 && !full; i++ {
		id := "e" + strconv.Itoa(i)
		start := time.Now()
		err := env.b.Add(ctx, batchEvent(id))
		if took := time.Since(start); took > batchPrompt {
			t.Errorf("a non-blocking Add took %v", took)
		}
		switch {
		case err == nil:
			ids = append(ids, id)
		case errors.Is(err, pinterest.ErrQueueFull):
			full = true
		default:
			t.Fatalf("Add: %v", err)
		}
	}
	if !full {
		t.Fatal("100 events were accepted by a queue of 10")
	}
	if len(ids) > 1+10+1 {
		t.Errorf("%d events accepted with a queue of 10", len(ids))
	}

	evs := validEvents("multi", 5)
	err := env.b.Add(ctx, evs...)
	if !errors.Is(err, pinterest.ErrQueueFull) {
		t.Fatalf("Add of 5 events to a full queue = %v, want ErrQueueFull", err)
	}
	for _, ev := range evs[:batchAccepted(t, err, 5)] {
		ids = append(ids, ev.EventID())
	}
	if st := env.b.Stats(); st.Queued != len(ids)-1 || st.Sent != 1 || st.InFlight != 0 {
		t.Errorf("Stats() = %+v with %d events waiting", st, len(ids)-1)
	}

	release()
	batchClose(t, env.b)
	env.res.checkOnce(t, ids)
	batchStats(t, env.b, pinterest.BatcherStats{Sent: len(ids), Processed: len(ids)})
}

func TestBatcherAddBlocksWhenFull(t *testing.T) {
	env, ids, release := batchBlocked(t)
	full := false
	for i := 0; i < 100 && !full; i++ {
		id := "e" + strconv.Itoa(i)
		err := env.b.Add(batchCtx(t, 20*time.Millisecond), batchEvent(id))
		switch {
		case err == nil:
			ids = append(ids, id)
		case errors.Is(err, context.DeadlineExceeded):
			full = true
		default:
			t.Fatalf("Add: %v", err)
		}
	}
	if !full {
		t.Fatal("100 events were accepted by a queue of 10")
	}

	evs := validEvents("multi", 3)
	err := env.b.Add(batchCtx(t, 20*time.Millisecond), evs...)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Add of 3 events to a full queue = %v, want context.DeadlineExceeded", err)
	}
	for _, ev := range evs[:batchAccepted(t, err, 3)] {
		ids = append(ids, ev.EventID())
	}

	// An Add waiting for room is woken by Close.
	addErr := make(chan error, 1)
	go func() { addErr <- env.b.Add(context.Background(), batchEvent("waiting")) }()
	closeErr := env.b.Close(batchCtx(t, 50*time.Millisecond)) // the handler is stuck: Close gives up
	if !errors.Is(closeErr, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want context.DeadlineExceeded", closeErr)
	}
	select {
	case err := <-addErr:
		if err == nil {
			ids = append(ids, "waiting") // it found room before Close
		} else if !errors.Is(err, pinterest.ErrClosed) {
			t.Errorf("waiting Add = %v, want ErrClosed", err)
		}
	case <-time.After(batchWait):
		t.Fatal("an Add waiting for room was not woken by Close")
	}

	release()
	batchClose(t, env.b)
	env.res.checkOnce(t, ids)
	for _, r := range env.res.snapshot() {
		if !r.OK() && !errors.Is(r.Err, pinterest.ErrClosed) {
			t.Errorf("event %s: %v, want processed or ErrClosed", r.EventID, r.Err)
		}
	}
}

// batchEither returns a channel closed when a or b is.
func batchEither(a, b <-chan struct{}) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		select {
		case <-a:
		case <-b:
		}
		close(c)
	}()
	return c
}

func TestBatcherFlushInterval(t *testing.T) {
	const interval = 10 * time.Second
	fake := clock.NewFake(time.Now())
	env := batchSetup(t, batchConfig{
		client:  []pinterest.Option{pinterest.WithClock(fake)},
		batcher: []pinterest.BatcherOption{pinterest.WithFlushInterval(interval)},
	})
	giveUp := batchCtx(t, batchWait).Done()

	ids := []string{"a", "b", "c"}
	for _, id := range ids {
		if err := env.b.Add(context.Background(), batchEvent(id)); err != nil {
			t.Fatal(err)
		}
	}
	if !fake.WaitForTimers(1, giveUp) {
		t.Fatal("the Batcher started no flush timer")
	}
	fake.Advance(interval - time.Millisecond)
	if fake.Pending() != 1 {
		t.Fatal("the flush timer fired before the interval")
	}
	if n := len(env.srv.Requests()); n != 0 || env.res.count() != 0 {
		t.Fatalf("%d requests and %d results before the flush interval", n, env.res.count())
	}

	advanced := time.Now()
	fake.Advance(time.Millisecond)
	// The dispatcher may take the last events only after the timer fired:
	// they then wait for a timer of their own.
	for {
		next := env.res.next() // before counting, so that no result is missed
		if env.res.count() >= len(ids) {
			break
		}
		if fake.WaitForTimers(1, batchEither(next, giveUp)) {
			fake.Advance(interval)
		}
		select {
		case <-giveUp:
			t.Fatalf("%d results after %v", env.res.count(), batchWait)
		default:
		}
	}
	env.res.checkOnce(t, ids)
	sent := 0
	for _, r := range env.srv.Requests() {
		if r.Time.Before(advanced) {
			t.Errorf("a request was sent before the flush interval had passed")
		}
		sent += r.NumEvents
	}
	if sent != len(ids) {
		t.Errorf("%d events sent, want %d", sent, len(ids))
	}
}

func TestBatcherBatchSizeAndFlush(t *testing.T) {
	fake := clock.NewFake(time.Now()) // never advanced: no batch leaves by the interval
	env := batchSetup(t, batchConfig{
		client:  []pinterest.Option{pinterest.WithClock(fake)},
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(5)},
	})
	evs := validEvents("size", 12)
	if err := env.b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	env.res.wait(t, 10)
	if !fake.WaitForTimers(1, batchCtx(t, batchWait).Done()) { // the last 2 wait for the interval
		t.Fatal("no flush timer for the last 2 events")
	}
	if n := env.res.count(); n != 10 {
		t.Fatalf("%d results before Flush, want 10", n)
	}
	reqs := env.srv.Requests()
	if len(reqs) != 2 || reqs[0].NumEvents != 5 || reqs[1].NumEvents != 5 {
		t.Fatalf("before Flush: %d requests, want 2 of 5 events", len(reqs))
	}
	if st := env.b.Stats(); st.Queued != 2 || st.Sent != 10 {
		t.Errorf("Stats() before Flush = %+v, want 2 queued and 10 sent", st)
	}

	if err := env.b.Flush(batchCtx(t, batchWait)); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if n := env.res.count(); n != 12 { // Flush returns once the results were delivered
		t.Fatalf("%d results after Flush, want 12", n)
	}
	reqs = env.srv.Requests()
	if len(reqs) != 3 || reqs[2].NumEvents != 2 {
		t.Fatalf("after Flush: %d requests, want a third of 2 events", len(reqs))
	}
	if fake.Pending() != 0 {
		t.Errorf("%d flush timers left after Flush", fake.Pending())
	}
	ids := eventIDs(evs)
	env.res.checkOnce(t, ids)
	batchClose(t, env.b)
	batchStats(t, env.b, pinterest.BatcherStats{Sent: 12, Processed: 12})
}

// TestBatcherFlushWaitsForResults: Flush waits for the batches already being
// sent as well as for the events it sends itself.
func TestBatcherFlushWaitsForResults(t *testing.T) {
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(2), pinterest.WithSenders(2), pinterest.WithFlushInterval(time.Hour)},
	})
	env.srv.Enqueue(
		pinteresttest.Fault{Delay: 30 * time.Millisecond},
		pinteresttest.Fault{Delay: 30 * time.Millisecond},
		pinteresttest.Fault{Delay: 30 * time.Millisecond},
	)
	if err := env.b.Add(context.Background(), validEvents("slow", 5)...); err != nil {
		t.Fatal(err)
	}
	if err := env.b.Flush(batchCtx(t, batchWait)); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if n := env.res.count(); n != 5 {
		t.Fatalf("%d results after Flush, want 5", n)
	}
	// Flush with nothing queued returns at once.
	if err := env.b.Flush(batchCtx(t, batchWait)); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	// A Flush whose context ends first says so.
	env.srv.Enqueue(pinteresttest.Fault{Delay: 200 * time.Millisecond})
	if err := env.b.Add(context.Background(), batchEvent("slower")); err != nil {
		t.Fatal(err)
	}
	if err := env.b.Flush(batchCtx(t, 20*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Flush with a short deadline = %v, want context.DeadlineExceeded", err)
	}
}

// batchLog is a concurrency-safe log buffer.
type batchLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *batchLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *batchLog) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

func TestBatcherHandlerPanics(t *testing.T) {
	logs := &batchLog{}
	var panics atomic.Int64
	env := batchSetup(t, batchConfig{
		client:  []pinterest.Option{pinterest.WithLogger(slog.New(slog.NewTextHandler(logs, nil)))},
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(10), pinterest.WithSenders(2)},
		hook: func(r pinterest.EventResult) {
			if strings.HasSuffix(r.EventID, "7") {
				panics.Add(1)
				panic("handler bug")
			}
		},
	})
	const n = 200
	evs := validEvents("p", n)
	ids := eventIDs(evs)
	for _, ev := range evs {
		if err := env.b.Add(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	batchClose(t, env.b)
	env.res.checkOnce(t, ids)
	if panics.Load() != 20 {
		t.Errorf("%d panics, want 20", panics.Load())
	}
	if got := logs.count("result handler panicked"); got != 20 {
		t.Errorf("%d panics logged, want 20", got)
	}
	if got := len(env.srv.Events()); got != n {
		t.Errorf("the server got %d events, want %d", got, n)
	}
	batchStats(t, env.b, pinterest.BatcherStats{Sent: n, Processed: n})
}

func TestBatcherHandlerBlocksForever(t *testing.T) {
	release, unblock := batchRelease()
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(5), pinterest.WithSenders(2)},
		hook:    func(pinterest.EventResult) { <-release },
		release: unblock,
	})
	const n = 40
	evs := validEvents("stuck", n)
	ids := eventIDs(evs)
	if err := env.b.Add(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	env.res.wait(t, 2) // both senders are stuck

	const closeWithin = 50 * time.Millisecond
	start := time.Now()
	err := env.b.Close(batchCtx(t, closeWithin))
	if took := time.Since(start); took > closeWithin+batchPrompt {
		t.Errorf("Close took %v with a deadline of %v", took, closeWithin)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want context.DeadlineExceeded", err)
	}

	unblock()
	batchClose(t, env.b)
	env.res.checkOnce(t, ids)
	for _, r := range env.res.snapshot() {
		if !r.OK() && !errors.Is(r.Err, pinterest.ErrClosed) {
			t.Errorf("event %s: %v, want processed or ErrClosed", r.EventID, r.Err)
		}
	}
	st := env.b.Stats()
	if st.Sent != n || st.Processed+st.Failed != n || st.Queued != 0 || st.InFlight != 0 {
		t.Errorf("Stats() = %+v, want %d sent", st, n)
	}
}

func TestBatcherNilAndInvalidEvents(t *testing.T) {
	env := batchSetup(t, batchConfig{})
	ctx := context.Background()
	for _, evs := range [][]*pinterest.Event{{nil}, {batchEvent("ok-1"), nil}, {nil, batchEvent("ok-2")}} {
		err := env.b.Add(ctx, evs...)
		if err == nil || errors.Is(err, pinterest.ErrClosed) || errors.Is(err, pinterest.ErrQueueFull) {
			t.Errorf("Add with a nil event = %v, want an error", err)
		}
	}
	if st := env.b.Stats(); st != (pinterest.BatcherStats{}) {
		t.Errorf("Stats() after refused Adds = %+v, want nothing", st)
	}
	if err := env.b.Flush(batchCtx(t, batchWait)); err != nil {
		t.Fatal(err)
	}
	if env.res.count() != 0 || len(env.srv.Requests()) != 0 {
		t.Fatalf("a refused Add queued something")
	}

	noUser := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("no-user").At(time.Now())
	noID := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).At(time.Now()).User(batchUser)
	if err := env.b.Add(ctx, noUser, batchEvent("valid"), noID); err != nil {
		t.Fatal(err)
	}
	batchClose(t, env.b)
	env.res.checkOnce(t, []string{"no-user", "valid", ""})
	for _, r := range env.res.snapshot() {
		var fe *pinterest.FieldError
		switch r.EventID {
		case "valid":
			if !r.OK() {
				t.Errorf("valid event: %v", r.Err)
			}
		case "no-user", "":
			if r.OK() || !errors.As(r.Err, &fe) {
				t.Errorf("invalid event %q: status %s, error %v, want a *FieldError", r.EventID, r.Status, r.Err)
			} else if want := map[string]string{"no-user": "user_data", "": "event_id"}[r.EventID]; fe.Field != want {
				t.Errorf("invalid event %q: field %q, want %q", r.EventID, fe.Field, want)
			}
			if r.Attempts != 0 {
				t.Errorf("invalid event %q: %d attempts, want 0", r.EventID, r.Attempts)
			}
		}
	}
	if got := len(env.srv.Events()); got != 1 {
		t.Errorf("the server got %d events, want 1", got)
	}
	batchStats(t, env.b, pinterest.BatcherStats{Sent: 3, Processed: 1, Failed: 2})
}

// TestBatcherResultIndex: each result's Index is the event's rank among the
// Adds, and its EventID is that event's.
func TestBatcherResultIndex(t *testing.T) {
	env := batchSetup(t, batchConfig{
		batcher: []pinterest.BatcherOption{pinterest.WithBatchSize(7), pinterest.WithSenders(3)},
	})
	const n = 250
	evs := validEvents("idx", n)
	for i := 0; i < n; i += 10 { // mixed call sizes
		if err := env.b.Add(context.Background(), evs[i:i+1]...); err != nil {
			t.Fatal(err)
		}
		if err := env.b.Add(context.Background(), evs[i+1:i+10]...); err != nil {
			t.Fatal(err)
		}
	}
	batchClose(t, env.b)
	seen := make(map[int]bool)
	for _, r := range env.res.snapshot() {
		if r.Index < 0 || r.Index >= n {
			t.Errorf("event %s: Index %d out of [0, %d)", r.EventID, r.Index, n)
			continue
		}
		if seen[r.Index] {
			t.Errorf("Index %d reported twice", r.Index)
		}
		seen[r.Index] = true
		if want := evs[r.Index].EventID(); r.EventID != want {
			t.Errorf("Index %d: EventID %q, want %q", r.Index, r.EventID, want)
		}
		if r.Attempts != 1 {
			t.Errorf("event %s: %d attempts, want 1", r.EventID, r.Attempts)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct indexes, want %d", len(seen), n)
	}
}

// TestBatcherWithoutHandler: without a result handler, failed events are
// logged and counted.
func TestBatcherWithoutHandler(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	srv.FailEvents(func(e pinteresttest.Event) string {
		if e.EventID == "bad" {
			return "rejected for the test"
		}
		return ""
	})
	logs := &batchLog{}
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit(),
		pinterest.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher(testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Add(context.Background(), batchEvent("good"), batchEvent("bad")); err != nil {
		t.Fatal(err)
	}
	batchClose(t, b)
	if got := logs.count("batch failed"); got != 1 {
		t.Errorf("%d failures logged, want 1:\n%s", got, logs.buf.String())
	}
	batchStats(t, b, pinterest.BatcherStats{Sent: 2, Processed: 1, Failed: 1})
}
