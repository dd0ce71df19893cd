// Command pinfake runs the fake Pinterest API for Conversions of package
// pinteresttest on its own, for local development: point an application (or
// the SDK's quickstart) at it, watch what arrives, and script failures.
//
//	go run github.com/capisdk/pinterest/pinteresttest/cmd/pinfake
//	go run github.com/capisdk/pinterest/pinteresttest/cmd/pinfake -faults '503*2,ok'
//
// It listens on a loopback address only (default 127.0.0.1:7357), prints its
// base URL on the first line of standard output, and logs one line per
// request and one per event on standard error. The logs hold what the SDK
// sends (event names, sources, ids, times, which user_data fields are
// present, statuses and messages); they never hold the bearer token, the
// values of user_data (hashes, IP address, user agent, click id) or the
// event's URL. Ctrl-C (SIGINT) or SIGTERM stops it.
//
// The SDK and the quickstart send to it with the base URL:
//
//	PINTEREST_BASE_URL=http://127.0.0.1:7357 go run ./examples/quickstart
//	client, err := pinterest.NewClient(token, pinterest.WithBaseURL("http://127.0.0.1:7357"))
//
// The fault script (-faults, or -faults-file) is the text form read by
// pinteresttest.ParseFaults: comma-separated steps for consecutive requests,
// each a status (429, 503...), ok, drop, truncate, process, html, malformed,
// code=N, retry-after=V or delay=D, joined by "+" and repeated with "*N",
// such as "503*2,ok" or "429+retry-after=2,process+drop". Once the script is
// used up, requests are answered normally.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

// DefaultAddress is where pinfake listens without -addr.
const DefaultAddress = "127.0.0.1:7357"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pinfake:", err)
		}
		stop()
		os.Exit(2)
	}
}

// run starts the server, logs until ctx ends, then closes it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pinfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", DefaultAddress, "`host:port` to listen on; the host must be loopback (127.0.0.1, ::1, localhost), port 0 picks a free one")
	faults := fs.String("faults", "", "fault `script` for the next requests, e.g. '503*2,ok' (see pinteresttest.ParseFaults)")
	faultsFile := fs.String("faults-file", "", "read the fault script from `file` (one step or more per line, # starts a comment)")
	token := fs.String("token", "", "accept only this bearer `token` (default: any non-empty token)")
	accounts := fs.String("ad-accounts", "", "comma-separated ad account `ids` the token may use; others are answered 403 (default: all)")
	partial := fs.Int("partial-status", 200, "`status` of an answer in which some events failed: 200 or 422")
	rate := fs.String("rate-limit", "", "answer 429 beyond `N/DURATION` requests per ad account, e.g. 10/1s (default: no limit)")
	format := fs.String("log", "text", "log `format`: text or json")
	quiet := fs.Bool("quiet", false, "log requests only, not each event")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: pinfake [flags]\n\nRuns the fake Pinterest API for Conversions on a loopback address until Ctrl-C.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only)", fs.Arg(0))
	}

	var log *slog.Logger
	switch *format {
	case "text":
		log = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return fmt.Errorf("-log must be text or json, got %q", *format)
	}

	script := *faults
	if *faultsFile != "" {
		if script != "" {
			return errors.New("give -faults or -faults-file, not both")
		}
		b, err := os.ReadFile(*faultsFile)
		if err != nil {
			return err
		}
		script = scriptFromFile(string(b))
	}
	steps, err := pinteresttest.ParseFaults(script)
	if err != nil {
		return err
	}

	opts := []pinteresttest.Option{
		pinteresttest.WithAddress(*addr),
		pinteresttest.WithPartialFailureStatus(*partial),
		pinteresttest.WithObserver(func(r pinteresttest.Request) { logRequest(log, r, !*quiet) }),
	}
	if *token != "" {
		opts = append(opts, pinteresttest.WithToken(*token))
	}
	if *accounts != "" {
		opts = append(opts, pinteresttest.WithAdAccounts(strings.Split(*accounts, ",")...))
	}
	if *rate != "" {
		n, per, err := parseRate(*rate)
		if err != nil {
			return err
		}
		opts = append(opts, pinteresttest.WithRateLimit(n, per))
	}
	srv, err := newServer(opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.Enqueue(steps...)

	fmt.Fprintln(stdout, srv.URL)
	log.Info("pinfake listening", "url", srv.URL, "endpoint", srv.URL+"/v5/ad_accounts/{ad_account_id}/events", "faults", len(steps),
		"hint", "PINTEREST_BASE_URL="+srv.URL+" go run ./examples/quickstart")
	<-ctx.Done()
	srv.Close()
	log.Info("pinfake stopped", "requests", len(srv.Requests()), "events_recorded", len(srv.Events()))
	return nil
}

// newServer is pinteresttest.NewServer with its panic on a bad option (a
// flag value) turned into an error.
func newServer(opts []pinteresttest.Option) (srv *pinteresttest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return pinteresttest.NewServer(opts...), nil
}

// scriptFromFile joins the lines of a fault script file with commas,
// without comments and blank lines.
func scriptFromFile(text string) string {
	var steps []string
	for line := range strings.Lines(text) {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			steps = append(steps, strings.Trim(line, ","))
		}
	}
	return strings.Join(steps, ",")
}

// parseRate reads "N/DURATION".
func parseRate(s string) (int, time.Duration, error) {
	ns, ds, ok := strings.Cut(s, "/")
	n, err1 := strconv.Atoi(ns)
	d, err2 := time.ParseDuration(ds)
	if !ok || err1 != nil || err2 != nil || n < 1 || d <= 0 {
		return 0, 0, fmt.Errorf("-rate-limit wants N/DURATION such as 10/1s, got %q", s)
	}
	return n, d, nil
}

// logRequest logs one request and, with events set, each of its events. It
// logs no user_data value, no URL and no token (the Request has none).
func logRequest(log *slog.Logger, r pinteresttest.Request, events bool) {
	attrs := []any{
		"method", r.Method, "path", r.Path, "status", r.Status,
		"events", r.NumEvents, "processed", r.NumProcessed,
	}
	if r.Test {
		attrs = append(attrs, "test", true)
	}
	if !r.Authorized {
		attrs = append(attrs, "authorized", false)
	}
	if r.Message != "" {
		attrs = append(attrs, "message", r.Message)
	}
	if r.Fault != nil {
		attrs = append(attrs, "fault", describeFault(*r.Fault))
	}
	level := slog.LevelInfo
	if r.Status != 200 {
		level = slog.LevelWarn
	}
	log.Log(context.Background(), level, "request", attrs...)
	if !events || r.Results == nil {
		return
	}
	var body struct {
		Data []pinteresttest.Event `json:"data"`
	}
	if json.Unmarshal(r.Body, &body) != nil || len(body.Data) != len(r.Results) {
		return // cannot happen: Results is set only for a valid body
	}
	for i, e := range body.Data {
		res := r.Results[i]
		attrs := []any{
			"index", i, "event_name", e.EventName, "action_source", e.ActionSource,
			"event_id", e.EventID, "event_time", time.Unix(e.EventTime, 0).UTC().Format(time.RFC3339),
			"user_data", strings.Join(userDataKeys(e.UserData), ","), "status", res.Status,
		}
		if c := e.CustomData; c != nil && (c.Value != "" || c.Currency != "") {
			attrs = append(attrs, "value", c.Value, "currency", c.Currency)
		}
		if res.ErrorMessage != "" {
			attrs = append(attrs, "error", res.ErrorMessage)
		}
		if res.WarningMessage != "" {
			attrs = append(attrs, "warning", res.WarningMessage)
		}
		level := slog.LevelInfo
		if res.Status != "processed" {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "event", attrs...)
	}
}

// userDataKeys names the user_data fields present, with the number of
// values of the hashed ones (em:2), never the values.
func userDataKeys(u pinteresttest.UserData) []string {
	var keys []string
	for _, f := range []struct {
		name string
		n    int
	}{
		{"em", len(u.Em)}, {"ph", len(u.Ph)}, {"ge", len(u.Ge)}, {"db", len(u.Db)},
		{"ln", len(u.Ln)}, {"fn", len(u.Fn)}, {"ct", len(u.Ct)}, {"st", len(u.St)},
		{"zp", len(u.Zp)}, {"country", len(u.Country)}, {"external_id", len(u.ExternalID)},
		{"hashed_maids", len(u.HashedMaids)},
	} {
		switch {
		case f.n == 1:
			keys = append(keys, f.name)
		case f.n > 1:
			keys = append(keys, f.name+":"+strconv.Itoa(f.n))
		}
	}
	for _, f := range []struct{ name, v string }{
		{"client_ip_address", u.ClientIPAddress}, {"client_user_agent", u.ClientUserAgent},
		{"click_id", u.ClickID}, {"partner_id", u.PartnerID},
	} {
		if f.v != "" {
			keys = append(keys, f.name)
		}
	}
	return keys
}

// describeFault writes a fault back in the script's words.
func describeFault(f pinteresttest.Fault) string {
	var w []string
	if f.Status != 0 {
		w = append(w, strconv.Itoa(f.Status))
	}
	if f.Code != 0 {
		w = append(w, "code="+strconv.Itoa(f.Code))
	}
	if f.RetryAfter != "" {
		w = append(w, "retry-after="+f.RetryAfter)
	}
	if f.Delay > 0 {
		w = append(w, "delay="+f.Delay.String())
	}
	for _, b := range []struct {
		on   bool
		word string
	}{{f.Process, "process"}, {f.Drop, "drop"}, {f.Truncate, "truncate"}, {f.Body != "", "body"}} {
		if b.on {
			w = append(w, b.word)
		}
	}
	if len(w) == 0 {
		return "ok"
	}
	return strings.Join(w, "+")
}
