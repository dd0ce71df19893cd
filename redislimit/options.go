package redislimit

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Defaults of a Limiter. Each can be changed with the option named beside it.
const (
	DefaultKeyPrefix = "pinterest:ratelimit:" // WithKeyPrefix
	DefaultTimeout   = 250 * time.Millisecond // WithTimeout: per Redis call
	DefaultWindow    = time.Minute            // WithWindow: Pinterest counts calls per minute
)

// probeInterval is how often a process in local fallback pings Redis, in the
// background of a Wait, to learn whether it answers again.
const probeInterval = time.Second

// penaltyRecheck is how often a process sending for an ad account reads its
// penalty keys: a penalty set by another process holds this one back within
// that time. Reading them on every call would double the round trips.
const penaltyRecheck = 100 * time.Millisecond

// maxPenalty caps the d given to Penalize, as the SDK's in-process limiter
// does: after a minute Pinterest's own window has rolled over completely.
const maxPenalty = time.Minute

// Option configures a Limiter. Options check their arguments, so New returns
// an error rather than a misconfigured limiter.
type Option interface{ apply(*config) error }

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

type config struct {
	prefix    string
	timeout   time.Duration
	window    time.Duration
	fleetSize int // 0: no local fallback
}

func defaultConfig() config {
	return config{prefix: DefaultKeyPrefix, timeout: DefaultTimeout, window: DefaultWindow}
}

// WithKeyPrefix sets the prefix of the Redis keys (default DefaultKeyPrefix).
// Limiters that share a budget must use the same prefix, window and limit;
// different prefixes keep separate budgets on one Redis. The prefix must not
// contain '{' or '}': the ad account ID is put in braces after it, as a
// Redis Cluster hash tag, so all keys of one ad account live on one node.
func WithKeyPrefix(prefix string) Option {
	return optionFunc(func(c *config) error {
		if strings.ContainsAny(prefix, "{}") {
			return errors.New("redislimit: WithKeyPrefix: the prefix must not contain '{' or '}'")
		}
		c.prefix = prefix
		return nil
	})
}

// WithTimeout bounds each exchange with Redis of a Wait or Penalize (default
// DefaultTimeout), whatever the timeouts of the Redis client: a Wait never
// blocks on an unresponsive Redis for longer than that. An exchange that
// times out counts as Redis being unavailable. d must be positive.
//
// A client whose options set ContextTimeoutEnabled (redis.Options,
// redis.UniversalOptions...) bounds its own waits by the deadline, and the
// exchange runs on the caller's goroutine. Other clients do not, so the
// exchange runs on a goroutine of its own that the caller stops waiting for
// at the timeout; that hand-over costs some microseconds per Wait (see
// BenchmarkWait).
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithTimeout: must be positive, got %v", d)
		}
		c.timeout = d
		return nil
	})
}

// WithWindow sets the window the limit counts in (default DefaultWindow, one
// minute, Pinterest's). No closed window of this length sees more than the
// limit. It exists for other limits and for tests that scale time down; the
// tests of this package run with a 10-second window. d must be at least
// 10 ms.
func WithWindow(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d < 10*time.Millisecond {
			return fmt.Errorf("redislimit: WithWindow: must be at least 10ms, got %v", d)
		}
		c.window = d
		return nil
	})
}

// WithFallback makes the Limiter keep working while Redis is unavailable,
// instead of failing Wait with ErrUnavailable: each process then limits
// itself to its share of the budget, 1/fleetSize of it, with a local limiter
// that starts empty. It pings Redis at most once a second and, once
// Redis answers, uses both Redis and the local limiter for one window before
// it relies on Redis alone, so the calls it made on its own share are still
// counted while the fleet shares Redis again. See the package documentation
// for what this guarantees.
//
// fleetSize must be at least the number of processes that share the budget
// (replicas plus cron jobs and the like); a larger value is safe and only
// slows the fallback down. It must be positive.
func WithFallback(fleetSize int) Option {
	return optionFunc(func(c *config) error {
		if fleetSize < 1 {
			return fmt.Errorf("redislimit: WithFallback: fleet size must be positive, got %d", fleetSize)
		}
		c.fleetSize = fleetSize
		return nil
	})
}
