package main

import (
	"testing"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

func TestSendSmoke(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	f := writeFile(t, "orders.csv", ordersCSV(2500, time.Now().Add(-time.Hour)))
	r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f)
	t.Logf("stderr:\n%s", r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	checkAccounting(t, r.summary)
	if got := len(srv.Events()); got != 2500 {
		t.Errorf("server got %d events, want 2500", got)
	}
}
