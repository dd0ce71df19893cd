package pinterest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOutcomeReport covers the mapping of one request's outcome to the results
// of its events: per-event statuses when the answer had them, else one error
// for all, which says why retrying stopped and keeps every cause reachable.
func TestOutcomeReport(t *testing.T) {
	statuses := func() *apiEvents { // a processed event with a warning, a failed one
		var ev apiEvents
		if err := json.Unmarshal([]byte(`{"events":[
			{"status":"processed","error_message":null,"warning_message":"value looks odd"},
			{"status":"failed","error_message":"bad event_time","warning_message":null}]}`), &ev); err != nil {
			t.Fatal(err)
		}
		return &ev
	}
	apiErr := &APIError{StatusCode: 503}
	type res struct {
		Status   EventStatus
		Err      string
		Attempts int
		Warnings []string
	}
	tests := []struct {
		name string
		o    outcome
		want []res // for events 1 and 3 of the call, in that order
		is   []error
	}{
		{"per-event statuses", outcome{last: attemptResult{events: statuses()}, attempts: 2},
			[]res{{StatusProcessed, "", 2, []string{"value looks odd"}}, {StatusFailed, "pinterest: event rejected: bad event_time", 2, nil}},
			[]error{ErrEventRejected}},
		{"one attempt: the failure as it is", outcome{last: attemptResult{err: apiErr}, attempts: 1},
			[]res{{StatusFailed, "pinterest: status 503", 1, nil}, {StatusFailed, "pinterest: status 503", 1, nil}},
			[]error{ErrUnavailable}},
		{"retries exhausted", outcome{last: attemptResult{err: apiErr}, attempts: 5},
			[]res{{StatusFailed, "pinterest: gave up after 5 attempts: pinterest: status 503", 5, nil}, {StatusFailed, "pinterest: gave up after 5 attempts: pinterest: status 503", 5, nil}},
			[]error{ErrUnavailable}},
		{"stopped by the context", outcome{last: attemptResult{err: apiErr}, attempts: 2, stop: context.Canceled},
			[]res{{StatusFailed, "context canceled (after 2 attempts; last failure: pinterest: status 503)", 2, nil}, {StatusFailed, "context canceled (after 2 attempts; last failure: pinterest: status 503)", 2, nil}},
			[]error{context.Canceled, ErrUnavailable}},
		{"never sent", outcome{stop: context.DeadlineExceeded},
			[]res{{StatusFailed, "context deadline exceeded", 0, nil}, {StatusFailed, "context deadline exceeded", 0, nil}},
			[]error{context.DeadlineExceeded}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			results := make([]EventResult, 4)
			ch := chunk{account: "1", events: make([]*Event, 4), idx: []int{1, 3}}
			tc.o.report(ch, results)
			var got []res
			for _, i := range ch.idx {
				r := results[i]
				e := ""
				if r.Err != nil {
					e = r.Err.Error()
				}
				got = append(got, res{r.Status, e, r.Attempts, r.Warnings})
				for _, target := range tc.is {
					if r.Status == StatusFailed && !errors.Is(r.Err, target) {
						t.Errorf("result %d: errors.Is(%v, %v) = false", i, r.Err, target)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			for _, i := range []int{0, 2} {
				if diff := cmp.Diff(EventResult{}, results[i], cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
					t.Errorf("result %d, not in the chunk, was written (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}
