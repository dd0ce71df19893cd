package pinterest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/capisdk/pinterest/internal/clock"
	"golang.org/x/oauth2"
)

// Defaults of the Client. Each can be changed with the option named beside it;
// the defaults of RetryPolicy are in retry.go.
const (
	DefaultBaseURL             = "https://api.pinterest.com" // WithBaseURL
	DefaultTimeout             = 30 * time.Second            // WithTimeout: per HTTP attempt
	DefaultMaxEventsPerRequest = 1000                        // WithMaxEventsPerRequest: Pinterest's maximum
	DefaultConcurrency         = 4                           // WithConcurrency: requests in flight per Send
	DefaultMaxRequestBytes     = 2 << 20                     // WithMaxRequestBytes: 2 MiB per request body
)

// Option configures a Client. Options check their arguments, so NewClient
// returns an error rather than a misconfigured client.
type Option interface{ apply(*config) error }

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

type config struct {
	baseURL         *url.URL
	httpClient      *http.Client
	testMode        bool
	newLimiter      func(clock.Clock) (Limiter, error) // set by WithRateLimit, WithoutRateLimit, WithLimiter: the last wins
	retry           RetryPolicy
	noAmbiguousRetr bool
	deriveIDs       bool // WithDerivedEventIDs (derive.go)
	logger          *slog.Logger
	userAgent       string
	phoneCC         string
	timeout         time.Duration
	maxPerRequest   int
	maxRequestBytes int
	concurrency     int
	clock           clock.Clock
	observer        *Observer          // nil: nothing observes the client
	tokenSource     oauth2.TokenSource // WithTokenSource (auth.go)
}

func defaultConfig() config {
	u, _ := url.Parse(DefaultBaseURL)
	return config{
		baseURL:         u,
		newLimiter:      rateLimitOf(DefaultCallsPerMinute),
		retry:           RetryPolicy{}.withDefaults(),
		timeout:         DefaultTimeout,
		maxPerRequest:   DefaultMaxEventsPerRequest,
		maxRequestBytes: DefaultMaxRequestBytes,
		concurrency:     DefaultConcurrency,
		clock:           clock.Real,
	}
}

// WithBaseURL sends to another server than https://api.pinterest.com, such as
// a pinteresttest.Server in tests. The URL must use https, except for loopback
// addresses (127.0.0.0/8, ::1, localhost), so that the token never travels in
// clear text. Paths /v5/ad_accounts/{id}/events are appended to it.
func WithBaseURL(rawURL string) Option {
	return optionFunc(func(c *config) error {
		u, err := url.Parse(strings.TrimRight(rawURL, "/"))
		if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return errors.New("pinterest: WithBaseURL: want an absolute URL such as https://host, without user, query or fragment")
		}
		// The SDK appends /v5/ad_accounts/...: a URL copied with its /v5 (as
		// the API reference writes the server) would give /v5/v5 and a 404.
		u.Path = strings.TrimRight(strings.TrimSuffix(u.Path, "/v5"), "/")
		u.RawPath = ""
		switch u.Scheme {
		case "https":
		case "http":
			if !isLoopback(u.Hostname()) {
				return errors.New("pinterest: WithBaseURL: http:// is allowed for loopback addresses only; use https")
			}
		default:
			return errors.New("pinterest: WithBaseURL: scheme must be https (or http for loopback)")
		}
		c.baseURL = u
		return nil
	})
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// WithHTTPClient sends requests with hc, for custom transports, proxies or
// tracing. Per-attempt timeouts are still applied through the request context
// (see WithTimeout). The client uses a copy of hc that follows no redirect
// (so that the token and the events never go elsewhere); hc itself is not
// changed. A transport that does not report to net/http/httptrace (one that
// does not wrap an *http.Transport) cannot tell whether a failed request was
// written, so its failures are taken as possibly processed
// (ErrOutcomeUnknown).
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(c *config) error {
		if hc == nil {
			return errors.New("pinterest: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	})
}

// WithTestMode sends every request with ?test=true: Pinterest validates the
// events and answers as usual, but records nothing. It also limits the client
// to 10 requests per second, Pinterest's limit for test requests. Remember to
// remove it before going live.
func WithTestMode() Option {
	return optionFunc(func(c *config) error { c.testMode = true; return nil })
}

// WithRateLimit sets the calls per minute allowed per ad account by the
// client's own limiter (default DefaultCallsPerMinute, 5,000: the limit in
// Pinterest's API description; its rate-limits page gives other figures for
// some tokens). It must be positive.
func WithRateLimit(callsPerMinute int) Option {
	return optionFunc(func(c *config) error {
		if callsPerMinute <= 0 {
			return fmt.Errorf("pinterest: WithRateLimit: calls per minute must be positive, got %d", callsPerMinute)
		}
		c.newLimiter = rateLimitOf(callsPerMinute)
		return nil
	})
}

// rateLimitOf makes the client's own per-ad-account limiter of callsPerMinute.
func rateLimitOf(callsPerMinute int) func(clock.Clock) (Limiter, error) {
	return func(clk clock.Clock) (Limiter, error) { return newRateLimiter(callsPerMinute, clk) }
}

// WithoutRateLimit turns the client's rate limiter off: requests go out as
// fast as they are made (429 answers are still retried).
func WithoutRateLimit() Option {
	return optionFunc(func(c *config) error {
		c.newLimiter = func(clock.Clock) (Limiter, error) { return nopLimiter{}, nil }
		return nil
	})
}

// WithLimiter replaces the client's in-process limiter, for example with one
// shared by every process of a fleet. If l also implements Penalizer, it is told
// when Pinterest answers 429.
func WithLimiter(l Limiter) Option {
	return optionFunc(func(c *config) error {
		if l == nil {
			return errors.New("pinterest: WithLimiter: nil limiter (use WithoutRateLimit to turn limiting off)")
		}
		c.newLimiter = func(clock.Clock) (Limiter, error) { return l, nil }
		return nil
	})
}

// WithRetry sets the retry policy. Negative values are refused.
func WithRetry(p RetryPolicy) Option {
	return optionFunc(func(c *config) error {
		if p.MaxAttempts < 0 || p.MaxElapsed < 0 || p.InitialInterval < 0 || p.MaxInterval < 0 || p.MaxRetryAfter < 0 {
			return errors.New("pinterest: WithRetry: negative attempts or durations")
		}
		if p.MaxInterval != 0 && p.InitialInterval > p.MaxInterval {
			return errors.New("pinterest: WithRetry: InitialInterval is larger than MaxInterval")
		}
		c.retry = p.withDefaults()
		return nil
	})
}

// WithoutRetries makes every request a single attempt.
func WithoutRetries() Option {
	return optionFunc(func(c *config) error { c.retry.MaxAttempts = 1; return nil })
}

// WithoutAmbiguousRetries retries only failures where Pinterest certainly did
// not process the request (429, 503, a request that was never written).
// Failures after which it may have (500, 502, 504, a reset or timeout after
// the request was written, an unreadable 200) then end the events with an
// error matching ErrOutcomeUnknown instead. Without this option that is
// already the rule for offline events, which Pinterest does not de-duplicate
// and a retry could count twice; web and app events, which it de-duplicates
// by event id, are retried.
func WithoutAmbiguousRetries() Option {
	return optionFunc(func(c *config) error { c.noAmbiguousRetr = true; return nil })
}

// WithLogger logs each HTTP attempt (method, path, status, event counts,
// attempt, duration) and each retry decision to l. Bodies, tokens and personal
// data are never logged. The client is silent without it.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) error {
		if l == nil {
			return errors.New("pinterest: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	})
}

// WithUserAgent adds product (such as "myshop/1.2") in front of the SDK's own
// User-Agent. It must be at most 256 bytes; NewClient refuses control
// characters (other than tab) in it, as net/http would refuse every request.
func WithUserAgent(product string) Option {
	return optionFunc(func(c *config) error {
		product = strings.TrimSpace(product)
		if len(product) > 256 {
			return errors.New("pinterest: WithUserAgent: must be at most 256 bytes")
		}
		c.userAgent = product
		return nil
	})
}

// WithDefaultPhoneCountryCode sets the country calling code ("1", "44", "+49")
// that Client.NewUserData prefixes to national phone numbers. See
// NormalizePhone.
func WithDefaultPhoneCountryCode(code string) Option {
	return optionFunc(func(c *config) error {
		cc, ok := parseCallingCode(code)
		if !ok {
			return errors.New("pinterest: WithDefaultPhoneCountryCode: " + reasonPhoneCC)
		}
		c.phoneCC = cc
		return nil
	})
}

// WithTimeout bounds each HTTP attempt (default DefaultTimeout). It must be
// positive.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("pinterest: WithTimeout: must be positive, got %v", d)
		}
		c.timeout = d
		return nil
	})
}

// WithMaxEventsPerRequest sets how many events one request carries at most,
// from 1 to 1000 (the default and Pinterest's maximum).
func WithMaxEventsPerRequest(n int) Option {
	return optionFunc(func(c *config) error {
		if n < 1 || n > DefaultMaxEventsPerRequest {
			return fmt.Errorf("pinterest: WithMaxEventsPerRequest: want 1 to 1000, got %d", n)
		}
		c.maxPerRequest = n
		return nil
	})
}

// minRequestBytes is the smallest budget WithMaxRequestBytes takes: room for
// a few ordinary events.
const minRequestBytes = 4 << 10

// WithMaxRequestBytes bounds the size of a request's body (default
// DefaultMaxRequestBytes, 2 MiB: Pinterest documents no limit, and 2 MiB is
// the threshold of Tealium's Pinterest connector). Requests are cut by
// encoded size as well as by WithMaxEventsPerRequest, so that one large
// event does not take others down with it; an event that alone exceeds the
// budget fails locally with a *FieldError and is not sent. Independently, a
// request answered 413 (too large for the server, which processed none of
// it) is split in halves that are sent in its place, down to single events:
// only an event too large on its own fails, with the 413 *APIError. n must be
// at least 4 KiB.
func WithMaxRequestBytes(n int) Option {
	return optionFunc(func(c *config) error {
		if n < minRequestBytes {
			return fmt.Errorf("pinterest: WithMaxRequestBytes: want at least %d, got %d", minRequestBytes, n)
		}
		c.maxRequestBytes = n
		return nil
	})
}

// WithConcurrency sets how many requests one Send may have in flight when it
// has more events than fit in one request (default DefaultConcurrency). It
// must be positive. The rate limiter applies to all of them.
func WithConcurrency(n int) Option {
	return optionFunc(func(c *config) error {
		if n < 1 {
			return fmt.Errorf("pinterest: WithConcurrency: must be positive, got %d", n)
		}
		c.concurrency = n
		return nil
	})
}

// withClock replaces the clock, for tests (exported to tests by export_test.go).
func withClock(cl clock.Clock) Option {
	return optionFunc(func(c *config) error { c.clock = cl; return nil })
}
