package pinterest_test

// Tests of how Pinterest's per-event verdicts map back to the results.

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// 6. Pinterest's per-event verdicts mapped back to the results.

func TestSendServerEventFailures(t *testing.T) {
	num := func(id string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(id, "srv-"))
		if err != nil {
			panic(err)
		}
		return n
	}
	cases := []struct {
		name       string
		srvOpts    []pinteresttest.Option
		perReq     int
		failAll    bool
		wantStatus int // of requests with a failed event
	}{
		{name: "200 with per-event statuses", perReq: 7, wantStatus: 200},
		{name: "422 with details", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 7, wantStatus: 422},
		{name: "422, one request", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 1000, wantStatus: 422},
		{name: "200, every event failed", perReq: 5, failAll: true, wantStatus: 200},
		{name: "422, every event failed", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 5, failAll: true, wantStatus: 422},
	}
	const n = 40
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t, tc.srvOpts...)
			srv.FailEvents(func(e pinteresttest.Event) string {
				if tc.failAll || num(e.EventID)%2 == 1 {
					return "bad thing"
				}
				return ""
			})
			srv.WarnEvents(func(e pinteresttest.Event) string {
				if num(e.EventID)%3 == 0 {
					return "warning for " + e.EventID
				}
				return ""
			})
			c := newTestClient(t, srv, pinterest.WithMaxEventsPerRequest(tc.perReq))
			evs := validEvents("srv", n)
			ids := eventIDs(evs)
			res, err := c.Send(context.Background(), testAccount, evs...)
			if res == nil || len(res.Results) != n {
				t.Fatalf("Send = %v, %v", res, err)
			}
			var wantOK []string
			wantFailed := 0
			for i, r := range res.Results {
				fail := tc.failAll || i%2 == 1
				if r.Index != i || r.EventID != ids[i] || r.Attempts != 1 {
					t.Errorf("Results[%d] = %+v, want index %d id %q, 1 attempt", i, r, i, ids[i])
				}
				var ee *pinterest.EventError
				switch {
				case fail && (r.OK() || !errors.As(r.Err, &ee) || ee.Message != "bad thing" || !errors.Is(r.Err, pinterest.ErrEventRejected)):
					t.Errorf("Results[%d]: status %s err %v (%T), want failed with EventError \"bad thing\"", i, r.Status, r.Err, r.Err)
				case !fail && (!r.OK() || r.Err != nil):
					t.Errorf("Results[%d]: status %s err %v, want processed", i, r.Status, r.Err)
				}
				if fail {
					wantFailed++
				} else {
					wantOK = append(wantOK, ids[i])
				}
				var wantWarn []string
				if i%3 == 0 {
					wantWarn = []string{"warning for " + ids[i]}
				}
				if diff := cmp.Diff(wantWarn, r.Warnings); diff != "" {
					t.Errorf("Results[%d].Warnings (-want +got):\n%s", i, diff)
				}
			}
			if res.Processed != n-wantFailed || res.Failed != wantFailed {
				t.Errorf("Processed %d Failed %d, want %d %d", res.Processed, res.Failed, n-wantFailed, wantFailed)
			}
			var se *pinterest.SendError
			var ee *pinterest.EventError
			if !errors.As(err, &se) || se.Failed != wantFailed || !errors.As(err, &ee) || !errors.Is(err, pinterest.ErrEventRejected) {
				t.Errorf("err = %v, want a *SendError with %d failed reaching *EventError", err, wantFailed)
			}
			var ae *pinterest.APIError
			if errors.As(err, &ae) {
				t.Errorf("err reaches an *APIError (%v), want per-event errors only", ae)
			}
			wantReqs := (n + tc.perReq - 1) / tc.perReq
			reqs := srv.Requests()
			if res.Attempts != wantReqs || len(reqs) != wantReqs {
				t.Errorf("Response.Attempts %d, server saw %d, want %d (no retries)", res.Attempts, len(reqs), wantReqs)
			}
			for _, rq := range reqs {
				if rq.Status != tc.wantStatus {
					t.Errorf("a request was answered %d, want %d", rq.Status, tc.wantStatus)
				}
			}
			var got []string
			for _, e := range srv.Events() {
				got = append(got, e.EventID)
			}
			sort.Strings(got)
			if diff := cmp.Diff(wantOK, got); diff != "" {
				t.Errorf("events recorded (-want +got):\n%s", diff)
			}
		})
	}
}
