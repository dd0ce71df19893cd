package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/capisdk/pinterest"
)

// Which results may have reached Pinterest: only those are "unknown", and a
// resume does not send them again.
func TestOutcomeOf(t *testing.T) {
	failed := func(attempts int, err error) pinterest.EventResult {
		return pinterest.EventResult{Status: pinterest.StatusFailed, Attempts: attempts, Err: err}
	}
	dial := &pinterest.TransportError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	reset := &pinterest.TransportError{Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	tests := []struct {
		name string
		r    pinterest.EventResult
		want outcome
	}{
		{"processed", pinterest.EventResult{Status: pinterest.StatusProcessed, Attempts: 1}, outcomeProcessed},
		{"the SDK says unknown", failed(1, fmt.Errorf("x: %w", pinterest.ErrOutcomeUnknown)), outcomeUnknown},
		{"never attempted (local validation)", failed(0, &pinterest.FieldError{Field: "event_time", Reason: "old"}), outcomeFailed},
		{"never attempted (cancelled while waiting)", failed(0, context.Canceled), outcomeFailed},
		{"Pinterest failed the event", failed(1, &pinterest.EventError{Message: "bad"}), outcomeFailed},
		{"400", failed(1, &pinterest.APIError{StatusCode: 400}), outcomeFailed},
		{"401", failed(1, &pinterest.APIError{StatusCode: 401}), outcomeFailed},
		{"429 after retries", failed(5, fmt.Errorf("gave up: %w", &pinterest.APIError{StatusCode: 429})), outcomeFailed},
		{"503", failed(5, &pinterest.APIError{StatusCode: 503}), outcomeFailed},
		{"500", failed(1, &pinterest.APIError{StatusCode: 500}), outcomeUnknown},
		{"502", failed(1, &pinterest.APIError{StatusCode: 502}), outcomeUnknown},
		{"unreadable 200", failed(1, &pinterest.APIError{StatusCode: 200, Message: "answer cut short"}), outcomeUnknown},
		{"connection refused", failed(1, dial), outcomeFailed},
		{"connection reset", failed(1, reset), outcomeUnknown},
		{"cancelled in flight", failed(1, context.Canceled), outcomeUnknown},
	}
	for _, tt := range tests {
		if got := outcomeOf(tt.r); got != tt.want {
			t.Errorf("%s: outcome %d, want %d", tt.name, got, tt.want)
		}
	}
}
