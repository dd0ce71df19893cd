package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest/pinteresttest"
)

// Two files under one checkpoint: a run cut short by 503s on the second file
// resumes there, and every row of both files is processed exactly once.
func TestCheckpointSeveralFiles(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	at := time.Now().Add(-time.Hour)
	a := writeFile(t, "a.csv", ordersCSV(1500, at))
	// Other order ids in b.csv, so that its events are other events.
	b := writeFile(t, "b.csv", strings.ReplaceAll(ordersCSV(1200, at), "order-", "b-order-"))
	ck := filepath.Join(t.TempDir(), "ck")
	args := []string{"send", "--base-url", srv.URL, "--progress", "none", "--senders", "1", "--checkpoint", ck, a, b}
	// The first two requests succeed; the third fails for good (503 on every
	// attempt); the rest succeed.
	srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{},
		pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 503},
		pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Status: 503})
	r1 := run(t, tokenEnv(), "", args...)
	checkAccounting(t, r1.summary)
	if r1.code != exitSomeFailed || r1.summary.Failed == 0 || r1.summary.Processed+r1.summary.Failed != 2700 {
		t.Fatalf("first run: exit %d %+v\n%s", r1.code, r1.summary, r1.stderr)
	}
	r2 := run(t, tokenEnv(), "", args...)
	checkAccounting(t, r2.summary)
	if r2.code != exitOK || r2.summary.Resumed != r1.summary.Processed || r2.summary.Sent != r1.summary.Failed || r2.summary.Processed != 2700 {
		t.Fatalf("resume: exit %d %+v\n%s", r2.code, r2.summary, r2.stderr)
	}
	ids := eventIDs(srv)
	if len(ids) != 2700 {
		t.Errorf("%d distinct events, want 2700", len(ids))
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("event %s processed %d times", id, n)
		}
	}
	// Another file behind the same checkpoint is refused.
	os.WriteFile(b, []byte("email,event_time\n"), 0o644)
	r3 := run(t, tokenEnv(), "", args...)
	if r3.code != exitFatal || !strings.Contains(r3.stderr, "belongs to another upload") {
		t.Errorf("changed file: exit %d\n%s", r3.code, r3.stderr)
	}
}

// The summary file has the counts scripts read.
func TestSummaryJSON(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	f := writeFile(t, "orders.csv", ordersCSV(3, time.Now().Add(-time.Hour))+"x,,,,,,Purchase,never,1,USD,z\n")
	sum := filepath.Join(t.TempDir(), "s.json")
	a := &app{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: &strings.Builder{}, getenv: func(k string) string { return tokenEnv()[k] }}
	if code := a.main([]string{"send", "--base-url", srv.URL, "--progress", "none", "--summary", sum, f}); code != exitSomeFailed {
		t.Fatalf("exit %d", code)
	}
	var m map[string]any
	data, _ := os.ReadFile(sum)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	seconds, _ := m["seconds"].(float64)
	delete(m, "seconds")
	want := map[string]any{"rows": 4.0, "rejected": 1.0, "sent": 3.0, "processed": 3.0, "failed": 0.0, "unknown": 0.0}
	if diff := cmp.Diff(want, m); diff != "" || seconds <= 0 {
		t.Errorf("summary (-want +got):\n%s seconds %v", diff, seconds)
	}
}
