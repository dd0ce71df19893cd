package pinterest

import (
	"context"
	"testing"
)

// The hook sites a Send of one request passes through with no Observer: the
// limiter wait and the attempt, each wrapped by a helper of observer.go that
// checks the Observer and forwards the call, and the end of Send. The
// attempt's wrapper has the limiter's shape (a nil check, then the call), and
// is counted as a second limiter wrapper here, since its work needs a network.
//
// BenchmarkObserverSitesUnset runs the sites around a no-op limiter,
// BenchmarkObserverSitesBaseline the same calls without them. Their
// difference, set against BenchmarkSend1000 in the same run, is what the
// hooks cost a Send when nothing observes:
//
//	go test -run '^$' -bench 'ObserverSites|Send1000$' -count 10 .
func BenchmarkObserverSitesUnset(b *testing.B) {
	c, events, res := observerBenchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		c.waitLimiter(ctx, "549755885175")
		c.waitLimiter(ctx, "549755885175") // stands for observedAttempt's check
		c.observeSend(ctx, "549755885175", events, res)
	}
}

func BenchmarkObserverSitesBaseline(b *testing.B) {
	c, _, _ := observerBenchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		c.limiter.Wait(ctx, "549755885175")
		c.limiter.Wait(ctx, "549755885175")
	}
}

func observerBenchSetup(b *testing.B) (*Client, []*Event, *Response) {
	c, err := NewClient("bench-token", WithoutRateLimit())
	if err != nil {
		b.Fatal(err)
	}
	events := make([]*Event, 1000)
	res := &Response{Results: make([]EventResult, 1000)}
	for i := range events {
		events[i] = NewEvent(EventCheckout, SourceWeb).ID("e").User(NewUserData().Email("a@example.com"))
		res.Results[i].Status = StatusProcessed
	}
	return c, events, res
}
