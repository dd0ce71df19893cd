package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// build compiles the named packages of this module into a temporary
// directory once per test binary and returns the directory.
var build = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pinfake-test-")
	if err != nil {
		return "", err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	cmd := exec.Command(goTool, "build", "-o", dir+string(filepath.Separator),
		"github.com/capisdk/pinterest/pinteresttest/cmd/pinfake",
		"github.com/capisdk/pinterest/examples/quickstart")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return dir, nil
})

func binary(t *testing.T, name string) string {
	t.Helper()
	dir, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(dir, name)
}

// syncBuffer collects a process's standard error while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs pinfake with args and returns its URL (the first line of its
// standard output) and its standard error. The process is interrupted and
// waited for at the end of the test if the test did not stop it.
func start(t *testing.T, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binary(t, "pinfake"), args...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-line:
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Fatalf("first line of stdout = %q, want the URL; stderr:\n%s", url, stderr)
		}
		return cmd, url, stderr
	case <-time.After(30 * time.Second):
		t.Fatalf("pinfake printed no URL; stderr:\n%s", stderr)
		return nil, "", nil
	}
}

// stop interrupts the process as Ctrl-C does and checks that it exits 0.
func stop(t *testing.T, cmd *exec.Cmd, sig os.Signal, stderr *syncBuffer) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("pinfake exited with %v after %v; stderr:\n%s", err, sig, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("pinfake did not stop on %v", sig)
	}
	if !strings.Contains(stderr.String(), "pinfake stopped") {
		t.Errorf("no shutdown line in stderr:\n%s", stderr)
	}
}

func TestPinfakeProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("os.Interrupt cannot be sent to a process on Windows")
	}
	cmd, url, stderr := start(t, "-addr", "127.0.0.1:0", "-faults", "503,ok")

	client, err := pinterest.NewClient("dev-token", pinterest.WithBaseURL(url),
		pinterest.WithRetry(pinterest.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID("order-1001").
		User(client.NewUserData().Email("jane.doe@example.com").ClientIP("203.0.113.7").UserAgent("Mozilla/5.0 pinfake-test"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := client.Send(ctx, "549755885175", ev)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if r := res.Results[0]; !r.OK() || r.Attempts != 2 {
		t.Errorf("result = %+v, want processed after 2 attempts (503, then ok)", r)
	}
	stop(t, cmd, os.Interrupt, stderr)

	logs := stderr.String()
	for _, want := range []string{
		"msg=request method=POST path=/v5/ad_accounts/549755885175/events status=503 events=0 processed=0",
		"fault=503",
		"msg=request method=POST path=/v5/ad_accounts/549755885175/events status=200 events=1 processed=1",
		"msg=event index=0 event_name=checkout action_source=web event_id=order-1001",
		"user_data=em,client_ip_address,client_user_agent status=processed",
		"requests=2 events_recorded=1",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, logs)
		}
	}
	for _, secret := range []string{"dev-token", "jane", "203.0.113.7", "pinfake-test", pinterest.HashValue("jane.doe@example.com")} {
		if strings.Contains(logs, secret) {
			t.Errorf("stderr holds %q:\n%s", secret, logs)
		}
	}
}

// The quickstart sends its four events to a running pinfake and succeeds;
// pinfake stops on SIGTERM.
func TestQuickstartAgainstPinfake(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM cannot be sent to a process on Windows")
	}
	cmd, url, stderr := start(t, "-addr", "127.0.0.1:0", "-quiet")
	qs := exec.Command(binary(t, "quickstart"), "-base-url", url)
	qs.Env = append(os.Environ(), "PINTEREST_TOKEN=", "PINTEREST_BASE_URL=")
	out, err := qs.CombinedOutput()
	if err != nil {
		t.Fatalf("quickstart: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Sending to "+url) || !strings.Contains(string(out), "4 processed, 0 failed") {
		t.Errorf("quickstart output:\n%s", out)
	}
	stop(t, cmd, syscall.SIGTERM, stderr)
	// Three web events in one request, the offline one in its own (offline
	// events travel apart: they are not retried after an ambiguous failure).
	if !strings.Contains(stderr.String(), "status=200 events=3 processed=3") || !strings.Contains(stderr.String(), "status=200 events=1 processed=1") {
		t.Errorf("pinfake did not log the quickstart's requests:\n%s", stderr)
	}
	if strings.Contains(stderr.String(), "msg=event ") {
		t.Errorf("-quiet logged events:\n%s", stderr)
	}
}

func TestRunFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-faults", "503,teapot"}, `pinteresttest: fault script step 2 "teapot": unknown word "teapot"`},
		{[]string{"-addr", "0.0.0.0:0"}, "pinteresttest: WithAddress: host of \"0.0.0.0:0\" must be a loopback address"},
		{[]string{"-partial-status", "500"}, "status must be 200 or 422"},
		{[]string{"-rate-limit", "ten"}, "-rate-limit wants N/DURATION"},
		{[]string{"-log", "xml"}, "-log must be text or json"},
		{[]string{"-ad-accounts", "act_1"}, "invalid ad account id"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-faults", "ok", "-faults-file", "x"}, "not both"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("run(%q) printed %q", tt.args, stdout.String())
		}
	}
}

func TestScriptFromFile(t *testing.T) {
	got := scriptFromFile("# warm-up\n503*2,\n\n429+retry-after=1  # then a rate limit\nok\n")
	if want := "503*2,429+retry-after=1,ok"; got != want {
		t.Errorf("scriptFromFile = %q, want %q", got, want)
	}
}
