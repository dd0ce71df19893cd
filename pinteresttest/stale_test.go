package pinteresttest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest/pinteresttest"
)

// One event older than 7 days gets its whole request a 422, as Pinterest
// answers (api-reference.md 7.2); nothing of it is recorded.
func TestStaleEventFailsRequest(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock())
	stale := validEvent("stale")
	stale["event_time"] = testNow.Add(-7*24*time.Hour - time.Second).Unix()
	got := post(t, srv, validEvent("fresh"), stale)
	if got.Status != 422 {
		t.Fatalf("status = %d, want 422", got.Status)
	}
	want := apiError{Code: 422, Message: "Not all events were successfully processed.", Details: &apiResponse{
		NumEventsReceived: 2,
		Events: []eventResult{
			failed("not processed: another event of the request is more than 7 days old"),
			failed("event_time is more than 7 days in the past"),
		},
	}}
	if diff := cmp.Diff(want, decodeErr(t, got)); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
	if n := len(srv.Events()); n != 0 {
		t.Errorf("%d events recorded, want none", n)
	}
	r := srv.Requests()[0]
	wantResults := []pinteresttest.EventResult{
		{Status: "failed", ErrorMessage: "not processed: another event of the request is more than 7 days old"},
		{Status: "failed", ErrorMessage: "event_time is more than 7 days in the past"},
	}
	if diff := cmp.Diff(wantResults, r.Results); diff != "" || r.NumEvents != 2 || r.NumProcessed != 0 {
		t.Errorf("recorded request: %d events, %d processed, results (-want +got):\n%s", r.NumEvents, r.NumProcessed, diff)
	}
	// Exactly 7 days old is still fine.
	edge := validEvent("edge")
	edge["event_time"] = testNow.Add(-7 * 24 * time.Hour).Unix()
	if got := post(t, srv, edge); got.Status != 200 {
		t.Errorf("7 days old: status = %d, want 200", got.Status)
	}
}
