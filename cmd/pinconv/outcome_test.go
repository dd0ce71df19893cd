package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// Which results may have reached Pinterest: only those are "unknown", and a
// resume does not send them again.
func TestOutcomeOf(t *testing.T) {
	failed := func(err error) pinterest.EventResult {
		return pinterest.EventResult{Status: pinterest.StatusFailed, Attempts: 1, Err: err}
	}
	tests := []struct {
		name string
		r    pinterest.EventResult
		want outcome
	}{
		{"processed", pinterest.EventResult{Status: pinterest.StatusProcessed, Attempts: 1}, outcomeProcessed},
		{"the SDK says unknown", failed(fmt.Errorf("x: %w", pinterest.ErrOutcomeUnknown)), outcomeUnknown},
		{"local validation", pinterest.EventResult{Status: pinterest.StatusFailed, Err: &pinterest.FieldError{Field: "event_time", Reason: "old"}}, outcomeFailed},
		{"Pinterest failed the event", failed(&pinterest.EventError{Message: "bad"}), outcomeFailed},
		{"400", failed(&pinterest.APIError{StatusCode: 400}), outcomeFailed},
		{"cancelled before sending", pinterest.EventResult{Status: pinterest.StatusFailed, Err: context.Canceled}, outcomeFailed},
	}
	for _, tt := range tests {
		if got := outcomeOf(tt.r); got != tt.want {
			t.Errorf("%s: outcome %d, want %d", tt.name, got, tt.want)
		}
	}
}

// The SDK's verdicts on real failures, through the whole command: the rows of
// a request that may have reached Pinterest are unknown, the others failed.
func TestOutcomeOfRealFailures(t *testing.T) {
	tests := []struct {
		fault           pinteresttest.Fault
		failed, unknown int
	}{
		{pinteresttest.Fault{Status: 400}, 10, 0},
		{pinteresttest.Fault{Status: 403}, 10, 0},
		{pinteresttest.Fault{Status: 500}, 0, 10},
		{pinteresttest.Fault{Status: 502}, 0, 10},
		{pinteresttest.Fault{Drop: true}, 0, 10},
		{pinteresttest.Fault{Body: "<html>oops</html>"}, 0, 10},
		{pinteresttest.Fault{Process: true, Truncate: true}, 0, 10},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.fault), func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tt.fault)
			f := writeFile(t, "orders.csv", ordersCSV(10, time.Now().Add(-time.Hour)))
			ck := filepath.Join(t.TempDir(), "ck")
			r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--checkpoint", ck, f)
			checkAccounting(t, r.summary)
			if r.summary.Failed != tt.failed || r.summary.Unknown != tt.unknown {
				t.Fatalf("failed %d unknown %d, want %d and %d\n%s", r.summary.Failed, r.summary.Unknown, tt.failed, tt.unknown, r.stderr)
			}
			// A resume sends the failed rows again, never the unknown ones.
			before := len(srv.Requests())
			r = run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--checkpoint", ck, f)
			if r.summary.Sent != tt.failed || r.summary.Unknown != tt.unknown || len(srv.Requests()) != before+min(tt.failed, 1) {
				t.Errorf("resume: %+v, %d requests more", r.summary, len(srv.Requests())-before)
			}
		})
	}
}
