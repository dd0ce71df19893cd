package pinterest_test

// Tests of how Send splits events into requests.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
)

// ---------------------------------------------------------------------------
// 3. Splitting into requests.

// sendRequestIDs decodes the event ids of a request body.
func sendRequestIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var req struct {
		Data []struct {
			EventID string `json:"event_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("request body: %v", err)
	}
	ids := make([]string, len(req.Data))
	for i, d := range req.Data {
		ids[i] = d.EventID
	}
	return ids
}

func TestSendSplitsIntoRequests(t *testing.T) {
	repeat := func(n, size int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = size
		}
		return s
	}
	cases := []struct {
		name      string
		n         int
		opts      []pinterest.Option
		wantSizes []int // in input order
	}{
		{"2500 events by default", 2500, nil, []int{1000, 1000, 500}},
		{"2500 events by 100", 2500, []pinterest.Option{pinterest.WithMaxEventsPerRequest(100)}, repeat(25, 100)},
		{"1001 events", 1001, nil, []int{1000, 1}},
		{"7 events by 3, one at a time", 7, []pinterest.Option{pinterest.WithMaxEventsPerRequest(3), pinterest.WithConcurrency(1)}, []int{3, 3, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t, tc.opts...)
			srv, c := env.srv, env.client
			evs := validEvents("split", tc.n)
			ids := eventIDs(evs)
			res, err := c.Send(context.Background(), testAccount, evs...)
			if err != nil {
				t.Fatalf("Send: %v; %s", err, sendFailures(res))
			}
			if res.Processed != tc.n || res.Failed != 0 || res.Attempts != len(tc.wantSizes) || len(res.Results) != tc.n {
				t.Errorf("Processed %d Failed %d Requests %d Results %d, want %d 0 %d %d",
					res.Processed, res.Failed, res.Attempts, len(res.Results), tc.n, len(tc.wantSizes), tc.n)
			}
			for i, r := range res.Results {
				if r.Index != i || r.EventID != ids[i] || r.Status != pinterest.StatusProcessed || r.Attempts != 1 {
					t.Fatalf("Results[%d] = %+v, want index %d id %q processed in 1 attempt", i, r, i, ids[i])
				}
			}

			// Each request carries a run of consecutive events, in input order.
			reqs := srv.Requests()
			var runs [][]string
			for _, rq := range reqs {
				if rq.Status != 200 || !rq.Authorized || rq.AdAccountID != testAccount {
					t.Errorf("request answered %d (authorized %v, account %q)", rq.Status, rq.Authorized, rq.AdAccountID)
				}
				got := sendRequestIDs(t, rq.Body)
				if len(got) != rq.NumEvents {
					t.Errorf("body has %d events, server counted %d", len(got), rq.NumEvents)
				}
				runs = append(runs, got)
			}
			sort.Slice(runs, func(i, j int) bool { return runs[i][0] < runs[j][0] })
			var sizes []int
			var all []string
			for _, run := range runs {
				sizes = append(sizes, len(run))
				all = append(all, run...)
			}
			if diff := cmp.Diff(tc.wantSizes, sizes); diff != "" {
				t.Errorf("request sizes in input order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(ids, all); diff != "" {
				t.Errorf("events of the requests, in order (-want +got):\n%s", diff)
			}
			if got := srv.Events(); len(got) != tc.n {
				t.Errorf("server recorded %d events, want %d", len(got), tc.n)
			}
		})
	}
}

func TestSendConcurrentCalls(t *testing.T) {
	// One client, many Sends at once: each request must carry the events of
	// one call only, in order (request buffers are pooled), and every result
	// must be right.
	env := setup(t, pinterest.WithMaxEventsPerRequest(25))
	srv, c := env.srv, env.client
	const calls, n = 8, 60
	type out struct {
		res *pinterest.Response
		err error
		ids []string
	}
	outs := make(chan out, calls)
	for g := range calls {
		go func() {
			evs := validEvents(fmt.Sprintf("call%d", g), n)
			ids := eventIDs(evs)
			res, err := c.Send(context.Background(), testAccount, evs...)
			outs <- out{res, err, ids}
		}()
	}
	for range calls {
		o := <-outs
		if o.err != nil || o.res.Processed != n || o.res.Attempts != 3 {
			t.Errorf("Send: %v, %+v", o.err, o.res)
			continue
		}
		for i, r := range o.res.Results {
			if r.Index != i || r.EventID != o.ids[i] || !r.OK() {
				t.Errorf("Results[%d] = %+v, want %q processed", i, r, o.ids[i])
			}
		}
	}
	reqs := srv.Requests()
	if len(reqs) != calls*3 {
		t.Errorf("%d requests, want %d", len(reqs), calls*3)
	}
	for _, rq := range reqs {
		ids := sendRequestIDs(t, rq.Body)
		prefix, first, _ := strings.Cut(ids[0], "-")
		start, _ := strconv.Atoi(first)
		for k, id := range ids {
			if want := fmt.Sprintf("%s-%05d", prefix, start+k); id != want {
				t.Errorf("request body mixes events: %q at %d, want %q", id, k, want)
				break
			}
		}
	}
	if got := len(srv.Events()); got != calls*n {
		t.Errorf("server recorded %d events, want %d", got, calls*n)
	}
}

func TestSendSameEventsTwice(t *testing.T) {
	// Events are not consumed by Send: sent again, they make the same body.
	env := setup(t)
	srv, c := env.srv, env.client
	r := rand.New(rand.NewPCG(9, 9))
	now := time.Now()
	evs := make([]*pinterest.Event, 50)
	for i := range evs {
		evs[i], _ = sendRandomEvent(r, i, now, true)
	}
	for range 2 {
		if res, err := c.Send(context.Background(), testAccount, evs...); err != nil {
			t.Fatalf("Send: %v; %s", err, sendFailures(res))
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
		t.Errorf("%d requests; the two bodies differ", len(reqs))
	}
	if got := len(srv.Events()); got != 100 {
		t.Errorf("server recorded %d events, want 100", got)
	}
}
