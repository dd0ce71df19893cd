package main

import (
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

// The README's "Uploading a file" runs on testdata/store-sales.csv; this test
// runs the same commands, on the day after the sample's last sale, so that
// the README's figures stay true.
func TestExampleFile(t *testing.T) {
	day := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	env := tokenEnv()
	runAt := func(args ...string) result {
		t.Helper()
		var out, errb strings.Builder
		a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }, now: func() time.Time { return day }}
		return result{code: a.main(args), stdout: out.String(), stderr: errb.String()}
	}
	r := runAt("validate", "--ad-account", testAccount, "testdata/store-sales.csv")
	if r.code != exitSomeFailed || !strings.Contains(r.stdout, "7 rows: 5 would be sent, 2 rejected") {
		t.Errorf("validate: exit %d\n%s", r.code, r.stdout)
	}
	srv := pinteresttest.NewServerT(t, pinteresttest.WithClock(func() time.Time { return day }))
	r = runAt("send", "--ad-account", testAccount, "--base-url", srv.URL, "--progress", "none", "testdata/store-sales.csv")
	if r.code != exitSomeFailed || !strings.Contains(r.stderr, "pinconv: 7 rows: 5 processed, 2 rejected, 0 failed, 0 unknown") {
		t.Errorf("send: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(srv.Events()); n != 5 {
		t.Errorf("the fake recorded %d events, want 5", n)
	}
}
