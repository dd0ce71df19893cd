package pinterest_test

// Tests of what a Batcher says about failures: one log line per failed batch
// without a result handler, to the client's logger or slog.Default(), and an
// error from Close whenever events it accepted failed.

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// refusingBatcher returns a Batcher whose every request is answered 401.
func refusingBatcher(t *testing.T, opts []pinterest.Option, bopts ...pinterest.BatcherOption) *pinterest.Batcher {
	t.Helper()
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken("the-right-token"))
	c, err := pinterest.NewClient("a-revoked-token", append([]pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher("549755885175", bopts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addTwoBatches adds 2 events, flushes, adds 1 more and closes.
func addTwoBatches(t *testing.T, b *pinterest.Batcher) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Add(ctx, batchEvent("a1"), batchEvent("a2")); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(ctx, batchEvent("b1")); err != nil {
		t.Fatal(err)
	}
	return b.Close(ctx)
}

func checkCloseError(t *testing.T, err error, failed, total int) {
	t.Helper()
	var se *pinterest.SendError
	if !errors.As(err, &se) || se.Failed != failed || se.Total != total {
		t.Fatalf("Close = %v, want a *SendError with %d of %d failed", err, failed, total)
	}
	if !errors.Is(err, pinterest.ErrUnauthorized) {
		t.Errorf("Close = %v, want it to match ErrUnauthorized", err)
	}
	var apiErr *pinterest.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Errorf("Close = %v, want it to reach the 401 *APIError", err)
	}
	if want := "pinterest: " + strconv.Itoa(failed) + " of " + strconv.Itoa(total) + " events failed: pinterest: status 401"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Close text %q, want it to start with %q", err, want)
	}
}

// wantBatchLines is what a refused 2-event batch and 1-event batch log.
func wantBatchLines(t *testing.T, got []map[string]any) {
	t.Helper()
	for _, rec := range got {
		cause, _ := rec["cause"].(string)
		if !strings.HasPrefix(cause, "pinterest: status 401, code 2: Authentication failed.") {
			t.Errorf("cause %q, want the 401", cause)
		}
		delete(rec, "cause")
	}
	want := []map[string]any{
		{"level": "ERROR", "msg": "pinterest: batch failed", "ad_account_id": "549755885175", "events": float64(2), "failed": float64(2), "processed": float64(0), "attempts": float64(1), "causes": float64(1)},
		{"level": "ERROR", "msg": "pinterest: batch failed", "ad_account_id": "549755885175", "events": float64(1), "failed": float64(1), "processed": float64(0), "attempts": float64(1), "causes": float64(1)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batch failure records mismatch (-want +got):\n%s", diff)
	}
}

func TestBatcherWithoutHandlerLogsToClientLogger(t *testing.T) {
	logs := &lockedBuffer{}
	b := refusingBatcher(t, []pinterest.Option{pinterest.WithLogger(slog.New(slog.NewJSONHandler(logs, nil)))})
	err := addTwoBatches(t, b)
	checkCloseError(t, err, 3, 3)
	wantBatchLines(t, logs.records(t, "batch failed"))
	logs.mu.Lock()
	defer logs.mu.Unlock()
	for _, secret := range []string{"a-revoked-token", "the-right-token", "jane", pinterest.HashValue("jane.doe@example.com")} {
		if strings.Contains(logs.buf.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// Without WithLogger the failures go to slog.Default(). Not parallel: it
// replaces the default logger for its duration.
func TestBatcherWithoutHandlerLogsToSlogDefault(t *testing.T) {
	logs := &lockedBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(logs, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	b := refusingBatcher(t, nil)
	err := addTwoBatches(t, b)
	checkCloseError(t, err, 3, 3)
	wantBatchLines(t, logs.records(t, "batch failed"))
}

// A result handler sees every failure: nothing is logged, but Close still
// says that events failed.
func TestBatcherWithHandlerDoesNotLogFailures(t *testing.T) {
	logs := &lockedBuffer{}
	failed := make(chan string, 3)
	b := refusingBatcher(t, []pinterest.Option{pinterest.WithLogger(slog.New(slog.NewJSONHandler(logs, nil)))},
		pinterest.WithResultHandler(func(r pinterest.EventResult) {
			if !r.OK() {
				failed <- r.EventID
			}
		}))
	err := addTwoBatches(t, b)
	checkCloseError(t, err, 3, 3)
	if len(failed) != 3 {
		t.Errorf("handler saw %d failures, want 3", len(failed))
	}
	if got := logs.records(t, "batch failed"); len(got) != 0 {
		t.Errorf("logged %v with a result handler, want nothing", got)
	}
}

// When every event is processed, Close returns nil and nothing is logged.
func TestBatcherCloseNilWhenAllProcessed(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	logs := &lockedBuffer{}
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit(),
		pinterest.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.NewBatcher("549755885175")
	if err != nil {
		t.Fatal(err)
	}
	if err := addTwoBatches(t, b); err != nil {
		t.Errorf("Close = %v, want nil", err)
	}
	if got := logs.records(t, ""); len(got) != 0 {
		t.Errorf("logged %v, want nothing at WARN or above", got)
	}
}
