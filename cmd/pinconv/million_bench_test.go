package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// writeRows writes a CSV of n rows to path without holding it in memory.
func writeRows(tb testing.TB, path string, n int, at time.Time) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("Email Address,Phone Number,First Name,Last Name,ZIP,Country,Timestamp,Event Type,Order Total,Currency,Order ID\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "customer.%d@example.com,+1 650 555 %04d,Jane,Doe,94107,US,%s,Purchase,%d.%02d,USD,order-%d\n",
			i, i%10000, at.Add(-time.Duration(i%3600)*time.Second).UTC().Format("2006-01-02 15:04:05"), i%900, i%100, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// BenchmarkUploadMillionRows uploads a generated file of 1,000,000 rows
// (about 110 MB, never committed) with pinconv run as its own process, at the
// default rate limit of 5,000 requests a minute, to a loopback server that
// answers every event processed, and reports the child's peak RSS, the run's
// time and the time the limiter allows for the 1,000 requests. (Not
// pinteresttest: it decodes and checks every event, and over a million events
// it would measure itself; the end-to-end tests use it.) It asserts only that
// every row was processed once, in 1,000 requests; the figures are reported,
// not asserted:
//
//	go test -run '^$' -bench UploadMillionRows -benchtime 1x ./cmd/pinconv
func BenchmarkUploadMillionRows(b *testing.B) {
	const rows = 1_000_000
	dir := b.TempDir()
	file := filepath.Join(dir, "million.csv")
	size := writeRows(b, file, rows, time.Now().Add(-10*time.Minute))

	var processed, requests atomic.Int64
	srv := discardServer(b, &processed, &requests)

	for i := 0; i < b.N; i++ {
		processed.Store(0)
		requests.Store(0)
		sum := filepath.Join(dir, "summary.json")
		cmd := exec.Command(os.Args[0], "send", "--ad-account", "549755885175", "--base-url", srv.URL,
			"--progress", "none", "--summary", sum, file)
		cmd.Env = append(os.Environ(), "PINCONV_TEST_MAIN=1", "PINTEREST_TOKEN=test-token")
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("pinconv: %v", err)
		}
		elapsed := time.Since(start)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		var s summary
		data, err := os.ReadFile(sum)
		if err != nil || json.Unmarshal(data, &s) != nil {
			b.Fatalf("summary: %v", err)
		}
		if s.Rows != rows || s.Processed != rows || processed.Load() != rows || requests.Load() != rows/1000 {
			b.Fatalf("rows %d, processed %d; the server processed %d in %d requests", s.Rows, s.Processed, processed.Load(), requests.Load())
		}
		// The default limiter: a burst of 5000/50 requests, then
		// (5000 - 100 + 1) per 60.6 s (see pinterest.RateLimiter).
		burst := pinterest.DefaultCallsPerMinute / 50
		refill := float64(pinterest.DefaultCallsPerMinute-burst+1) / 60.6
		allowed := time.Duration(float64(int(requests.Load())-burst) / refill * float64(time.Second))
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		b.ReportMetric(elapsed.Seconds(), "s/run")
		b.ReportMetric(allowed.Seconds(), "limiter-s")
		b.ReportMetric(elapsed.Seconds()/allowed.Seconds(), "run/limiter")
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
		b.Logf("%d rows (%d MB) in %v, %d requests; the limiter allows them in %v; peak RSS %.1f MB",
			rows, size>>20, elapsed.Round(time.Millisecond), requests.Load(), allowed.Round(time.Millisecond), float64(ru.Maxrss)/1024)
	}
}

// discardServer answers each request with every event processed, counting
// them. Events are counted by their "event_name" keys, which the encoder
// writes once per event and which cannot occur inside a JSON string.
func discardServer(tb testing.TB, processed, requests *atomic.Int64) *httptest.Server {
	ok := []byte(`{"status":"processed","error_message":"","warning_message":""}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		n := bytes.Count(body, []byte(`"event_name":`))
		var out bytes.Buffer
		fmt.Fprintf(&out, `{"num_events_received":%d,"num_events_processed":%d,"events":[`, n, n)
		for i := 0; i < n; i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			out.Write(ok)
		}
		out.WriteString("]}")
		processed.Add(int64(n))
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(out.Bytes())
	}))
	tb.Cleanup(srv.Close)
	return srv
}
