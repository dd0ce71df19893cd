package redislimit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
	"github.com/capisdk/pinterest/redislimit"
)

// The fleet tests run 4 OS processes, the test binary started again with
// childEnv set, that all send through a real pinterest.Client with a
// redislimit.Limiter to one pinteresttest.Server of the parent, as fast as the
// limiter lets them. The limit is scaled down in time, not in shape:
// fleetLimit calls per fleetWindow (10 s instead of Pinterest's 60 s), so that
// the whole module's tests stay within CI's few minutes.
const (
	childEnv    = "REDISLIMIT_FLEET_CHILD" // set (to a JSON childConfig) in the children
	fleetSize   = 4
	fleetLimit  = 1000
	fleetWindow = 10 * time.Second
	fleetAcct   = "549755885175"
	workers     = 4 // goroutines sending in each child
)

// childConfig is what the parent tells each child, in childEnv.
type childConfig struct {
	Redis    string    // address of the redis-server
	Server   string    // base URL of the pinteresttest.Server
	Start    time.Time // when to start sending
	End      time.Time // when to stop
	Fallback bool      // WithFallback(fleetSize)
	Timeout  time.Duration
	Name     string
}

// childResult is what a child prints on its stdout, as one JSON line.
type childResult struct {
	Name   string
	Sent   int64 // Sends that were processed
	Failed int64 // Sends that failed other than by the end of the run
	Errors []string
	Stats  redislimit.Stats
	// FellBack and Recovered are when, after Start, the child's Limiter first
	// counted a fallback and a recovery (sampled every 10 ms); 0 if never.
	FellBack, Recovered time.Duration
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	redis.SetLogger(quietLogger{}) // go-redis logs every failed dial of the tests that stop Redis
	os.Exit(runTests(m))
}

// redisAddr is the address of the redis-server TestMain starts for the
// examples.
var redisAddr string

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "redislimit")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	rs := newRedis(mainFataler{}, dir)
	defer rs.Kill()
	redisAddr = rs.Addr
	return m.Run()
}

// runChild is the body of one child process.
func runChild(raw string) int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "child config:", err)
		return 2
	}
	redis.SetLogger(quietLogger{}) // go-redis logs connection churn when Redis is killed
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Redis})
	defer rdb.Close()
	opts := []redislimit.Option{redislimit.WithWindow(fleetWindow), redislimit.WithTimeout(cfg.Timeout)}
	if cfg.Fallback {
		opts = append(opts, redislimit.WithFallback(fleetSize))
	}
	l, err := redislimit.New(rdb, fleetLimit, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(cfg.Server), pinterest.WithLimiter(l),
		pinterest.WithoutRetries(), pinterest.WithUserAgent(cfg.Name))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	time.Sleep(time.Until(cfg.Start))
	ctx, cancel := context.WithDeadline(context.Background(), cfg.End)
	defer cancel()
	res := childResult{Name: cfg.Name}
	var sent, failed atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	var seq atomic.Int64
	sampled := make(chan struct{})
	go func() { // when did the Limiter switch modes?
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			st := l.Stats()
			if st.Fallbacks > 0 && res.FellBack == 0 {
				res.FellBack = time.Since(cfg.Start)
			}
			if st.Recoveries > 0 && res.Recovered == 0 {
				res.Recovered = time.Since(cfg.Start)
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
			}
		}
	}()
	for w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				id := fmt.Sprintf("%s-%d-%d", cfg.Name, w, seq.Add(1))
				ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).
					User(pinterest.NewUserData().Email("fleet@example.com"))
				_, err := c.Send(ctx, fleetAcct, ev)
				switch {
				case err == nil:
					sent.Add(1)
				case ctx.Err() != nil || time.Until(cfg.End) < time.Second:
					// The run is ending: Wait refuses slots past the deadline.
				default:
					failed.Add(1)
					mu.Lock()
					if len(res.Errors) < 5 {
						res.Errors = append(res.Errors, err.Error())
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	<-sampled
	res.Sent, res.Failed, res.Stats = sent.Load(), failed.Load(), l.Stats()
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// fleet is a running set of children.
type fleet struct {
	t     *testing.T
	cmds  []*exec.Cmd
	outs  []*bytes.Buffer
	start time.Time
	end   time.Time
}

// startFleet starts fleetSize children that send from about a second from
// now for d.
func startFleet(t *testing.T, redisAddr, serverURL string, d time.Duration, fallback bool) *fleet {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f := &fleet{t: t, start: time.Now().Add(1500 * time.Millisecond)}
	f.end = f.start.Add(d)
	ctx, cancel := context.WithDeadline(context.Background(), f.end.Add(30*time.Second))
	t.Cleanup(cancel) // kills children still running when the test ends
	for i := range fleetSize {
		cfg, _ := json.Marshal(childConfig{
			Redis: redisAddr, Server: serverURL, Start: f.start, End: f.end,
			Fallback: fallback, Timeout: redislimit.DefaultTimeout, Name: "p" + strconv.Itoa(i),
		})
		cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(cfg))
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		f.cmds = append(f.cmds, cmd)
		f.outs = append(f.outs, out)
	}
	return f
}

// wait waits for the children and returns their results.
func (f *fleet) wait() []childResult {
	f.t.Helper()
	var res []childResult
	for i, cmd := range f.cmds {
		if err := cmd.Wait(); err != nil {
			f.t.Fatalf("child %d: %v\n%s", i, err, f.outs[i])
		}
		var r childResult
		sc := bufio.NewScanner(f.outs[i])
		for sc.Scan() {
			if line := sc.Bytes(); len(line) > 0 && line[0] == '{' {
				if err := json.Unmarshal(line, &r); err != nil {
					f.t.Fatalf("child %d: %v", i, err)
				}
			}
		}
		if r.Name == "" {
			f.t.Fatalf("child %d printed no result:\n%s", i, f.outs[i])
		}
		res = append(res, r)
	}
	return res
}

// requestTimes returns the arrival times, by the server's clock, of the
// requests for ad account acct, sorted.
func requestTimes(srv *pinteresttest.Server, acct string) []time.Time {
	var ts []time.Time
	for _, r := range srv.Requests() {
		if r.AdAccountID == acct {
			ts = append(ts, r.Time)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// windows summarizes the counts of the closed sliding windows [t, t+w]
// starting at each request time t (the busiest window of any placement
// starts at a request). Full windows are those that end by the last request.
type windows struct {
	n        int // requests
	max      int // largest count of any window
	maxAt    time.Duration
	minFull  int     // smallest count of a full window
	meanFull float64 // mean count of the full windows
	full     int     // number of full windows
}

func slide(ts []time.Time, w time.Duration) windows {
	s := windows{n: len(ts), minFull: -1}
	if len(ts) == 0 {
		return s
	}
	last := ts[len(ts)-1]
	var sum int
	j := 0
	for i, t := range ts {
		for j < len(ts) && !ts[j].After(t.Add(w)) {
			j++
		}
		n := j - i
		if n > s.max {
			s.max, s.maxAt = n, t.Sub(ts[0])
		}
		if !t.Add(w).After(last) {
			s.full++
			sum += n
			if s.minFull < 0 || n < s.minFull {
				s.minFull = n
			}
		}
	}
	if s.full > 0 {
		s.meanFull = float64(sum) / float64(s.full)
	}
	return s
}

func (s windows) String() string {
	return fmt.Sprintf("%d requests; busiest %v window: %d (at +%v); full windows: %d, min %d, mean %.1f",
		s.n, fleetWindow, s.max, s.maxAt.Round(time.Millisecond), s.full, s.minFull, s.meanFull)
}

// between returns the times in [from, to).
func between(ts []time.Time, from, to time.Time) []time.Time {
	var out []time.Time
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	return out
}

func logChildren(t *testing.T, res []childResult) {
	t.Helper()
	for _, r := range res {
		t.Logf("%s: sent %d, failed %d, %+v", r.Name, r.Sent, r.Failed, r.Stats)
		for _, e := range r.Errors {
			t.Logf("%s: error: %s", r.Name, e)
		}
	}
}

// TestFleetSharesOneBudget: 4 processes saturating one ad account never put
// more than the limit in any window of the limit, and together use at least
// 95% of it.
func TestFleetSharesOneBudget(t *testing.T) {
	rs := startRedis(t)
	srv := pinteresttest.NewServerT(t)
	f := startFleet(t, rs.Addr, srv.URL, 25*time.Second, false)
	res := f.wait()
	logChildren(t, res)

	ts := requestTimes(srv, fleetAcct)
	w := slide(ts, fleetWindow)
	util := w.meanFull / fleetLimit
	t.Logf("limit %d per %v (Pinterest's 5,000/min scaled to a %v window), %d processes × %d workers",
		fleetLimit, fleetWindow, fleetWindow, fleetSize, workers)
	t.Logf("windows: %v", w)
	t.Logf("utilization: mean full window %.1f%% of the limit, smallest %.1f%%", 100*util, 100*float64(w.minFull)/fleetLimit)
	for _, sec := range perSecond(ts) {
		t.Logf("  %s", sec)
	}

	if w.max > fleetLimit {
		t.Errorf("a %v window held %d requests, over the limit %d", fleetWindow, w.max, fleetLimit)
	}
	if util < 0.95 {
		t.Errorf("utilization %.1f%%, want at least 95%%", 100*util)
	}
	for _, r := range res {
		if r.Failed > 0 {
			t.Errorf("%s: %d Sends failed: %v", r.Name, r.Failed, r.Errors)
		}
		if r.Sent == 0 {
			t.Errorf("%s sent nothing: the budget is not shared", r.Name)
		}
	}
}

// perSecond returns the request counts of each second of the run, for the log.
func perSecond(ts []time.Time) []string {
	if len(ts) == 0 {
		return nil
	}
	var out []string
	var line []string
	for from := ts[0]; from.Before(ts[len(ts)-1]); from = from.Add(time.Second) {
		line = append(line, strconv.Itoa(len(between(ts, from, from.Add(time.Second)))))
		if len(line) == 10 {
			out = append(out, "per second: "+strings.Join(line, " "))
			line = nil
		}
	}
	if len(line) > 0 {
		out = append(out, "per second: "+strings.Join(line, " "))
	}
	return out
}

// quietLogger drops go-redis's internal log lines in the children.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestFleetRedisKilled: Redis is killed in the middle of a saturated run and
// restarted empty 6 s later. The processes fall back to their quarter share
// each, come back to Redis, and no window ever holds more than the limit.
func TestFleetRedisKilled(t *testing.T) {
	rs := startRedis(t)
	srv := pinteresttest.NewServerT(t)
	f := startFleet(t, rs.Addr, srv.URL, 34*time.Second, true)
	killAt, restartAt := f.start.Add(8*time.Second), f.start.Add(14*time.Second)
	time.Sleep(time.Until(killAt))
	rs.Kill()
	time.Sleep(time.Until(restartAt))
	rs.Start()
	// The fleet's GCRA key exists again while it runs: the processes share
	// Redis again (it expires soon after the last call, so look now).
	time.Sleep(time.Until(f.start.Add(20 * time.Second)))
	n, err := rs.client(t).Exists(context.Background(), "rate:"+redislimit.DefaultKeyPrefix+"{"+fleetAcct+"}").Result()
	if err != nil || n != 1 {
		t.Errorf("6 s after the restart the fleet's GCRA key is not in Redis: %d, %v", n, err)
	}
	res := f.wait()
	logChildren(t, res)

	ts := requestTimes(srv, fleetAcct)
	w := slide(ts, fleetWindow)
	t.Logf("limit %d per %v, %d processes with WithFallback(%d); Redis killed at +8s, restarted empty at +14s",
		fleetLimit, fleetWindow, fleetSize, fleetSize)
	t.Logf("windows: %v", w)
	for _, sec := range perSecond(ts) {
		t.Logf("  %s", sec)
	}
	if w.max > fleetLimit {
		t.Errorf("a %v window held %d requests, over the limit %d", fleetWindow, w.max, fleetLimit)
	}

	// While Redis is down, each process sends at its own quarter share: the
	// fleet at the full rate, from empty local buckets.
	rate := float64(fleetLimit) / fleetWindow.Seconds()
	down := between(ts, killAt.Add(time.Second), restartAt)
	downRate := float64(len(down)) / (restartAt.Sub(killAt) - time.Second).Seconds()
	t.Logf("fallback: %d requests from +9s to +14s, %.1f/s = %.1f%% of the limit's rate (%.0f/s)",
		len(down), downRate, 100*downRate/rate, rate)
	if downRate < 0.80*rate || downRate > rate {
		t.Errorf("fallback rate %.1f/s, want between 80%% and 100%% of %.0f/s", downRate, rate)
	}
	// After the restart the processes share Redis again: the key is back, and
	// the last full window, on Redis alone, is used as well as ever.
	after := between(ts, f.end.Add(-fleetWindow-time.Second), f.end)
	wa := slide(after, fleetWindow)
	t.Logf("after recovery: %v; utilization %.1f%%", wa, 100*wa.meanFull/fleetLimit)
	if wa.meanFull < 0.95*fleetLimit {
		t.Errorf("after recovery the fleet uses %.1f%% of the limit, want at least 95%%", 100*wa.meanFull/fleetLimit)
	}
	for _, r := range res {
		t.Logf("%s: fell back at +%v, found Redis again at +%v", r.Name, r.FellBack.Round(10*time.Millisecond), r.Recovered.Round(10*time.Millisecond))
		if r.Failed > 0 {
			t.Errorf("%s: %d Sends failed: %v", r.Name, r.Failed, r.Errors)
		}
		if r.Stats.Fallbacks == 0 || r.Stats.Recoveries == 0 || r.Stats.LocalCalls == 0 {
			t.Errorf("%s did not fall back and recover: %+v", r.Name, r.Stats)
		}
		// A ping a second: back within about a second of the restart.
		if back := f.start.Add(r.Recovered).Sub(restartAt); r.Recovered != 0 && (back < 0 || back > 2*time.Second) {
			t.Errorf("%s found Redis again %v after the restart, want within 2 s", r.Name, back)
		}
	}
}

// TestFleetPenaltySlowsEveryProcess: Pinterest answers one request of one
// process 429 with Retry-After: 2. That process's Client penalizes the ad
// account in Redis, and all 4 processes stop for the 2 s, then run at half
// the rate.
func TestFleetPenaltySlowsEveryProcess(t *testing.T) {
	rs := startRedis(t)
	srv := pinteresttest.NewServerT(t)
	f := startFleet(t, rs.Addr, srv.URL, 12*time.Second, false)
	time.Sleep(time.Until(f.start.Add(4 * time.Second)))
	srv.Enqueue(pinteresttest.Fault{Status: 429, RetryAfter: "2"})
	res := f.wait()
	logChildren(t, res)

	var t429 time.Time
	var who string
	var ts []time.Time
	procs := map[string]int{} // requests per process after the penalty
	for _, r := range srv.Requests() {
		ts = append(ts, r.Time)
		if r.Status == 429 {
			t429, who = r.Time, strings.Fields(r.UserAgent)[0]
		}
	}
	if t429.IsZero() {
		t.Fatal("no request was answered 429")
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	for _, r := range srv.Requests() {
		if r.Time.After(t429.Add(2 * time.Second)) {
			procs[strings.Fields(r.UserAgent)[0]]++
		}
	}
	shape := redislimit.Shape(fleetLimit, fleetWindow)
	rate := float64(shape.Rate) / shape.Period.Seconds()
	// The other processes read the penalty within 100 ms; calls granted
	// before that may still arrive, so the quiet gap is checked from +0.3 s.
	gap := between(ts, t429.Add(300*time.Millisecond), t429.Add(1900*time.Millisecond))
	halfFrom := t429.Add(2500 * time.Millisecond)
	half := between(ts, halfFrom, halfFrom.Add(5*time.Second))
	halfRate := float64(len(half)) / 5
	before := between(ts, t429.Add(-3*time.Second), t429)
	t.Logf("429 to %s at +%v; the 3 s before: %.1f/s; from +0.3 s to +1.9 s after it: %d requests; "+
		"from +2.5 s for 5 s: %.1f/s (normal %.1f/s, half %.1f/s); requests per process after the penalty: %v",
		who, t429.Sub(f.start).Round(time.Millisecond), float64(len(before))/3, len(gap), halfRate, rate, rate/2, procs)
	if len(gap) != 0 {
		t.Errorf("%d requests during the 2 s penalty, want none", len(gap))
	}
	if halfRate > rate/2+0.5 || halfRate < 0.8*rate/2 {
		t.Errorf("%.1f requests per second after the penalty, want about %.1f (half rate)", halfRate, rate/2)
	}
	if len(procs) != fleetSize {
		t.Errorf("after the penalty %d processes sent, want all %d", len(procs), fleetSize)
	}
	var failed int64
	for _, r := range res {
		failed += r.Failed
	}
	if failed != 1 {
		t.Errorf("%d Sends failed, want 1 (the 429, not retried)", failed)
	}
}
