package pinterest_test

// Texts the server sends back reach errors, warnings and logs capped and
// without the client's token, however long they are and wherever the server
// echoes the token. Helpers are prefixed with "text".

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/capisdk/pinterest"
)

const textToken = "pina_TEXTSECRET0123456789abcdef"

// textEcho is a hostile server: it echoes the request's token in the middle
// of a huge message, of the shape answer(auth, n) gives, n being the number
// of events of the request.
func textEcho(t *testing.T, status int, answer func(auth string, n int) string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Data []json.RawMessage }
		json.NewDecoder(r.Body).Decode(&body)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(answer(tok, len(body.Data))))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// textHuge is a 256 KB message, multi-byte runes throughout, with tok at
// byte 100 and at the end.
func textHuge(tok string) string {
	return strings.Repeat("é", 50) + tok + strings.Repeat("€", 256<<10/3) + tok
}

func textMsg(s string) string { b, _ := json.Marshal(s); return string(b) }

func textEvents(n int) []*pinterest.Event {
	evs := make([]*pinterest.Event, n)
	for i := range evs {
		evs[i] = pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(fmt.Sprint("e-", i)).
			User(pinterest.NewUserData().Email(fmt.Sprint("u", i, "@example.com")))
	}
	return evs
}

// textCheck checks one text of the server's as it reached an error or a
// warning.
func textCheck(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, textToken) || strings.Contains(s, textToken[:12]) {
		t.Errorf("%s shows the token", what)
	}
	if len(s) > 700 {
		t.Errorf("%s is %d bytes, want it capped near 512", what, len(s))
	}
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8", what)
	}
	if !strings.Contains(s, "[REDACTED]") || !strings.Contains(s, "bytes cut") {
		t.Errorf("%s = %.120q..., want the token redacted and the cut said", what, s)
	}
}

func TestServerTextCappedAndScrubbed(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tests := []struct {
		name   string
		status int
		n      int // events in the request
		answer func(tok string, n int) string
		check  func(t *testing.T, r pinterest.EventResult)
	}{
		{"APIError.Message", 400, 1000, func(tok string, n int) string {
			return `{"code":1,"message":` + textMsg(textHuge(tok)) + `}`
		}, func(t *testing.T, r pinterest.EventResult) {
			var apiErr *pinterest.APIError
			if !errors.As(r.Err, &apiErr) {
				t.Fatalf("err %v is no *APIError", r.Err)
			}
			textCheck(t, "APIError.Message", apiErr.Message)
			textCheck(t, "Err.Error()", r.Err.Error())
		}},
		{"EventError and warnings", 200, 5, func(tok string, n int) string {
			ev := `{"status":"failed","error_message":` + textMsg(textHuge(tok)) + `,"warning_message":` + textMsg(textHuge(tok)) + `}`
			return `{"num_events_received":` + fmt.Sprint(n) + `,"num_events_processed":0,"events":[` + strings.Repeat(ev+",", n-1) + ev + `]}`
		}, func(t *testing.T, r pinterest.EventResult) {
			var ee *pinterest.EventError
			if !errors.As(r.Err, &ee) {
				t.Fatalf("err %v is no *EventError", r.Err)
			}
			textCheck(t, "EventError.Message", ee.Message)
			if len(r.Warnings) != 1 {
				t.Fatalf("warnings %d, want 1", len(r.Warnings))
			}
			textCheck(t, "the warning", r.Warnings[0])
		}},
		{"Excerpt of a body that is not JSON", 502, 1000, func(tok string, n int) string {
			return "<html>" + strings.Repeat("x", 40) + tok + strings.Repeat("y", 1000) + "</html>"
		}, func(t *testing.T, r pinterest.EventResult) {
			var apiErr *pinterest.APIError
			if !errors.As(r.Err, &apiErr) {
				t.Fatalf("err %v is no *APIError", r.Err)
			}
			if strings.Contains(apiErr.Excerpt, textToken[:12]) || !strings.Contains(apiErr.Excerpt, "[REDACTED]") {
				t.Errorf("Excerpt %q: want the token redacted, no part of it left", apiErr.Excerpt)
			}
		}},
		{"Details of a 422", 422, 1000, func(tok string, n int) string {
			return `{"code":4199,"message":"no","details":{"echo":"Bearer ` + tok + `"}}`
		}, func(t *testing.T, r pinterest.EventResult) {
			var apiErr *pinterest.APIError
			if !errors.As(r.Err, &apiErr) {
				t.Fatalf("err %v is no *APIError", r.Err)
			}
			if bytes.Contains(apiErr.Details, []byte(textToken)) || !json.Valid(apiErr.Details) {
				t.Errorf("Details %s: want valid JSON without the token", apiErr.Details)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			base := textEcho(t, tt.status, tt.answer)
			c, err := pinterest.NewClient(textToken, pinterest.WithBaseURL(base), pinterest.WithoutRateLimit(),
				pinterest.WithoutRetries(), pinterest.WithLogger(logger))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Send(context.Background(), "549755885175", textEvents(tt.n)...)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if strings.Contains(err.Error(), textToken[:12]) || len(err.Error()) > 1000 {
				t.Errorf("Send's error (%d bytes) shows the token or is not capped", len(err.Error()))
			}
			for _, r := range res.Results[:3] {
				tt.check(t, r)
			}
			// One line for the failed request, however many events it held.
			if strings.Contains(logs.String(), textToken[:12]) {
				t.Error("the log shows the token")
			}
			if lines := strings.Count(logs.String(), "\n"); lines != 1 || logs.Len() > 2000 {
				t.Errorf("the log has %d lines, %d bytes, want one short line:\n%.500s", lines, logs.Len(), logs.String())
			}
		})
	}
}

// The token of an OAuth token source, which NewClient never saw, is scrubbed
// too: it is the one the request carried.
func TestServerTextScrubsTokenSourceToken(t *testing.T) {
	base := textEcho(t, 400, func(tok string, n int) string {
		return `{"code":1,"message":"bad token ` + tok + `"}`
	})
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: textToken})
	c, err := pinterest.NewClient("", pinterest.WithTokenSource(ts), pinterest.WithBaseURL(base), pinterest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	res, _ := c.Send(context.Background(), "549755885175", textEvents(1)...)
	if msg := res.Results[0].Err.Error(); strings.Contains(msg, textToken) || !strings.Contains(msg, "bad token [REDACTED]") {
		t.Errorf("error %q: want the token source's token redacted", msg)
	}
}

// A Batcher without a result handler logs a failed batch once, with the
// capped and scrubbed cause: not once per event, and never the token.
func TestServerTextBatcherLogsOnce(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	base := textEcho(t, 400, func(tok string, n int) string {
		return `{"code":1,"message":` + textMsg(textHuge(tok)) + `}`
	})
	c, err := pinterest.NewClient(textToken, pinterest.WithBaseURL(base), pinterest.WithoutRateLimit(), pinterest.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher("549755885175")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Add(context.Background(), textEvents(500)...); err != nil {
		t.Fatal(err)
	}
	_ = b.Close(context.Background()) // reports the failures; the log is what is checked
	out := logs.String()
	if strings.Contains(out, textToken[:12]) {
		t.Error("the log shows the token")
	}
	if n := strings.Count(out, "batch failed"); n != 1 || logs.Len() > 4000 {
		t.Errorf("%d 'batch failed' lines, %d bytes of log; want one line of at most a few KB:\n%.600s", n, logs.Len(), out)
	}
}
