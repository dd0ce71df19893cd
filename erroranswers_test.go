package pinterest_test

// Tests of every error answer of Pinterest.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// 7. Every error answer.

func TestSendErrorAnswers(t *testing.T) {
	html := "<html><body><h1>502 Bad Gateway</h1>oops</body></html>"
	noRetry := []pinterest.Option{pinterest.WithoutRetries()}
	// Retries stay on for the 4xx cases, to show they are not retried; the
	// clock jumps over any backoff, so a wrong retry would not slow the test.
	autoClock := []pinterest.Option{pinterest.WithClock(clock.NewAuto(time.Now()))}
	cases := []struct {
		name        string
		srvOpts     []pinteresttest.Option
		token       string
		fault       *pinteresttest.Fault
		opts        []pinterest.Option
		transport   bool // a *TransportError, no *APIError
		wantStatus  int
		wantCode    int
		wantIs      []error
		wantNotIs   []error
		wantText    []string
		wantDetails string
		wantRetry   time.Duration
	}{
		{name: "400", fault: &pinteresttest.Fault{Status: 400}, opts: autoClock, wantStatus: 400, wantCode: 4196,
			wantIs: []error{pinterest.ErrInvalidRequest}, wantNotIs: []error{pinterest.ErrMalformedResponse, pinterest.ErrServer},
			wantText: []string{"400", "4196", "The request was invalid."}},
		{name: "400 with message", fault: &pinteresttest.Fault{Status: 400, Message: "Invalid request: Additional properties are not allowed ('x' was unexpected)\nsecond line"},
			opts: autoClock, wantStatus: 400, wantCode: 4196, wantIs: []error{pinterest.ErrInvalidRequest},
			wantText: []string{"Additional properties are not allowed"}},
		{name: "401 wrong token", srvOpts: []pinteresttest.Option{pinteresttest.WithToken("right-token")}, token: "wrong-token",
			opts: autoClock, wantStatus: 401, wantCode: 2, wantIs: []error{pinterest.ErrUnauthorized},
			wantText: []string{"401", "Authentication failed."}},
		{name: "403", fault: &pinteresttest.Fault{Status: 403}, opts: autoClock, wantStatus: 403, wantCode: 29,
			wantIs: []error{pinterest.ErrForbidden}, wantText: []string{"403"}},
		{name: "403 ad account not permitted", srvOpts: []pinteresttest.Option{pinteresttest.WithAdAccounts("1")}, opts: autoClock,
			wantStatus: 403, wantCode: 29, wantIs: []error{pinterest.ErrForbidden}},
		{name: "404", fault: &pinteresttest.Fault{Status: 404}, opts: autoClock, wantStatus: 404, wantCode: 404,
			wantIs: []error{pinterest.ErrInvalidRequest}},
		{name: "422 with empty details", fault: &pinteresttest.Fault{Status: 422}, opts: autoClock, wantStatus: 422, wantCode: 422,
			wantIs: []error{pinterest.ErrNotAllProcessed}, wantNotIs: []error{pinterest.ErrMalformedResponse}, wantDetails: `{}`},
		{name: "422 with unusable details", fault: &pinteresttest.Fault{Status: 422,
			Body: `{"code":4199,"message":"Not all events were successfully processed.","details":{"reason":"x","events":"n/a"}}`},
			opts: autoClock, wantStatus: 422, wantCode: 4199, wantIs: []error{pinterest.ErrNotAllProcessed},
			wantDetails: `{"reason":"x","events":"n/a"}`},
		{name: "422 with details for other events", fault: &pinteresttest.Fault{Status: 422,
			Body: `{"code":4199,"message":"Not all events were successfully processed.","details":{"num_events_received":1,"num_events_processed":0,"events":[{"status":"failed","error_message":"x"}]}}`},
			opts: autoClock, wantStatus: 422, wantCode: 4199, wantIs: []error{pinterest.ErrNotAllProcessed},
			wantDetails: `{"num_events_received":1,"num_events_processed":0,"events":[{"status":"failed","error_message":"x"}]}`},
		{name: "422 without a body", fault: &pinteresttest.Fault{Status: 422, Body: " "}, opts: autoClock, wantStatus: 422,
			wantIs: []error{pinterest.ErrNotAllProcessed}},
		{name: "200 with an HTML body", fault: &pinteresttest.Fault{Body: html}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200", "<html>"}},
		{name: "400 with an HTML body", fault: &pinteresttest.Fault{Status: 400, Body: html}, opts: autoClock, wantStatus: 400,
			wantIs: []error{pinterest.ErrInvalidRequest, pinterest.ErrMalformedResponse}, wantText: []string{"400", "<html>"}},
		{name: "502 with an HTML body", fault: &pinteresttest.Fault{Status: 502, Body: html}, opts: noRetry, wantStatus: 502,
			wantIs: []error{pinterest.ErrServer, pinterest.ErrMalformedResponse}, wantText: []string{"502", "<html>"}},
		{name: "200 with JSON without events", fault: &pinteresttest.Fault{Body: `{"ok":true}`}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200"}},
		{name: "200 with a wrong number of statuses", fault: &pinteresttest.Fault{Body: `{"num_events_received":3,"num_events_processed":1,"events":[{"status":"processed"}]}`},
			opts: noRetry, wantStatus: 200, wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200"}},
		{name: "200 truncated", fault: &pinteresttest.Fault{Truncate: true}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200", "cut short"}},
		{name: "400 truncated", fault: &pinteresttest.Fault{Status: 400, Truncate: true}, opts: autoClock, wantStatus: 400,
			wantIs: []error{pinterest.ErrInvalidRequest, pinterest.ErrMalformedResponse}, wantText: []string{"400", "cut short"}},
		{name: "429", fault: &pinteresttest.Fault{Status: 429, RetryAfter: "7"}, opts: noRetry, wantStatus: 429, wantCode: 8,
			wantIs: []error{pinterest.ErrRateLimited}, wantNotIs: []error{pinterest.ErrServer}, wantText: []string{"429"}, wantRetry: 7 * time.Second},
		{name: "503", fault: &pinteresttest.Fault{Status: 503}, opts: noRetry, wantStatus: 503, wantCode: 4197,
			wantIs: []error{pinterest.ErrUnavailable}, wantNotIs: []error{pinterest.ErrServer}, wantText: []string{"503"}},
		{name: "500", fault: &pinteresttest.Fault{Status: 500}, opts: noRetry, wantStatus: 500, wantCode: 500,
			wantIs: []error{pinterest.ErrServer}, wantText: []string{"500"}},
		{name: "502", fault: &pinteresttest.Fault{Status: 502}, opts: noRetry, wantStatus: 502, wantCode: 502, wantIs: []error{pinterest.ErrServer}},
		{name: "504", fault: &pinteresttest.Fault{Status: 504}, opts: noRetry, wantStatus: 504, wantCode: 504, wantIs: []error{pinterest.ErrServer}},
		{name: "connection dropped", fault: &pinteresttest.Fault{Drop: true}, opts: noRetry, transport: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t, tc.srvOpts...)
			if tc.fault != nil {
				srv.Enqueue(*tc.fault)
			}
			token := testToken
			if tc.token != "" {
				token = tc.token
			}
			c := newTestClientToken(t, srv, token, tc.opts...)
			evs := validEvents("errs", 3)
			res, err := c.Send(context.Background(), testAccount, evs...)
			if res == nil || len(res.Results) != 3 {
				t.Fatalf("Send = %v, %v", res, err)
			}
			t.Logf("Send error: %v", err)
			first := res.Results[0].Err
			for i, r := range res.Results {
				if r.OK() || r.Err == nil || r.Err != first || r.Attempts != 1 {
					t.Errorf("Results[%d] = %+v, want failed with the request's error after 1 attempt", i, r)
				}
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != 3 || se.Total != 3 {
				t.Fatalf("err = %v (%T), want a *SendError with 3 of 3 failed", err, err)
			}
			if n := len(srv.Requests()); n != 1 || res.Attempts != 1 {
				t.Errorf("server saw %d requests, Response.Attempts %d, want 1 (not retried)", n, res.Attempts)
			}
			if n := len(srv.Events()); n != 0 {
				t.Errorf("server recorded %d events, want 0", n)
			}
			for _, s := range []string{err.Error(), first.Error(), fmt.Sprintf("%+v", err)} {
				if strings.Contains(s, token) {
					t.Errorf("error text has the token: %s", s)
				}
				if strings.ContainsAny(s, "\r\n") {
					t.Errorf("error text is not one line: %q", s)
				}
			}
			if tc.transport {
				var te *pinterest.TransportError
				var ae *pinterest.APIError
				if !errors.As(err, &te) || errors.As(err, &ae) {
					t.Errorf("err = %v, want a *TransportError and no *APIError", err)
				}
				return
			}
			var ae *pinterest.APIError
			if !errors.As(first, &ae) || !errors.As(err, new(*pinterest.APIError)) {
				t.Fatalf("event error %v (%T), want an *APIError reachable from Send's error too", first, first)
			}
			if ae.StatusCode != tc.wantStatus || ae.Code != tc.wantCode {
				t.Errorf("APIError status %d code %d, want %d %d (%v)", ae.StatusCode, ae.Code, tc.wantStatus, tc.wantCode, ae)
			}
			if string(ae.Details) != tc.wantDetails {
				t.Errorf("APIError.Details = %s, want %s", ae.Details, tc.wantDetails)
			}
			if ae.RetryAfter != tc.wantRetry {
				t.Errorf("APIError.RetryAfter = %v, want %v", ae.RetryAfter, tc.wantRetry)
			}
			for _, target := range tc.wantIs {
				if !errors.Is(first, target) || !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			for _, target := range tc.wantNotIs {
				if errors.Is(first, target) {
					t.Errorf("errors.Is(%v, %v) = true", first, target)
				}
			}
			for _, s := range tc.wantText {
				if !strings.Contains(first.Error(), s) || !strings.Contains(err.Error(), s) {
					t.Errorf("error text %q (Send: %q) does not contain %q", first, err, s)
				}
			}
			if len(ae.Excerpt) > 64*3 {
				t.Errorf("Excerpt is %d bytes long", len(ae.Excerpt))
			}
		})
	}

	t.Run("only the events of the failed request fail", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t)
		srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
		c := newTestClient(t, srv, pinterest.WithMaxEventsPerRequest(2), pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewAuto(time.Now())))
		evs := validEvents("part", 5)
		res, err := c.Send(context.Background(), testAccount, evs...)
		if res == nil {
			t.Fatalf("Send = nil, %v", err)
		}
		want := []pinterest.EventStatus{"processed", "processed", "failed", "failed", "processed"}
		var got []pinterest.EventStatus
		for _, r := range res.Results {
			got = append(got, r.Status)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		var se *pinterest.SendError
		if !errors.As(err, &se) || se.Failed != 2 || !errors.Is(err, pinterest.ErrInvalidRequest) || res.Attempts != 3 {
			t.Errorf("err = %v, Requests %d; want 2 failed by ErrInvalidRequest in 3 requests", err, res.Attempts)
		}
	})
}
