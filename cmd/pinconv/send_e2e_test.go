package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

// eventIDs counts the events the server recorded, by id.
func eventIDs(srv *pinteresttest.Server) map[string]int {
	m := map[string]int{}
	for _, ev := range srv.Events() {
		m[ev.EventID]++
	}
	return m
}

// readRejects returns the rows of a rejects file, without its header.
func readRejects(t *testing.T, path string) [][]string {
	t.Helper()
	return readCSV(t, path)[1:]
}

func TestSend(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken("test-token"))
	f := writeFile(t, "orders.csv", ordersCSV(2500, time.Now().Add(-time.Hour)))
	r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	checkAccounting(t, r.summary)
	if s := r.summary; s.Rows != 2500 || s.Processed != 2500 || s.Sent != 2500 {
		t.Errorf("summary %+v", s)
	}
	ids := eventIDs(srv)
	if len(ids) != 2500 {
		t.Errorf("server has %d distinct events, want 2500", len(ids))
	}
	for _, req := range srv.Requests() {
		if req.AdAccountID != testAccount || req.Test {
			t.Errorf("request to %s test=%v", req.AdAccountID, req.Test)
		}
	}
	if !strings.Contains(r.stderr, "2500 rows: 2500 processed, 0 rejected, 0 failed, 0 unknown") {
		t.Errorf("summary line missing:\n%s", r.stderr)
	}
}

// Sending the same file twice sends the same event ids: the ids are derived
// from the rows.
func TestSendTwiceSameIDs(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	f := writeFile(t, "orders.csv", ordersCSV(50, time.Now().Add(-time.Hour)))
	for i := 0; i < 2; i++ {
		if r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f); r.code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	ids := eventIDs(srv)
	if len(ids) != 50 {
		t.Fatalf("%d distinct ids over two uploads of 50 rows, want 50", len(ids))
	}
	for id, n := range ids {
		if n != 2 {
			t.Errorf("id %s sent %d times, want 2", id, n)
		}
	}
}

func TestSendTestMode(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	f := writeFile(t, "orders.csv", ordersCSV(10, time.Now().Add(-time.Hour)))
	r := run(t, tokenEnv(), "", "send", "--test", "--base-url", srv.URL, "--progress", "none", f)
	if r.code != 0 || !r.summary.Test || r.summary.Processed != 10 {
		t.Fatalf("exit %d %+v\n%s", r.code, r.summary, r.stderr)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 || !reqs[0].Test || len(srv.Events()) != 0 {
		t.Errorf("requests %d, test=%v, recorded %d", len(reqs), len(reqs) > 0 && reqs[0].Test, len(srv.Events()))
	}
}

// Faults of every kind: rows in = processed + rejected + failed + unknown,
// and the rows the server processed are exactly the processed ones.
func TestSendFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []pinteresttest.Fault
		fail   func(pinteresttest.Event) string
		check  func(t *testing.T, s summary)
	}{
		{name: "503 then 429 with Retry-After are retried",
			faults: []pinteresttest.Fault{{Status: 503}, {Status: 429, RetryAfter: "0"}},
			check: func(t *testing.T, s summary) {
				if s.Processed != 3000 {
					t.Errorf("processed %d", s.Processed)
				}
			}},
		{name: "400 fails its request only",
			faults: []pinteresttest.Fault{{Status: 400}},
			check: func(t *testing.T, s summary) {
				if s.Failed != 1000 || s.Processed != 2000 || s.Unknown != 0 {
					t.Errorf("%+v", s)
				}
			}},
		{name: "a dropped connection is unknown, not retried",
			faults: []pinteresttest.Fault{{Drop: true}},
			check: func(t *testing.T, s summary) {
				if s.Unknown != 1000 || s.Processed != 2000 {
					t.Errorf("%+v", s)
				}
			}},
		{name: "an answer lost after processing is unknown",
			faults: []pinteresttest.Fault{{Process: true, Truncate: true}},
			check: func(t *testing.T, s summary) {
				if s.Unknown != 1000 || s.Processed != 2000 {
					t.Errorf("%+v", s)
				}
			}},
		{name: "500 is unknown",
			faults: []pinteresttest.Fault{{Status: 500}},
			check: func(t *testing.T, s summary) {
				if s.Unknown != 1000 {
					t.Errorf("%+v", s)
				}
			}},
		{name: "events Pinterest fails are failed",
			fail: func(ev pinteresttest.Event) string {
				if strings.HasSuffix(ev.CustomData.OrderID, "7") {
					return "test failure"
				}
				return ""
			},
			check: func(t *testing.T, s summary) {
				if s.Failed != 300 || s.Processed != 2700 {
					t.Errorf("%+v", s)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tt.faults...)
			if tt.fail != nil {
				srv.FailEvents(tt.fail)
			}
			content := ordersCSV(3000, time.Now().Add(-time.Hour))
			// 40 bad rows: rejected locally, never sent.
			content += strings.Repeat("not-an-email,,,,,,Purchase,yesterday,1,USD,x\n", 40)
			f := writeFile(t, "orders.csv", content)
			rj := filepath.Join(t.TempDir(), "rejects.csv")
			r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--senders", "1", "--rejects", rj, f)
			s := r.summary
			checkAccounting(t, s)
			if s.Rows != 3040 || s.Rejected != 40 {
				t.Errorf("rows %d rejected %d", s.Rows, s.Rejected)
			}
			if got := len(srv.Events()); got < s.Processed || got > s.Processed+s.Unknown {
				t.Errorf("server recorded %d events; processed %d, unknown %d", got, s.Processed, s.Unknown)
			}
			if r.code != exitSomeFailed {
				t.Errorf("exit %d, want 1", r.code)
			}
			tt.check(t, s)
			// The rejects file has one line per rejected, failed and unknown row.
			byOutcome := map[string]int{}
			for _, rec := range readRejects(t, rj) {
				byOutcome[rec[3]]++
			}
			if byOutcome[outRejected] != s.Rejected || byOutcome[outFailed] != s.Failed || byOutcome[outUnknown] != s.Unknown {
				t.Errorf("rejects file %v, summary %+v", byOutcome, s)
			}
		})
	}
}

func TestMaxRejectRate(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	good := strings.SplitAfter(ordersCSV(3000, time.Now().Add(-time.Hour)), "\n")
	var b strings.Builder
	b.WriteString(good[0])
	for i, line := range good[1:] {
		if i%4 == 0 { // 25% bad rows
			b.WriteString("x,,,,,,Purchase,never,1,USD,x\n")
		} else {
			b.WriteString(line)
		}
	}
	f := writeFile(t, "orders.csv", b.String())
	r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--max-reject-rate", "10%", f)
	if r.code != exitFatal || r.summary.Stopped == "" {
		t.Fatalf("exit %d, stopped %q\n%s", r.code, r.summary.Stopped, r.stderr)
	}
	checkAccounting(t, r.summary)
	if n := len(srv.Events()); n != 0 {
		t.Errorf("%d events sent; the first 1,000 rows already exceed the rate", n)
	}
	// 100% never stops.
	r = run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--max-reject-rate", "100%", f)
	if r.code != exitSomeFailed || r.summary.Processed != 2250 {
		t.Errorf("exit %d %+v", r.code, r.summary)
	}
}

// interruptAfter sends a signal to the app once the server has seen n events.
type interrupter struct {
	sig  chan os.Signal
	seen atomic.Int64
	once sync.Once
}

func TestResumeAfterInterrupt(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	it := &interrupter{sig: make(chan os.Signal, 2)}
	srv.FailEvents(func(pinteresttest.Event) string {
		if it.seen.Add(1) == 4000 {
			it.once.Do(func() { it.sig <- syscall.SIGINT })
		}
		return ""
	})
	const rows = 20000
	f := writeFile(t, "orders.csv", ordersCSV(rows, time.Now().Add(-time.Hour)))
	ck := filepath.Join(t.TempDir(), "upload.checkpoint")
	args := []string{"send", "--base-url", srv.URL, "--progress", "none", "--checkpoint", ck, "--rate", "120000", f}

	r1 := runWithSignals(t, it.sig, args...)
	if r1.code != exitInterrupted || !r1.summary.Interrupted {
		t.Fatalf("first run: exit %d %+v\n%s", r1.code, r1.summary, r1.stderr)
	}
	checkAccounting(t, r1.summary)
	if r1.summary.Processed >= rows || r1.summary.Processed < 4000 {
		t.Fatalf("first run processed %d: the interrupt should land in the middle", r1.summary.Processed)
	}
	if r1.summary.Unknown != 0 {
		t.Errorf("first run: %d unknown; the grace period should let requests finish", r1.summary.Unknown)
	}

	r2 := run(t, tokenEnv(), "", args...)
	if r2.code != exitOK {
		t.Fatalf("second run: exit %d %+v\n%s", r2.code, r2.summary, r2.stderr)
	}
	checkAccounting(t, r2.summary)
	if r2.summary.Resumed != r1.summary.Processed || r2.summary.Processed != rows {
		t.Errorf("second run %+v, first processed %d", r2.summary, r1.summary.Processed)
	}
	ids := eventIDs(srv)
	if len(ids) != rows {
		t.Errorf("%d distinct events over both runs, want %d", len(ids), rows)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("event %s processed %d times", id, n)
		}
	}
}

// A second Ctrl-C stops at once: rows in flight are unknown, and a resume
// does not send them again, unless --resend-unknown.
func TestSecondInterrupt(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	sig := make(chan os.Signal, 2)
	var once sync.Once
	srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{Delay: 10 * time.Second, Process: false})
	srv.FailEvents(func(pinteresttest.Event) string {
		once.Do(func() { sig <- syscall.SIGINT })
		return ""
	})
	const rows = 5000
	f := writeFile(t, "orders.csv", ordersCSV(rows, time.Now().Add(-time.Hour)))
	ck := filepath.Join(t.TempDir(), "ck")
	args := []string{"send", "--base-url", srv.URL, "--progress", "none", "--checkpoint", ck, "--senders", "1", "--grace", "1h", f}
	go func() {
		// The second request hangs; once the first was answered, press Ctrl-C again.
		for len(srv.Requests()) < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		sig <- syscall.SIGINT
	}()
	start := time.Now()
	r1 := runWithSignals(t, sig, args...)
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the second Ctrl-C took %v to stop", d)
	}
	if r1.code != exitInterrupted {
		t.Fatalf("exit %d\n%s", r1.code, r1.stderr)
	}
	checkAccounting(t, r1.summary)
	if r1.summary.Unknown == 0 {
		t.Fatalf("no unknown rows: %+v", r1.summary)
	}
	processed1 := len(srv.Events())

	r2 := run(t, tokenEnv(), "", args...)
	checkAccounting(t, r2.summary)
	if r2.summary.Unknown != r1.summary.Unknown || r2.code != exitSomeFailed {
		t.Errorf("resume: exit %d, %d unknown, want %d (not sent again)", r2.code, r2.summary.Unknown, r1.summary.Unknown)
	}
	if got := len(srv.Events()); got != rows-r1.summary.Unknown {
		t.Errorf("server has %d events after the resume, want %d (first run %d)", got, rows-r1.summary.Unknown, processed1)
	}

	r3 := run(t, tokenEnv(), "", append(args, "--resend-unknown")...)
	checkAccounting(t, r3.summary)
	if r3.code != exitOK || r3.summary.Processed != rows {
		t.Errorf("--resend-unknown: exit %d %+v", r3.code, r3.summary)
	}
	if got := len(eventIDs(srv)); got != rows {
		t.Errorf("%d distinct events, want %d", got, rows)
	}
}

func runWithSignals(t *testing.T, sig chan os.Signal, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	sumPath := filepath.Join(t.TempDir(), "summary.json")
	env := tokenEnv()
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }, signals: sig}
	code := a.main(append(append([]string(nil), args...), "--summary", sumPath))
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if b, err := os.ReadFile(sumPath); err == nil {
		if err := jsonUnmarshal(b, &r.summary); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestSendUsageErrors(t *testing.T) {
	f := writeFile(t, "orders.csv", ordersCSV(1, time.Now()))
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{tokenEnv(), []string{"send", "--token", "abc", f}, "never taken as a flag value"},
		{map[string]string{"PINTEREST_AD_ACCOUNT_ID": testAccount}, []string{"send", f}, "no token"},
		{map[string]string{"PINTEREST_TOKEN": "t"}, []string{"send", f}, "no ad account"},
		{tokenEnv(), []string{"send"}, "no FILE"},
		{tokenEnv(), []string{"send", "--map", "x=nope", f}, "unknown field"},
		{tokenEnv(), []string{"send", "--map", "nope=em", f}, "no column \"nope\""},
		{tokenEnv(), []string{"send", "--base-url", "http://example.com", f}, "loopback"},
		{tokenEnv(), []string{"frobnicate"}, "unknown command"},
		{tokenEnv(), []string{"send", "--checkpoint", "x", "-"}, "standard input"},
		{tokenEnv(), []string{"send", "--time-zone", "Mars/Olympus", f}, "unknown time zone"},
		{tokenEnv(), []string{"send", "--event", "Donate", f}, "unknown event name"},
	}
	for _, tt := range tests {
		r := run(t, tt.env, "", tt.args...)
		if r.code != exitFatal || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func TestSendTokenFile(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken("from-file"))
	tok := writeFile(t, "token", "from-file\n")
	f := writeFile(t, "orders.csv", ordersCSV(3, time.Now().Add(-time.Minute)))
	r := run(t, map[string]string{"PINTEREST_TOKEN": "wrong"}, "", "send", "--ad-account", testAccount, "--token-file", tok, "--base-url", srv.URL, "--progress", "none", f)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "from-file") {
		t.Error("the token appears in the output")
	}
}

// A 401 fails every row, and says so.
func TestSendUnauthorized(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken("right"))
	f := writeFile(t, "orders.csv", ordersCSV(5, time.Now().Add(-time.Minute)))
	r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f)
	checkAccounting(t, r.summary)
	if r.code != exitSomeFailed || r.summary.Failed != 5 {
		t.Fatalf("exit %d %+v", r.code, r.summary)
	}
}
