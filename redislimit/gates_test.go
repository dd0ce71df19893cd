package redislimit

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// TestGatesSweepStaleIdleGates: idle gates are kept while their penalty
// state is fresh and swept once stale, so the map follows the busy ad
// accounts.
func TestGatesSweepStaleIdleGates(t *testing.T) {
	var g gates
	ctx := context.Background()
	for i := range 3 * minSweep {
		id := strconv.Itoa(i)
		gt, err := g.acquire(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		gt.checked = time.Now() // as waitRedis does after reading the keys
		g.release(id, gt)
	}
	if n := len(g.m); n != 3*minSweep {
		t.Fatalf("%d fresh idle gates kept, want %d", n, 3*minSweep)
	}
	held, _ := g.acquire(ctx, "held")
	time.Sleep(penaltyRecheck + 10*time.Millisecond)
	// New gates, held, grow the map to sweepAt: that sweep drops the stale
	// idle gates.
	var news []*gate
	var ids []string
	for i := len(g.m); i < g.sweepAt+1; i++ {
		id := "new" + strconv.Itoa(i)
		gt, _ := g.acquire(ctx, id)
		news, ids = append(news, gt), append(ids, id)
	}
	if _, ok := g.m["held"]; !ok {
		t.Error("a held gate was swept")
	}
	if n, want := len(g.m), 1+len(news); n != want {
		t.Errorf("%d gates after the sweep, want %d (the held ones)", n, want)
	}
	for i, gt := range news {
		g.release(ids[i], gt) // never checked: stale, dropped at once
	}
	g.release("held", held)
	if n := len(g.m); n != 0 {
		t.Errorf("%d gates left, want 0", n)
	}
}

// TestGatesAcquireCanceled: a caller waiting for a held gate returns when
// its context ends and holds nothing.
func TestGatesAcquireCanceled(t *testing.T) {
	var g gates
	held, _ := g.acquire(context.Background(), "1")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.acquire(ctx, "1"); err != context.DeadlineExceeded {
		t.Fatalf("acquire of a held gate = %v, want DeadlineExceeded", err)
	}
	if got := g.m["1"].refs; got != 1 {
		t.Errorf("refs = %d after the canceled acquire, want 1", got)
	}
	g.release("1", held)
}
