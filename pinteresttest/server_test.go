package pinteresttest_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/capisdk/pinterest/pinteresttest"
)

func TestWithToken(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock(), pinteresttest.WithToken("secret-1"))
	tests := []struct {
		name       string
		auth       string
		wantStatus int
	}{
		{"the token", "Bearer secret-1", 200},
		{"another token", "Bearer secret-2", 401},
		{"a prefix of the token", "Bearer secret-", 401},
		{"no token", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, request{auth: strp(tt.auth), body: body(t, validEvent("e1"))})
			if got.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.Status, tt.wantStatus)
			}
		})
	}
	for _, r := range srv.Requests() {
		for k, v := range r.Header {
			if strings.Contains(strings.Join(v, " "), "secret") {
				t.Errorf("request header %s keeps the token", k)
			}
		}
		if strings.Contains(fmt.Sprintf("%+v", r), "secret") {
			t.Error("a recorded request contains the token")
		}
	}
}

func TestWithAdAccounts(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock(), pinteresttest.WithAdAccounts(account))
	ok := post(t, srv, validEvent("e1"))
	if ok.Status != 200 {
		t.Errorf("permitted account: status %d, want 200", ok.Status)
	}
	got := do(t, srv, request{path: "/v5/ad_accounts/42/events", body: body(t, validEvent("e2"))})
	want := apiError{Code: 29, Message: "You are not permitted to access that resource."}
	if got.Status != 403 {
		t.Errorf("other account: status %d, want 403", got.Status)
	}
	if diff := cmp.Diff(want, decodeErr(t, got)); diff != "" {
		t.Errorf("error body mismatch (-want +got):\n%s", diff)
	}
}

func TestTestMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query      string
		wantTest   bool
		wantRecord bool
	}{
		{"test=true", true, false},
		{"test=TRUE", true, false},
		{"test=1", true, false},
		{"test=false", false, true},
		{"", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, fixedClock())
			res := decodeOK(t, do(t, srv, request{query: tt.query, body: body(t, validEvent("e1"), edited(set("event_id", "")))}))
			// The answer is the same as for a real request.
			want := apiResponse{NumEventsReceived: 2, NumEventsProcessed: 1,
				Events: []eventResult{processed(), failed("event_id must not be empty")}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
			if got := len(srv.Events()) == 1; got != tt.wantRecord {
				t.Errorf("event recorded = %v, want %v", got, tt.wantRecord)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].Test != tt.wantTest {
				t.Errorf("Requests() = %+v, want one with Test %v", reqs, tt.wantTest)
			}
		})
	}
}

func TestPartialFailureStatus(t *testing.T) {
	t.Parallel()
	mixed := []map[string]any{validEvent("ok"), edited(set("event_id", ""))}
	details := apiResponse{NumEventsReceived: 2, NumEventsProcessed: 1,
		Events: []eventResult{processed(), failed("event_id must not be empty")}}
	tests := []struct {
		name       string
		opts       []pinteresttest.Option
		events     []map[string]any
		wantStatus int
		wantBody   any
	}{
		{"default 200", nil, mixed, 200, details},
		{"422", []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, mixed, 422,
			apiError{Code: 422, Message: "Not all events were successfully processed.", Details: &details}},
		{"422 but all processed", []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)},
			[]map[string]any{validEvent("ok")}, 200,
			apiResponse{NumEventsReceived: 1, NumEventsProcessed: 1, Events: []eventResult{processed()}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pinteresttest.NewServerT(t, append(tt.opts, fixedClock())...)
			got := post(t, srv, tt.events...)
			if got.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", got.Status, tt.wantStatus)
			}
			var body any
			if tt.wantStatus == 200 {
				body = decodeOK(t, got)
			} else {
				body = decodeErr(t, got)
			}
			if diff := cmp.Diff(tt.wantBody, body); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			// The processed event is recorded either way.
			if diff := cmp.Diff([]string{"ok"}, eventIDs(srv.Events())); diff != "" {
				t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
			}
			r := srv.Requests()[0]
			if r.NumEvents != len(tt.events) || r.NumProcessed != 1 || r.Status != tt.wantStatus {
				t.Errorf("request record = %+v", r)
			}
		})
	}
}

func TestFailEvents(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	var mu sync.Mutex
	var seen []string
	srv.FailEvents(func(e pinteresttest.Event) string {
		mu.Lock()
		seen = append(seen, e.EventID)
		mu.Unlock()
		if strings.HasPrefix(e.EventID, "fail") {
			return "injected failure"
		}
		return ""
	})
	tests := []struct {
		name   string
		events []map[string]any
		want   []eventResult
		seen   []string
	}{
		{"injected", []map[string]any{validEvent("a"), validEvent("fail-b"), edited(set("event_id", "fail-c"), set("event_name", "x"))},
			[]eventResult{processed(), failed("injected failure"), failed("event_name is not one of the supported event names")},
			[]string{"a", "fail-b"}}, // invalid events are not offered to fn
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeOK(t, post(t, srv, tt.events...))
			if diff := cmp.Diff(tt.want, res.Events); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.seen, seen); diff != "" {
				t.Errorf("fn calls mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"a"}, eventIDs(srv.Events())); diff != "" {
				t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("nil clears", func(t *testing.T) {
		srv.FailEvents(nil)
		res := decodeOK(t, post(t, srv, validEvent("fail-d")))
		if diff := cmp.Diff([]eventResult{processed()}, res.Events); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestWarnEvents(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	srv.WarnEvents(func(e pinteresttest.Event) string {
		if e.CustomData == nil {
			return "custom_data is recommended"
		}
		return ""
	})
	res := decodeOK(t, post(t, srv, validEvent("a"), edited(set("custom_data.currency", "USD")), edited(set("event_id", ""))))
	want := []eventResult{
		{Status: "processed", WarningMessage: "custom_data is recommended"},
		processed(),
		{Status: "failed", ErrorMessage: "event_id must not be empty", WarningMessage: "custom_data is recommended"},
	}
	if diff := cmp.Diff(want, res.Events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	srv.WarnEvents(nil)
	res = decodeOK(t, post(t, srv, validEvent("b")))
	if diff := cmp.Diff([]eventResult{processed()}, res.Events); diff != "" {
		t.Errorf("after nil: events mismatch (-want +got):\n%s", diff)
	}
}

func TestWithRateLimit(t *testing.T) {
	t.Parallel()
	clock := &manualClock{now: testNow}
	srv := pinteresttest.NewServerT(t, pinteresttest.WithClock(clock.Now), pinteresttest.WithRateLimit(3, time.Second))
	other := "/v5/ad_accounts/42/events"
	rateLimited := apiError{Code: 8, Message: "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window."}

	steps := []struct {
		name    string
		advance time.Duration
		path    string
		want    int
	}{
		{"1st at 0s", 0, "", 200},
		{"2nd at 0.4s", 400 * time.Millisecond, "", 200},
		{"3rd at 0.8s", 400 * time.Millisecond, "", 200},
		{"4th at 0.8s is limited", 0, "", 429},
		{"another account is not", 0, other, 200},
		{"at 0.9s still limited", 100 * time.Millisecond, "", 429},
		{"at 1.0s the first one left the window", 100 * time.Millisecond, "", 200},
		{"at 1.0s full again", 0, "", 429},
		{"at 2.0s all left", time.Second, "", 200},
	}
	for _, st := range steps {
		clock.Add(st.advance)
		got := do(t, srv, request{path: st.path, body: body(t, validEvent("e"))})
		if got.Status != st.want {
			t.Fatalf("%s: status = %d, want %d", st.name, got.Status, st.want)
		}
		if st.want == 429 {
			if diff := cmp.Diff(rateLimited, decodeErr(t, got)); diff != "" {
				t.Errorf("%s: body mismatch (-want +got):\n%s", st.name, diff)
			}
		}
	}
	// Reset forgets the history.
	srv.Reset()
	if got := post(t, srv, validEvent("e")); got.Status != 200 {
		t.Errorf("after Reset: status = %d, want 200", got.Status)
	}
}

func TestRequestsRecord(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	b := body(t, validEvent("e1"))
	do(t, srv, request{query: "test=true", body: b})
	do(t, srv, request{auth: strp(""), body: b})
	do(t, srv, request{body: []byte(`{}`)})
	do(t, srv, request{method: http.MethodGet, path: "/v5/other"})

	hdr := http.Header{
		"Content-Type":    {"application/json"},
		"User-Agent":      {"pinteresttest-test/1.0"},
		"Accept-Encoding": {"gzip"},
	}
	want := []pinteresttest.Request{
		{Method: "POST", Path: "/v5/ad_accounts/" + account + "/events", RawQuery: "test=true", AdAccountID: account,
			Test: true, ContentType: "application/json", UserAgent: "pinteresttest-test/1.0", Authorized: true,
			Body: b, Time: testNow, Status: 200, NumEvents: 1, NumProcessed: 1,
			Results: []pinteresttest.EventResult{{Status: "processed"}}},
		{Method: "POST", Path: "/v5/ad_accounts/" + account + "/events", AdAccountID: account,
			ContentType: "application/json", UserAgent: "pinteresttest-test/1.0",
			Body: b, Time: testNow, Status: 401, Message: "Authentication failed."},
		{Method: "POST", Path: "/v5/ad_accounts/" + account + "/events", AdAccountID: account,
			ContentType: "application/json", UserAgent: "pinteresttest-test/1.0", Authorized: true,
			Body: []byte(`{}`), Time: testNow, Status: 400, Message: "Invalid request: 'data' is a required property"},
		{Method: "GET", Path: "/v5/other", ContentType: "application/json", UserAgent: "pinteresttest-test/1.0", Authorized: true,
			Body: []byte{}, Time: testNow, Status: 404, Message: "Not found."},
	}
	got := srv.Requests()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pinteresttest.Request{}, "Header"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Requests() mismatch (-want +got):\n%s", diff)
	}
	for i, r := range got {
		// Content-Length is set by the client; the rest must be there.
		for k, v := range hdr {
			if !slices.Equal(r.Header[k], v) {
				t.Errorf("request %d: header %s = %q, want %q", i, k, r.Header[k], v)
			}
		}
		if _, ok := r.Header["Authorization"]; ok {
			t.Errorf("request %d keeps the Authorization header", i)
		}
	}

	srv.Reset()
	if n, m := len(srv.Requests()), len(srv.Events()); n != 0 || m != 0 {
		t.Errorf("after Reset: %d requests, %d events", n, m)
	}
}

// TestConcurrency sends 50 goroutines × 20 requests; run with -race.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	srv.WarnEvents(func(pinteresttest.Event) string { return "" })
	srv.FailEvents(func(pinteresttest.Event) string { return "" })
	const workers, perWorker = 50, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				ids := []map[string]any{validEvent(fmt.Sprintf("w%d-r%d-a", w, i)), validEvent(fmt.Sprintf("w%d-r%d-b", w, i))}
				a, err := doErr(t.Context(), srv, request{body: body(t, ids...)})
				if err != nil {
					errs <- err
					return
				}
				if a.Status != 200 {
					errs <- fmt.Errorf("status %d: %s", a.Status, a.Body)
					return
				}
				if i%5 == 0 {
					_ = srv.Requests() // readers run alongside writers
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	var want []string
	for w := range workers {
		for i := range perWorker {
			want = append(want, fmt.Sprintf("w%d-r%d-a", w, i), fmt.Sprintf("w%d-r%d-b", w, i))
		}
	}
	got := eventIDs(srv.Events())
	sort.Strings(want)
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("recorded events mismatch (-want +got):\n%s", diff)
	}
	// The two events of a request are recorded next to each other.
	for i := 0; i+1 < len(got); i += 2 {
		if strings.TrimSuffix(got[i], "-a") != strings.TrimSuffix(got[i+1], "-b") {
			t.Fatalf("events %d and %d are from different requests: %s, %s", i, i+1, got[i], got[i+1])
		}
	}
	if n := len(srv.Requests()); n != workers*perWorker {
		t.Errorf("%d requests recorded, want %d", n, workers*perWorker)
	}
}

func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  pinteresttest.Option
	}{
		{"empty token", pinteresttest.WithToken("")},
		{"nil clock", pinteresttest.WithClock(nil)},
		{"partial failure status 500", pinteresttest.WithPartialFailureStatus(500)},
		{"rate limit 0", pinteresttest.WithRateLimit(0, time.Second)},
		{"rate limit window 0", pinteresttest.WithRateLimit(1, 0)},
		{"no ad account", pinteresttest.WithAdAccounts()},
		{"bad ad account", pinteresttest.WithAdAccounts("act_1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("NewServer did not panic")
				}
				if !strings.HasPrefix(fmt.Sprint(r), "pinteresttest: ") {
					t.Errorf("panic %q lacks the package prefix", r)
				}
			}()
			srv := pinteresttest.NewServer(tt.opt)
			srv.Close()
		})
	}
}

func TestURLIsLoopback(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") && !strings.HasPrefix(srv.URL, "http://[::1]:") {
		t.Errorf("URL = %q, want a loopback address", srv.URL)
	}
	if got, want := srv.EventsURL(account), srv.URL+"/v5/ad_accounts/"+account+"/events"; got != want {
		t.Errorf("EventsURL = %q, want %q", got, want)
	}
	srv.Close()
	srv.Close() // a second Close is harmless
}
