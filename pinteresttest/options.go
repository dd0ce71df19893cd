package pinteresttest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Option configures a Server. Options check their arguments: NewServer
// panics, and NewServerT fails the test, on an invalid one.
type Option interface {
	apply(*config) error
}

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

type config struct {
	token         string              // required token; "" accepts any
	oauthToken    string              // OAuth token of WithOAuthToken (eqs.go)
	now           func() time.Time    // clock
	partialStatus int                 // 200 or 422
	rateN         int                 // 0: no rate limit
	ratePer       time.Duration       // window of the rate limit
	adAccounts    map[string]struct{} // nil: every ad account is permitted
	addr          string              // listen address; "" picks a loopback port
	observer      func(Request)       // nil: none
	maxBody       int                 // 0: no limit on the body's size
}

func defaultConfig() config {
	return config{now: time.Now, partialStatus: http.StatusOK}
}

// WithToken makes the server accept only this bearer token. By default any
// non-empty bearer token is accepted. The token must not be empty.
func WithToken(token string) Option {
	return optionFunc(func(c *config) error {
		if token == "" {
			return errors.New("pinteresttest: WithToken: the token must not be empty")
		}
		c.token = token
		return nil
	})
}

// WithClock sets the clock used to check event_time (no more than 7 days in
// the past, no more than 1 hour in the future), to time requests
// (Request.Time) and to slide the rate-limit windows of WithRateLimit. The
// default is time.Now. now is called from the server's goroutines, so it
// must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) error {
		if now == nil {
			return errors.New("pinteresttest: WithClock: nil clock")
		}
		c.now = now
		return nil
	})
}

// WithPartialFailureStatus sets how a request in which some events failed is
// answered: 200 (the default) with per-event statuses, or 422 with the
// DetailedError body {"code":422,"message":"Not all events were successfully
// processed.","details":{...}} whose details hold the same object as the 200
// body. Pinterest documents both and does not say which it sends when.
func WithPartialFailureStatus(code int) Option {
	return optionFunc(func(c *config) error {
		if code != http.StatusOK && code != http.StatusUnprocessableEntity {
			return fmt.Errorf("pinteresttest: WithPartialFailureStatus: status must be 200 or 422, got %d", code)
		}
		c.partialStatus = code
		return nil
	})
}

// WithRateLimit answers 429 {"code":8,...} to a request when n requests of
// the same ad account were already let through within the window per before
// it (a sliding log, on the clock of WithClock). Rejected requests do not
// count. Only requests that pass the path, method and token checks are
// counted. n must be at least 1 and per positive.
func WithRateLimit(n int, per time.Duration) Option {
	return optionFunc(func(c *config) error {
		if n < 1 || per <= 0 {
			return fmt.Errorf("pinteresttest: WithRateLimit: need n >= 1 and per > 0, got %d per %v", n, per)
		}
		c.rateN, c.ratePer = n, per
		return nil
	})
}

// WithAdAccounts permits the token to send events only to these ad accounts;
// a request for another one is answered 403 {"code":29,"message":"You are not
// permitted to access that resource."}. By default every ad account is
// permitted.
func WithAdAccounts(ids ...string) Option {
	return optionFunc(func(c *config) error {
		if len(ids) == 0 {
			return errors.New("pinteresttest: WithAdAccounts: no ad account")
		}
		c.adAccounts = make(map[string]struct{}, len(ids))
		for _, id := range ids {
			if !validAdAccountID(id) {
				return fmt.Errorf("pinteresttest: WithAdAccounts: invalid ad account id %q (want 1 to 18 digits)", id)
			}
			c.adAccounts[id] = struct{}{}
		}
		return nil
	})
}

// WithAddress makes the server listen on addr, a host:port whose host is a
// loopback IP address (127.0.0.1, ::1) or "localhost"; port 0 picks a free
// port. The default is "127.0.0.1:0", falling back to "[::1]:0". The server
// never listens on other interfaces: it is a test double that accepts any
// token.
func WithAddress(addr string) Option {
	return optionFunc(func(c *config) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("pinteresttest: WithAddress: %q is not host:port: %v", addr, err)
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return fmt.Errorf("pinteresttest: WithAddress: invalid port in %q", addr)
		}
		if host != "localhost" {
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("pinteresttest: WithAddress: host of %q must be a loopback address (127.0.0.1, ::1 or localhost)", addr)
			}
		}
		c.addr = addr
		return nil
	})
}

// WithObserver calls fn with a copy of each request once its answer is
// decided, just before the answer is written (for a request answered with
// nothing, a Drop fault or a client that gave up during a Delay, with Status
// 0). fn runs on the server's handler goroutines, possibly several at once,
// and delays the answer while it runs. The copy has no Authorization header,
// like every Request.
func WithObserver(fn func(Request)) Option {
	return optionFunc(func(c *config) error {
		if fn == nil {
			return errors.New("pinteresttest: WithObserver: nil function")
		}
		c.observer = fn
		return nil
	})
}

// WithMaxBodyBytes makes the server answer 413 {"code":413,"message":
// "Request entity too large."} to a request whose body is larger than n
// bytes, without validating or recording any of its events, as a proxy in
// front of an API does. Pinterest documents no limit; clients such as
// Tealium's connector keep requests under 2 MiB. n must be positive.
func WithMaxBodyBytes(n int) Option {
	return optionFunc(func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("pinteresttest: WithMaxBodyBytes: must be positive, got %d", n)
		}
		c.maxBody = n
		return nil
	})
}
