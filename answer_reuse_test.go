package pinterest_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// TestAnswerBuffersDoNotLeakIntoResults sends twice through one client, whose
// answer buffers are reused, and checks that the first Send's results (error
// and warning messages decoded from the first answer) are still intact.
func TestAnswerBuffersDoNotLeakIntoResults(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit(), pinterest.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	send := func(tag string) *pinterest.Response {
		t.Helper()
		srv.FailEvents(func(e pinteresttest.Event) string { return "failed " + tag + " " + e.EventID })
		srv.WarnEvents(func(e pinteresttest.Event) string { return "warned " + tag + " " + e.EventID })
		evs := make([]*pinterest.Event, 3)
		for i := range evs {
			evs[i] = pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
				ID("order-" + strconv.Itoa(i)).
				User(pinterest.NewUserData().Email("jane" + strconv.Itoa(i) + "@example.com"))
		}
		res, _ := c.Send(context.Background(), "549755885175", evs...)
		return res
	}
	messages := func(res *pinterest.Response) []string {
		var out []string
		for _, r := range res.Results {
			out = append(out, r.Err.Error())
			out = append(out, r.Warnings...)
		}
		return out
	}
	first := send("AAAA")
	want := messages(first)
	for i := 0; i < 5; i++ {
		send("BBBB" + strconv.Itoa(i))
	}
	if diff := cmp.Diff(want, messages(first)); diff != "" {
		t.Errorf("first Send's results changed after later Sends (-before +after):\n%s", diff)
	}
	if len(want) != 6 || want[0] != "pinterest: event rejected: failed AAAA order-0" {
		t.Errorf("first Send's messages: %q", want)
	}
}
