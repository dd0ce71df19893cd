package pinterest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// batchTransport answers every request in memory, without a network: 200 and
// one "processed" status per event of the request's body.
// While gate holds an open channel, requests wait until it is closed.
type batchTransport struct {
	answers [pinterest.DefaultMaxEventsPerRequest + 1]atomic.Pointer[[]byte] // by event count, made once
	seen    atomic.Int64                                                     // events answered
	gate    atomic.Pointer[chan struct{}]
	bufs    sync.Pool
}

func (t *batchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if g := t.gate.Load(); g != nil {
		<-*g
	}
	bp, _ := t.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer t.bufs.Put(bp)
	body := slices.Grow((*bp)[:0], int(req.ContentLength)+1)
	body, err := batchReadAll(body, req.Body)
	*bp = body
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	n := bytes.Count(body, []byte(`{"event_name":`))
	if n > pinterest.DefaultMaxEventsPerRequest {
		n = 0 // an answer the client refuses: it would show in the results
	}
	t.seen.Add(int64(n))
	ans := t.answers[n].Load()
	if ans == nil {
		b := []byte(`{"num_events_received":` + strconv.Itoa(n) + `,"num_events_processed":` + strconv.Itoa(n) + `,"events":[`)
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"status":"processed"}`...)
		}
		b = append(b, "]}"...)
		ans = &b
		t.answers[n].Store(ans)
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(*ans)),
		ContentLength: int64(len(*ans)),
		Request:       req,
	}, nil
}

// batchReadAll appends what r holds to dst.
func batchReadAll(dst []byte, r io.Reader) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, 4096)
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

// batchBenchEvents returns n prepared events, added in turn by the benchmarks.
func batchBenchEvents(n int) []*pinterest.Event {
	evs := make([]*pinterest.Event, n)
	now := time.Now()
	for i := range evs {
		evs[i] = pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
			ID("bench-" + strconv.Itoa(i)).At(now).User(batchUser)
	}
	return evs
}

// BenchmarkBatcherAdd measures Add of prepared events into a Batcher whose
// sending costs only the SDK's own work: the HTTP transport answers in memory.
// The queue (16 batches) is large enough that Add never waits for a batch to
// be sent, and small enough that Add cannot run far ahead of the senders: the
// figure is the rate that Add can keep up, sending included (on one core,
// Add, the dispatcher and the senders share it). BenchmarkBatcherAddQueued
// measures Add alone.
func BenchmarkBatcherAdd(b *testing.B) {
	tr := &batchTransport{}
	c, err := pinterest.NewClient("bench-token",
		pinterest.WithBaseURL("https://api.pinterest.invalid"),
		pinterest.WithHTTPClient(&http.Client{Transport: tr}),
		pinterest.WithoutRateLimit())
	if err != nil {
		b.Fatal(err)
	}
	var failed atomic.Int64
	bt, err := c.NewBatcher(testAccount,
		pinterest.WithQueueSize(16*pinterest.DefaultBatchSize),
		pinterest.WithResultHandler(func(r pinterest.EventResult) {
			if !r.OK() {
				failed.Add(1)
			}
		}))
	if err != nil {
		b.Fatal(err)
	}
	evs := batchBenchEvents(1 << 12)
	mask := len(evs) - 1
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := bt.Add(ctx, evs[i&mask]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")

	if err := bt.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if st := bt.Stats(); st.Processed != i || failed.Load() != 0 || tr.seen.Load() != int64(i) {
		b.Fatalf("%d events added, %d answered, stats %+v", i, tr.seen.Load(), st)
	}
}

// BenchmarkBatcherAddQueued measures Add alone: the senders are held back
// while the events are added (and let go, untimed, every 1<<16 events), so
// Add never waits for room and nothing competes with it for the CPU.
func BenchmarkBatcherAddQueued(b *testing.B) {
	const round = 1 << 16
	tr := &batchTransport{}
	gate := make(chan struct{})
	tr.gate.Store(&gate)
	c, err := pinterest.NewClient("bench-token",
		pinterest.WithBaseURL("https://api.pinterest.invalid"),
		pinterest.WithHTTPClient(&http.Client{Transport: tr}),
		pinterest.WithoutRateLimit())
	if err != nil {
		b.Fatal(err)
	}
	bt, err := c.NewBatcher(testAccount, pinterest.WithQueueSize(round))
	if err != nil {
		b.Fatal(err)
	}
	evs := batchBenchEvents(1 << 12)
	mask := len(evs) - 1
	ctx := context.Background()
	let := func() { // lets the senders send everything, and holds them back again
		close(gate)
		if err := bt.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		gate = make(chan struct{})
		tr.gate.Store(&gate)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%round == 0 && i > 0 {
			b.StopTimer()
			let()
			b.StartTimer()
		}
		if err := bt.Add(ctx, evs[i&mask]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	close(gate)
	if err := bt.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if st := bt.Stats(); st.Processed != b.N {
		b.Fatalf("%d events added, stats %+v", b.N, st)
	}
}

// BenchmarkBatcherEndToEnd measures Add and Close of prepared events sent to
// the fake server over loopback HTTP, which decodes, validates and records
// them: the time runs until every result was delivered.
func BenchmarkBatcherEndToEnd(b *testing.B) {
	srv := pinteresttest.NewServerT(b)
	c, err := pinterest.NewClient("bench-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit())
	if err != nil {
		b.Fatal(err)
	}
	var processed atomic.Int64
	bt, err := c.NewBatcher(testAccount, pinterest.WithResultHandler(func(r pinterest.EventResult) {
		if r.OK() {
			processed.Add(1)
		}
	}))
	if err != nil {
		b.Fatal(err)
	}
	evs := batchBenchEvents(1 << 12)
	mask := len(evs) - 1
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := bt.Add(ctx, evs[i&mask]); err != nil {
			b.Fatal(err)
		}
	}
	if err := bt.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if n := processed.Load(); n != int64(b.N) {
		b.Fatalf("%d of %d events processed", n, b.N)
	}
}
