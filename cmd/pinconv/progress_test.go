package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/capisdk/pinterest/pinteresttest"
)

// slowServer is the fake with every request delayed, so that a run lasts
// long enough for its progress to show.
func slowServer(t *testing.T, delay time.Duration, requests int) *pinteresttest.Server {
	srv := pinteresttest.NewServerT(t)
	faults := make([]pinteresttest.Fault, requests)
	for i := range faults {
		faults[i] = pinteresttest.Fault{Delay: delay}
	}
	srv.Enqueue(faults...)
	return srv
}

// child returns the command running pinconv as its own process.
func child(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PINCONV_TEST_MAIN=1", "PINTEREST_TOKEN=test-token", "PINTEREST_AD_ACCOUNT_ID="+testAccount, "TERM=xterm")
	return cmd
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// On a terminal, send draws a progress bar (redrawn in place, with the row
// counts and rates) and ends with the summary.
func TestProgressBarOnTerminal(t *testing.T) {
	srv := slowServer(t, 300*time.Millisecond, 5)
	f := writeFile(t, "orders.csv", ordersCSV(5000, time.Now().Add(-time.Hour)))
	cmd := child("send", "--base-url", srv.URL, "--senders", "1", f)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&out, ptmx); close(copied) }() // ends with EIO once the child exits
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pinconv: %v\n%s", err, out.String())
	}
	<-copied
	s := out.String()
	if !strings.Contains(s, "\r") {
		t.Errorf("no carriage return: the bar is not redrawn in place:\n%q", s)
	}
	plain := ansi.ReplaceAllString(s, "")
	for _, want := range []string{"5000 read, ", "5000 sent, 0 failed, 0 rejected", "rows/s", "100%", "\npinconv: 5000 rows: 5000 processed, 0 rejected, 0 failed, 0 unknown"} {
		if !strings.Contains(plain, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, plain)
		}
	}
	// It moved as rows were sent: several distinct counts of rows sent.
	sent := map[string]bool{}
	for _, m := range regexp.MustCompile(`read, (\d+) sent`).FindAllStringSubmatch(plain, -1) {
		sent[m[1]] = true
	}
	if len(sent) < 3 {
		t.Errorf("the bar showed %d distinct counts of rows sent; want it updated during the run:\n%q", len(sent), plain)
	}
}

// Through a pipe, nothing is drawn: no escape codes, no carriage returns,
// only plain lines and the summary.
func TestProgressPlainThroughPipe(t *testing.T) {
	srv := slowServer(t, 200*time.Millisecond, 3)
	f := writeFile(t, "orders.csv", ordersCSV(3000, time.Now().Add(-time.Hour)))
	cmd := child("send", "--base-url", srv.URL, "--senders", "1", f)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // a pipe
	if err := cmd.Run(); err != nil {
		t.Fatalf("pinconv: %v\n%s", err, stderr.String())
	}
	s := stderr.String()
	if strings.ContainsAny(s, "\r\x1b") {
		t.Errorf("escape codes or carriage returns through a pipe:\n%q", s)
	}
	if !strings.Contains(s, "pinconv: 3000 rows: 3000 processed") {
		t.Errorf("no summary:\n%s", s)
	}
}

// Lines mode writes one line per interval, through a real pipe.
func TestProgressLines(t *testing.T) {
	old := linesInterval
	linesInterval = 100 * time.Millisecond
	defer func() { linesInterval = old }()
	srv := slowServer(t, 250*time.Millisecond, 4)
	f := writeFile(t, "orders.csv", ordersCSV(4000, time.Now().Add(-time.Hour)))
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&got, pr); close(done) }()
	env := tokenEnv()
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: pw, getenv: func(k string) string { return env[k] }}
	code := a.main([]string{"send", "--base-url", srv.URL, "--senders", "1", f})
	pw.Close()
	<-done
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, got.String())
	}
	lines := regexp.MustCompile(`(?m)^pinconv: \d+ rows read \(\d+%\), \d+ sent, \d+ processed, \d+ failed, \d+ unknown, \d+ rejected, \d+ rows/s$`).FindAllString(got.String(), -1)
	if len(lines) < 3 {
		t.Errorf("%d progress lines in a run of about a second at 100 ms; output:\n%s", len(lines), got.String())
	}
}

// --quiet shows no progress and no notes, only the summary.
func TestQuiet(t *testing.T) {
	srv := slowServer(t, 200*time.Millisecond, 2)
	f := writeFile(t, "orders.csv", ordersCSV(2000, time.Now().Add(-time.Hour)))
	cmd := child("send", "--quiet", "--base-url", srv.URL, f)
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&out, ptmx); close(copied) }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pinconv: %v", err)
	}
	<-copied
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(out.String(), "\r\n", "\n")), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "pinconv: 2000 rows: 2000 processed") {
		t.Errorf("--quiet on a terminal printed:\n%q", out.String())
	}
}

// A real SIGINT to the process: it finishes what is in flight, writes the
// checkpoint and the summary, and exits 130; the resume completes the file.
func TestInterruptProcess(t *testing.T) {
	var seen atomic.Int64
	srv := pinteresttest.NewServerT(t)
	faults := make([]pinteresttest.Fault, 20)
	for i := range faults {
		faults[i] = pinteresttest.Fault{Delay: 100 * time.Millisecond}
	}
	srv.Enqueue(faults...)
	srv.FailEvents(func(pinteresttest.Event) string { seen.Add(1); return "" })
	const rows = 20000
	dir := t.TempDir()
	f := writeFile(t, "orders.csv", ordersCSV(rows, time.Now().Add(-time.Hour)))
	ck, sum := filepath.Join(dir, "ck"), filepath.Join(dir, "summary.json")
	args := []string{"send", "--base-url", srv.URL, "--senders", "1", "--progress", "none", "--checkpoint", ck, "--summary", sum, f}
	cmd := child(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for seen.Load() < 3000 {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d (%v), want 130\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted: finishing the requests in flight") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	var s1 summary
	data, _ := os.ReadFile(sum)
	if err := jsonUnmarshal(data, &s1); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, s1)
	if !s1.Interrupted || s1.Processed == 0 || s1.Processed >= rows {
		t.Fatalf("first run %+v", s1)
	}
	cmd2 := child(args...)
	if out, err := cmd2.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	ids := eventIDs(srv)
	if len(ids) != rows {
		t.Errorf("%d distinct events, want %d", len(ids), rows)
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("event %s processed %d times", id, n)
		}
	}
}
