package pinteresttest_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest/pinteresttest"
)

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault pinteresttest.Fault
		want  apiError
	}{
		{pinteresttest.Fault{Status: 400}, apiError{Code: 4196, Message: "The request was invalid."}},
		{pinteresttest.Fault{Status: 401}, apiError{Code: 2, Message: "Authentication failed."}},
		{pinteresttest.Fault{Status: 403}, apiError{Code: 29, Message: "You are not permitted to access that resource."}},
		{pinteresttest.Fault{Status: 404}, apiError{Code: 404, Message: "Not found."}},
		{pinteresttest.Fault{Status: 422}, apiError{Code: 422, Message: "Not all events were successfully processed.", Details: &apiResponse{}}},
		{pinteresttest.Fault{Status: 429, RetryAfter: "2"}, apiError{Code: 8, Message: "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window."}},
		{pinteresttest.Fault{Status: 500}, apiError{Code: 500, Message: "Internal server error."}},
		{pinteresttest.Fault{Status: 502}, apiError{Code: 502, Message: "Bad gateway."}},
		{pinteresttest.Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"}, apiError{Code: 4197, Message: "The endpoint has been ramped down and is currently not accepting any traffic."}},
		{pinteresttest.Fault{Status: 504, RetryAfter: "soon"}, apiError{Code: 504, Message: "Gateway timeout."}},
		{pinteresttest.Fault{Status: 418}, apiError{Code: 418, Message: "I'm a teapot"}},
		{pinteresttest.Fault{Status: 503, Code: 1, Message: "custom"}, apiError{Code: 1, Message: "custom"}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.fault.Status)+tt.fault.Message, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			srv.Enqueue(tt.fault)
			got := post(t, srv, validEvent("e1"))
			if got.Status != tt.fault.Status {
				t.Errorf("status = %d, want %d", got.Status, tt.fault.Status)
			}
			if diff := cmp.Diff(tt.want, decodeErr(t, got)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			if ct := got.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if ra := got.Header.Get("Retry-After"); ra != tt.fault.RetryAfter {
				t.Errorf("Retry-After = %q, want %q", ra, tt.fault.RetryAfter)
			}
			if n := len(srv.Events()); n != 0 {
				t.Errorf("%d events recorded, want none", n)
			}
			// The queue is empty again: the next request is handled normally.
			if got := post(t, srv, validEvent("e2")); got.Status != 200 {
				t.Errorf("next request: status = %d, want 200", got.Status)
			}
			reqs := srv.Requests()
			if reqs[0].Fault == nil || *reqs[0].Fault != tt.fault || reqs[0].Status != tt.fault.Status || reqs[1].Fault != nil {
				t.Errorf("requests = %+v", reqs)
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	t.Run("client gives up", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t, fixedClock())
		// The delay never elapses: the client gives up as soon as the server
		// holds the request.
		srv.Enqueue(pinteresttest.Fault{Delay: time.Minute})
		ctx := cancelWhen(t, func() bool { return len(srv.Requests()) == 1 })
		_, err := doErr(ctx, srv, request{body: body(t, validEvent("e1"))})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		// The request was not processed and got no answer.
		srv.Close() // waits for the handler
		if n := len(srv.Events()); n != 0 {
			t.Errorf("%d events recorded, want none", n)
		}
		if r := srv.Requests(); len(r) != 1 || r[0].Status != 0 {
			t.Errorf("requests = %+v, want one with Status 0", r)
		}
	})
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t, fixedClock())
		srv.Enqueue(pinteresttest.Fault{Delay: 20 * time.Millisecond, RetryAfter: "1"})
		start := time.Now()
		got := post(t, srv, validEvent("e1"))
		if el := time.Since(start); el < 20*time.Millisecond {
			t.Errorf("answered after %v, want at least 20ms", el)
		}
		decodeOK(t, got)
		if ra := got.Header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After = %q, want 1", ra)
		}
		if diff := cmp.Diff([]string{"e1"}, eventIDs(srv.Events())); diff != "" {
			t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	srv.Enqueue(pinteresttest.Fault{Drop: true})
	_, err := doErr(context.Background(), srv, request{body: body(t, validEvent("e1"))})
	if err == nil {
		t.Fatal("no error from a dropped connection")
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("err = %v, want EOF or connection reset", err)
	}
	if n := len(srv.Events()); n != 0 {
		t.Errorf("%d events recorded, want none", n)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].Status != 0 || !r[0].Fault.Drop {
		t.Errorf("requests = %+v", r)
	}
	if got := post(t, srv, validEvent("e2")); got.Status != 200 {
		t.Errorf("next request: status = %d, want 200", got.Status)
	}
}

func TestFaultBody(t *testing.T) {
	t.Parallel()
	html := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	tests := []struct {
		name      string
		fault     pinteresttest.Fault
		wantCode  int
		wantCType string
	}{
		{"HTML page", pinteresttest.Fault{Status: 502, Body: html, RetryAfter: "3"}, 502, "text/html; charset=utf-8"},
		{"malformed JSON", pinteresttest.Fault{Body: `{"num_events_received":`}, 200, "application/json"},
		{"not JSON at all", pinteresttest.Fault{Body: "OK"}, 200, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			srv.Enqueue(tt.fault)
			got := post(t, srv, validEvent("e1"))
			if got.Status != tt.wantCode {
				t.Errorf("status = %d, want %d", got.Status, tt.wantCode)
			}
			if ct := got.Header.Get("Content-Type"); ct != tt.wantCType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCType)
			}
			if string(got.Body) != tt.fault.Body {
				t.Errorf("body = %q, want %q", got.Body, tt.fault.Body)
			}
			if ra := got.Header.Get("Retry-After"); ra != tt.fault.RetryAfter {
				t.Errorf("Retry-After = %q, want %q", ra, tt.fault.RetryAfter)
			}
			if n := len(srv.Events()); n != 0 {
				t.Errorf("%d events recorded, want none", n)
			}
		})
	}
}

func TestFaultTruncate(t *testing.T) {
	t.Parallel()
	full503 := `{"code":4197,"message":"The endpoint has been ramped down and is currently not accepting any traffic."}`
	full200 := `{"num_events_received":1,"num_events_processed":1,"events":[{"status":"processed","error_message":"","warning_message":""}]}`
	tests := []struct {
		name       string
		fault      pinteresttest.Fault
		wantStatus int
		wantFull   string
		wantRecord bool
	}{
		{"error answer", pinteresttest.Fault{Status: 503, Truncate: true, RetryAfter: "1"}, 503, full503, false},
		{"normal answer, not recorded", pinteresttest.Fault{Truncate: true}, 200, full200, false},
		{"normal answer, processed", pinteresttest.Fault{Truncate: true, Process: true}, 200, full200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			srv.Enqueue(tt.fault)
			got, err := doErr(context.Background(), srv, request{body: body(t, validEvent("e1"))})
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.Status, tt.wantStatus)
			}
			if cl := got.Header.Get("Content-Length"); cl != strconv.Itoa(len(tt.wantFull)) {
				t.Errorf("Content-Length = %s, want %d", cl, len(tt.wantFull))
			}
			if ct := got.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if ra := got.Header.Get("Retry-After"); ra != tt.fault.RetryAfter {
				t.Errorf("Retry-After = %q, want %q", ra, tt.fault.RetryAfter)
			}
			if want := tt.wantFull[:len(tt.wantFull)/2]; string(got.Body) != want {
				t.Errorf("body = %q, want %q", got.Body, want)
			}
			if rec := len(srv.Events()) == 1; rec != tt.wantRecord {
				t.Errorf("recorded = %v, want %v", rec, tt.wantRecord)
			}
		})
	}
}

// TestFaultProcess checks faults applied after the events were recorded:
// the client does not see the answer, Pinterest has the events.
func TestFaultProcess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      pinteresttest.Fault
		cancel     bool // cancel the request once the events are recorded
		wantStatus int  // 0: a transport error
	}{
		{"500", pinteresttest.Fault{Process: true, Status: 500}, false, 500},
		{"drop", pinteresttest.Fault{Process: true, Drop: true}, false, 0},
		{"HTML", pinteresttest.Fault{Process: true, Status: 504, Body: "<html>timeout</html>"}, false, 504},
		// The delay never elapses: the client gives up once the events are
		// recorded.
		{"delay beyond the client's patience", pinteresttest.Fault{Process: true, Delay: time.Minute}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			srv.Enqueue(tt.fault)
			ctx := context.Background()
			if tt.cancel {
				ctx = cancelWhen(t, func() bool { return len(srv.Events()) == 1 })
			}
			got, err := doErr(ctx, srv, request{body: body(t, validEvent("e1"), edited(set("event_id", "")))})
			if tt.wantStatus == 0 {
				if err == nil {
					t.Fatalf("got an answer %d, want a transport error", got.Status)
				}
			} else if err != nil || got.Status != tt.wantStatus {
				t.Fatalf("status = %d, err = %v, want %d", got.Status, err, tt.wantStatus)
			}
			srv.Close() // wait for the handler to end
			if diff := cmp.Diff([]string{"e1"}, eventIDs(srv.Events())); diff != "" {
				t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
			}
			r := srv.Requests()[0]
			if r.NumEvents != 2 || r.NumProcessed != 1 || r.Status != tt.wantStatus {
				t.Errorf("request record = %+v", r)
			}
		})
	}
}

func TestFaultQueue(t *testing.T) {
	t.Parallel()
	t.Run("in order, one per request, any path", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t, fixedClock())
		srv.Enqueue(pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 429})
		srv.Enqueue(pinteresttest.Fault{Status: 500})
		var got []int
		got = append(got, do(t, srv, request{path: "/elsewhere"}).Status)
		for range 3 {
			got = append(got, post(t, srv, validEvent("e")).Status)
		}
		if diff := cmp.Diff([]int{503, 429, 500, 200}, got); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("Reset clears the queue", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t, fixedClock())
		srv.Enqueue(pinteresttest.Fault{Status: 503})
		srv.Reset()
		if got := post(t, srv, validEvent("e")).Status; got != 200 {
			t.Errorf("status = %d, want 200", got)
		}
	})
	t.Run("invalid status panics", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t)
		defer func() {
			if recover() == nil {
				t.Error("Enqueue did not panic")
			}
		}()
		srv.Enqueue(pinteresttest.Fault{Status: 99})
	})
	t.Run("consumed exactly once under concurrency", func(t *testing.T) {
		t.Parallel()
		srv := pinteresttest.NewServerT(t, fixedClock())
		for range 10 {
			srv.Enqueue(pinteresttest.Fault{Status: 503})
		}
		var mu sync.Mutex
		counts := map[int]int{}
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := doErr(t.Context(), srv, request{body: body(t, validEvent("e"))})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				counts[a.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if diff := cmp.Diff(map[int]int{200: 40, 503: 10}, counts); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestCloseDuringDelay checks that Close ends a pending Delay at once. The
// delay is long, but it never elapses: Close must cut it short.
func TestCloseDuringDelay(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServer(fixedClock())
	srv.Enqueue(pinteresttest.Fault{Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		_, err := doErr(context.Background(), srv, request{body: body(t, validEvent("e1"))})
		errc <- err
	}()
	// Wait until the handler holds the request.
	deadline := time.Now().Add(2 * time.Second)
	for len(srv.Requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the request never reached the server")
		}
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close hangs while a Delay is pending")
	}
	if err := <-errc; err == nil {
		t.Error("the client got an answer, want a closed connection")
	}
	if _, err := doErr(context.Background(), srv, request{body: body(t, validEvent("e2"))}); err == nil {
		t.Error("the server still answers after Close")
	}
}

// cancelWhen returns a context that is canceled as soon as cond holds (or
// after 5 seconds, to never hang).
func cancelWhen(t *testing.T, cond func() bool) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		defer cancel()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}()
	return ctx
}
