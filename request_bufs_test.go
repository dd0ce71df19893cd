package pinterest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// answeringTransport answers every request 200 with one "processed" status
// per event, after reading and closing its body.
func answeringTransport() answerFunc {
	return func(r *http.Request) (*http.Response, error) {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		n := bytes.Count(body, []byte(`"event_name":`))
		answer := `{"num_events_received":1,"num_events_processed":1,"events":[` +
			strings.TrimSuffix(strings.Repeat(`{"status":"processed","error_message":"","warning_message":""},`, n), ",") + `]}`
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(answer)), ContentLength: int64(len(answer)), Request: r}, nil
	}
}

type answerFunc func(*http.Request) (*http.Response, error)

func (f answerFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRequestBuffersSurviveGC checks that one sequential sender reuses one
// request buffer and one answer buffer, across garbage collections and on
// any P: what a sync.Pool did not do.
func TestRequestBuffersSurviveGC(t *testing.T) {
	c, err := NewClient("test-token", WithHTTPClient(&http.Client{Transport: answeringTransport()}), WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	ev := NewEvent(EventCheckout, SourceWeb).ID("order-1").User(NewUserData().Email("jane@example.com"))
	var reqBuf, ansBuf *[]byte
	for i := 0; i < 20; i++ {
		if _, err := c.Send(context.Background(), "549755885175", ev); err != nil {
			t.Fatal(err)
		}
		if c.bufs.Len() != 1 || c.answers.Len() != 1 {
			t.Fatalf("send %d: %d request and %d answer buffers kept, want 1 and 1", i, c.bufs.Len(), c.answers.Len())
		}
		rb, ab := c.bufs.Get(), c.answers.Get()
		if i > 0 && (rb != reqBuf || ab != ansBuf) {
			t.Fatalf("send %d: a new buffer replaced the kept one", i)
		}
		reqBuf, ansBuf = rb, ab
		c.bufs.Put(rb)
		c.answers.Put(ab)
		runtime.GC()
	}
}
