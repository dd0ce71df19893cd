package pinterest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// The full path, in process: build 1,000 events from messy raw data and Send
// them through an http.RoundTripper that answers as Pinterest does, without a
// socket. Run it beside the floor so that the ratio comes from one run:
//
//	go test -run XXX -bench 'Floor1000|FullPath1000' -benchmem -cpu 1,2 -count 8 .
//
// FullPath1000Parallel runs one sender per GOMAXPROCS: with -cpu 2, two
// goroutines share one Client, each building and sending its own 1,000 events.
//
// Besides ns/op (wall time) they report cpu-ns/op, the CPU time of the whole
// process per operation, which a loaded machine disturbs much less; for the
// parallel benchmark it is the CPU time of both senders.

// perfTransport is an in-process Pinterest: it reads the whole request body,
// counts its events and answers 200 with one "processed" status per event, in
// the shape and with the headers pinteresttest (and Pinterest) use. Its own
// buffers are reused, so that -benchmem counts the SDK's allocations.
type perfTransport struct {
	mu      sync.Mutex
	bufs    []*bytes.Buffer // request bodies; not a sync.Pool, which the GC empties
	answers sync.Map        // event count -> []byte answer body
}

func (t *perfTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	var body *bytes.Buffer
	if n := len(t.bufs); n > 0 {
		body, t.bufs = t.bufs[n-1], t.bufs[:n-1]
	} else {
		body = new(bytes.Buffer)
	}
	t.mu.Unlock()
	body.Reset()
	_, err := body.ReadFrom(req.Body)
	req.Body.Close() // a RoundTripper must close the body, even on errors
	if err != nil {
		return nil, err
	}
	n := bytes.Count(body.Bytes(), []byte(`"event_name":`))
	t.mu.Lock()
	t.bufs = append(t.bufs, body)
	t.mu.Unlock()
	answer := t.answer(n)
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(answer))}},
		Body:          io.NopCloser(bytes.NewReader(answer)),
		ContentLength: int64(len(answer)),
		Request:       req,
	}, nil
}

// answer is Pinterest's 200 body for n events, all processed.
func (t *perfTransport) answer(n int) []byte {
	if a, ok := t.answers.Load(n); ok {
		return a.([]byte)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, `{"num_events_received":%d,"num_events_processed":%d,"events":[`, n, n)
	for i := 0; i < n; i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString(`{"status":"processed","error_message":"","warning_message":""}`)
	}
	out.WriteString("]}")
	a, _ := t.answers.LoadOrStore(n, out.Bytes())
	return a.([]byte)
}

// perfInProcessClient is a client of an in-process Pinterest, rate limiting off.
func perfInProcessClient(tb testing.TB) *pinterest.Client {
	c, err := pinterest.NewClient("bench-token",
		pinterest.WithHTTPClient(&http.Client{Transport: &perfTransport{}}),
		pinterest.WithoutRateLimit())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// perfFullPath builds the events of data and sends them with c, once.
func perfFullPath(tb testing.TB, c *pinterest.Client, data []perfRaw, evs []*pinterest.Event) {
	for i := range data {
		evs[i] = perfEvent(&data[i])
	}
	res, err := c.Send(context.Background(), "549755885175", evs...)
	if err != nil || res.Processed != len(data) {
		tb.Fatalf("processed %d of %d: %v", res.Processed, len(data), err)
	}
}

// BenchmarkFullPath1000 is the whole path for one sender: build 1,000 events
// from messy raw data (normalize, hash), then Send them (validate, encode, one
// request, decode the answer, 1,000 results) through an in-process transport.
func BenchmarkFullPath1000(b *testing.B) {
	c := perfInProcessClient(b)
	data := perfData(perfBatch)
	evs := make([]*pinterest.Event, perfBatch)
	b.ReportAllocs()
	cpu := perfCPU(b)
	for b.Loop() {
		perfFullPath(b, c, data, evs)
	}
	cpu()
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFullPath1000Parallel is BenchmarkFullPath1000 with one sender per
// GOMAXPROCS sharing the client: with -cpu 2, two goroutines.
func BenchmarkFullPath1000Parallel(b *testing.B) {
	c := perfInProcessClient(b)
	data := perfData(perfBatch)
	b.ReportAllocs()
	cpu := perfCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		evs := make([]*pinterest.Event, perfBatch)
		for pb.Next() {
			perfFullPath(b, c, data, evs)
		}
	})
	cpu()
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// TestPerfTransportAnswersLikePinterest keeps the in-process transport honest:
// for the same request it must answer what pinteresttest answers, byte for
// byte, or the benchmark measures another decoding.
func TestPerfTransportAnswersLikePinterest(t *testing.T) {
	data := perfData(3)
	evs := make([]*pinterest.Event, len(data))
	for i := range data {
		evs[i] = perfEvent(&data[i])
	}
	body := perfBody(nil, evs)
	post := func(rt http.RoundTripper, url string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer test-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, got
	}
	srv := pinteresttest.NewServerT(t)
	wantResp, want := post(srv.Client().Transport, srv.EventsURL("549755885175"))
	gotResp, got := post(&perfTransport{}, srv.EventsURL("549755885175"))
	if wantResp.StatusCode != 200 || gotResp.StatusCode != 200 {
		t.Fatalf("status %d, pinteresttest %d", gotResp.StatusCode, wantResp.StatusCode)
	}
	if string(got) != string(want) {
		t.Errorf("answer:\n got %s\nwant %s", got, want)
	}
	if gotResp.ContentLength != int64(len(got)) || gotResp.Header.Get("Content-Type") != wantResp.Header.Get("Content-Type") {
		t.Errorf("Content-Length %d, Content-Type %q; want %d, %q", gotResp.ContentLength, gotResp.Header.Get("Content-Type"), len(got), wantResp.Header.Get("Content-Type"))
	}
}

// perfEventReused builds the checkout event of BenchmarkFullPath1000 in the
// reused memory of buf: the Event, its UserData and its contents.
func perfEventReused(buf *pinterest.EventBuffer, d *perfRaw) *pinterest.Event {
	ev := buf.Event(pinterest.EventCheckout, pinterest.SourceWeb).ID(d.orderID).At(perfNow)
	ev.UserData().
		Email(d.email).Phone(d.phone).Gender(d.gender).DateOfBirthString(d.dob).
		FirstName(d.first).LastName(d.last).City(d.city).State(d.state).Zip(d.zip).
		ClientIP(d.ip).UserAgent(d.ua)
	return ev.Custom(pinterest.CustomData{Currency: "USD", Value: d.value, OrderID: d.orderID}).
		AddContents(pinterest.Content{ID: d.sku, ItemPrice: d.price, Quantity: 1})
}

// perfFullPathReused is perfFullPath for a caller that reuses its events.
func perfFullPathReused(tb testing.TB, c *pinterest.Client, data []perfRaw, buf *pinterest.EventBuffer) {
	buf.Reset()
	for i := range data {
		perfEventReused(buf, &data[i])
	}
	res, err := c.Send(context.Background(), "549755885175", buf.Events()...)
	if err != nil || res.Processed != len(data) {
		tb.Fatalf("processed %d of %d: %v", res.Processed, len(data), err)
	}
}

// BenchmarkFullPathReuse1000 is BenchmarkFullPath1000 for a bulk caller that
// builds each round of events in the memory of the last (EventBuffer).
func BenchmarkFullPathReuse1000(b *testing.B) {
	c := perfInProcessClient(b)
	data := perfData(perfBatch)
	buf := c.NewEventBuffer()
	b.ReportAllocs()
	cpu := perfCPU(b)
	for b.Loop() {
		perfFullPathReused(b, c, data, buf)
	}
	cpu()
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFullPathReuse1000Parallel is BenchmarkFullPathReuse1000 with one
// sender, and one EventBuffer, per GOMAXPROCS: with -cpu 2, two goroutines.
func BenchmarkFullPathReuse1000Parallel(b *testing.B) {
	c := perfInProcessClient(b)
	data := perfData(perfBatch)
	b.ReportAllocs()
	cpu := perfCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		buf := c.NewEventBuffer()
		for pb.Next() {
			perfFullPathReused(b, c, data, buf)
		}
	})
	cpu()
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// TestReusedEventsEncodeAsNew keeps the reuse benchmark honest: its events
// must encode byte for byte as those of BenchmarkFullPath1000, round after
// round.
func TestReusedEventsEncodeAsNew(t *testing.T) {
	data := perfData(50)
	c := perfInProcessClient(t)
	buf := c.NewEventBuffer()
	for round := 0; round < 3; round++ {
		buf.Reset()
		for i := range data {
			got := string(perfEventReused(buf, &data[(i+round)%len(data)]).AppendJSON(nil))
			want := string(perfEvent(&data[(i+round)%len(data)]).AppendJSON(nil))
			if got != want {
				t.Fatalf("round %d, event %d:\nreused %s\nnew    %s", round, i, got, want)
			}
		}
	}
}
