package pinterest_test

// Helpers of the end-to-end tests of Client.Send against pinteresttest
// (send_roundtrip, wirejson, split, localvalidation, sendargs, results,
// erroranswers, security, pii and logging tests). Every helper of these files
// is prefixed with "send".

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

var sendUpdate = flag.Bool("send.update", false, "rewrite the golden files of the send tests under testdata/send")

const (
	sendAdAccount = "549755885175"
	// sendToken is distinctive, so that a leak is found by a plain search.
	sendToken = "sEcReT-T0ken-7f3a9c1e5bQZ"
)

// sendClient returns a client of srv without rate limiting; opts come last
// and may override.
func sendClient(t testing.TB, srv *pinteresttest.Server, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	return sendClientToken(t, srv, sendToken, opts...)
}

func sendClientToken(t testing.TB, srv *pinteresttest.Server, token string, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	all := []pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}
	c, err := pinterest.NewClient(token, append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// sendValidEvent is a minimal valid event.
func sendValidEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID(id).
		At(time.Now().Add(-time.Minute)).
		User(pinterest.NewUserData().Email("someone." + id + "@example.com"))
}

// sendSimpleEvents makes n valid events with ids prefix-00000...
func sendSimpleEvents(n int, prefix string) ([]*pinterest.Event, []string) {
	names := pinterest.EventNames()
	at := time.Now().Add(-time.Hour)
	evs := make([]*pinterest.Event, n)
	ids := make([]string, n)
	for i := range evs {
		ids[i] = fmt.Sprintf("%s-%05d", prefix, i)
		evs[i] = pinterest.NewEvent(names[i%len(names)], pinterest.SourceWeb).ID(ids[i]).At(at).
			User(pinterest.NewUserData().Email(fmt.Sprintf("user%d@example.com", i)))
	}
	return evs, ids
}

// sendFailures describes the first failed results, for test messages.
func sendFailures(res *pinterest.Response) string {
	if res == nil {
		return "nil response"
	}
	var b strings.Builder
	for i, r := range res.Failures() {
		if i == 5 {
			fmt.Fprintf(&b, "... (%d failures in all)", res.Failed)
			break
		}
		fmt.Fprintf(&b, "[%d %q: %v] ", r.Index, r.EventID, r.Err)
	}
	return b.String()
}

// sendNZ returns a pointer to n, or nil when n is 0 (zero values are left
// out of the wire JSON).
func sendNZ[T int | int64](n T) *int64 {
	if n == 0 {
		return nil
	}
	v := int64(n)
	return &v
}

func sendBool(b bool) *bool { return &b }
