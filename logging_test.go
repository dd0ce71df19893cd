package pinterest_test

// Tests of what the client logs.

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// 10. Logging.

// sendLogLines decodes JSON log lines.
func sendLogLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestSendLogging(t *testing.T) {
	path := "/v5/ad_accounts/" + testAccount + "/events"
	type want struct {
		msg, level      string
		status, attempt int
		events          int
	}
	cases := []struct {
		name   string
		faults []pinteresttest.Fault
		opts   []pinterest.Option
		n      int
		want   []want
	}{
		{name: "one line per request", n: 4, want: []want{
			{"pinterest: request", "DEBUG", 200, 1, 2}, {"pinterest: request", "DEBUG", 200, 1, 2}}},
		{name: "a failed request", n: 2, faults: []pinteresttest.Fault{{Status: 400}}, want: []want{
			{"pinterest: request", "WARN", 400, 1, 2}}},
		{name: "a retried request", n: 2, faults: []pinteresttest.Fault{{Status: 503}},
			opts: []pinterest.Option{pinterest.WithClock(clock.NewAuto(time.Now()))}, want: []want{
				{"pinterest: request", "WARN", 503, 1, 2}, {"pinterest: retrying", "INFO", 0, 1, 0}, {"pinterest: request", "DEBUG", 200, 2, 2}}},
		{name: "a dropped connection", n: 1, faults: []pinteresttest.Fault{{Drop: true}}, opts: []pinterest.Option{pinterest.WithoutRetries()},
			want: []want{{"pinterest: request failed", "WARN", 0, 1, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tc.faults...)
			var buf bytes.Buffer
			opts := append([]pinterest.Option{pinterest.WithLogger(sendLogger(&buf)), pinterest.WithMaxEventsPerRequest(2), pinterest.WithConcurrency(1)}, tc.opts...)
			c := newTestClient(t, srv, opts...)
			evs := validEvents("log", tc.n)
			res, _ := c.Send(context.Background(), testAccount, evs...)
			lines := sendLogLines(t, &buf)
			if len(lines) != len(tc.want) {
				t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(tc.want), buf.String())
			}
			attempts := 0
			for i, w := range tc.want {
				l := lines[i]
				if l["msg"] != w.msg || l["level"] != w.level || l["attempt"] != float64(w.attempt) || l["path"] != path {
					t.Errorf("line %d = %v, want msg %q level %s attempt %d path %s", i, l, w.msg, w.level, w.attempt, path)
				}
				if w.msg == "pinterest: retrying" {
					continue
				}
				attempts++
				if l["method"] != "POST" || l["status"] != float64(w.status) || l["events"] != float64(w.events) {
					t.Errorf("line %d = %v, want method POST status %d events %d", i, l, w.status, w.events)
				}
				if _, ok := l["duration"].(float64); !ok {
					t.Errorf("line %d has no duration: %v", i, l)
				}
			}
			if res == nil || res.Attempts != attempts {
				t.Errorf("Response.Attempts %v, want %d (one line per attempt)", res, attempts)
			}
		})
	}

	t.Run("silent without a logger", func(t *testing.T) {
		var buf bytes.Buffer
		oldSlog, oldOut, oldFlags := slog.Default(), log.Writer(), log.Flags()
		slog.SetDefault(sendLogger(&buf))
		t.Cleanup(func() {
			slog.SetDefault(oldSlog)
			log.SetOutput(oldOut)
			log.SetFlags(oldFlags)
		})
		srv := pinteresttest.NewServerT(t)
		srv.Enqueue(pinteresttest.Fault{Status: 503}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
		c := newTestClient(t, srv, pinterest.WithMaxEventsPerRequest(1), pinterest.WithConcurrency(1),
			pinterest.WithClock(clock.NewAuto(time.Now())))
		evs := validEvents("quiet", 3)
		evs = append(evs, nil)
		if _, err := c.Send(context.Background(), testAccount, evs...); err == nil {
			t.Errorf("Send succeeded, want failures")
		}
		if n := len(srv.Requests()); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
		// Only the SDK's own lines count: the fake's http.Server logs
		// through the log package too, which slog.SetDefault redirects.
		if out := buf.String(); strings.Contains(out, "pinterest") || strings.Contains(out, "ad_accounts") {
			t.Errorf("logged without a logger:\n%s", out)
		} else if out != "" {
			t.Logf("unrelated output of the default logger:\n%s", out)
		}
	})
}
