package pinterest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCauseOf checks the cause and outcome an Observer is told for each kind
// of error an event or an attempt can end with.
func TestCauseOf(t *testing.T) {
	type verdict struct {
		Cause   string
		Outcome Outcome
	}
	tests := []struct {
		name string
		err  error
		want verdict
	}{
		{"processed", nil, verdict{"", OutcomeProcessed}},
		{"local validation", &FieldError{Field: "event_id", Reason: "empty"}, verdict{"invalid", OutcomeFailed}},
		{"rejected by Pinterest", &EventError{Message: "bad"}, verdict{"rejected", OutcomeFailed}},
		{"429 after retries", fmt.Errorf("pinterest: gave up after 5 attempts: %w", &APIError{StatusCode: 429}), verdict{"rate_limited", OutcomeFailed}},
		{"503", &APIError{StatusCode: 503}, verdict{"unavailable", OutcomeFailed}},
		{"500", &APIError{StatusCode: 500}, verdict{"server_error", OutcomeFailed}},
		{"401", &APIError{StatusCode: 401}, verdict{"unauthorized", OutcomeFailed}},
		{"403", &APIError{StatusCode: 403}, verdict{"forbidden", OutcomeFailed}},
		{"400", &APIError{StatusCode: 400, Code: 4196}, verdict{"invalid_request", OutcomeFailed}},
		{"422 without details", &APIError{StatusCode: 422}, verdict{"not_all_processed", OutcomeFailed}},
		{"unreadable 200", &APIError{StatusCode: 200, Message: "answer is not the expected JSON"}, verdict{"malformed_response", OutcomeFailed}},
		{"HTML 502", &APIError{StatusCode: 502, Excerpt: "<html>"}, verdict{"malformed_response", OutcomeFailed}},
		{"418", &APIError{StatusCode: 418}, verdict{"api_error", OutcomeFailed}},
		{"refused", &TransportError{Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}, verdict{"transport", OutcomeFailed}},
		{"attempt timeout", &TransportError{Err: &url.Error{Op: "Post", Err: context.DeadlineExceeded}}, verdict{"timeout", OutcomeFailed}},
		{"caller's deadline", fmt.Errorf("pinterest: waiting for the rate limiter: %w", context.DeadlineExceeded), verdict{"deadline_exceeded", OutcomeFailed}},
		{"caller cancelled", context.Canceled, verdict{"canceled", OutcomeFailed}},
		{"batcher shutdown", errShutdown, verdict{"shutdown", OutcomeFailed}},
		{"outcome unknown", fmt.Errorf("pinterest: no answer: %w", ErrOutcomeUnknown), verdict{"outcome_unknown", OutcomeUnknown}},
		{"outcome unknown at shutdown", fmt.Errorf("%w: %w", errShutdown, ErrOutcomeUnknown), verdict{"outcome_unknown", OutcomeUnknown}},
		{"anything else", errors.New("redis: down"), verdict{"other", OutcomeFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := verdict{causeOf(tt.err), outcomeOf(tt.err)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestServerOf checks the server address and port an Observer is told.
func TestServerOf(t *testing.T) {
	tests := []struct {
		url  string
		host string
		port int
	}{
		{"https://api.pinterest.com", "api.pinterest.com", 443},
		{"http://127.0.0.1:8080", "127.0.0.1", 8080},
		{"http://localhost", "localhost", 80},
		{"http://[::1]:9000/base", "::1", 9000},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if host, port := serverOf(u); host != tt.host || port != tt.port {
			t.Errorf("serverOf(%s) = %s, %d; want %s, %d", tt.url, host, port, tt.host, tt.port)
		}
	}
}

// TestWithObserverCopies checks that WithObserver refuses nil and keeps a
// copy, so that changing the Observer afterwards changes nothing.
func TestWithObserverCopies(t *testing.T) {
	if _, err := NewClient("token", WithObserver(nil)); err == nil {
		t.Error("WithObserver(nil) was accepted")
	}
	called := false
	o := &Observer{Events: func(context.Context, EventsInfo) { called = true }}
	c, err := NewClient("token", WithObserver(o))
	if err != nil {
		t.Fatal(err)
	}
	o.Events = nil
	if c.cfg.observer == o || c.cfg.observer.Events == nil {
		t.Fatal("the client shares the caller's Observer")
	}
	c.cfg.observer.Events(context.Background(), EventsInfo{})
	if !called {
		t.Error("the copied hook is not the one given")
	}
}
