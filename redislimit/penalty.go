package redislimit

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// penalize extends the penalty key of an ad account to ARGV[1] ms from now
// and its half-rate key to ARGV[2] ms after the penalty's end; it never
// shortens either. It runs as one script so that two processes penalizing
// at once cannot shorten each other's penalty. (This is bookkeeping of two
// expiry times; the rate itself is redis_rate's GCRA script.)
var penalize = redis.NewScript(`
local pen = tonumber(ARGV[1])
local ttl = redis.call("PTTL", KEYS[1])
if ttl < pen then
  redis.call("SET", KEYS[1], "1", "PX", pen)
  ttl = pen
end
local slow = ttl + tonumber(ARGV[2])
if redis.call("PTTL", KEYS[2]) < slow then
  redis.call("SET", KEYS[2], "1", "PX", slow)
end
return ttl
`)

// Penalize holds back the calls for adAccountID of every process sharing the
// budget, after Pinterest answered 429: no call for it is granted before
// now+d (d is capped at one minute; d <= 0 is ignored), not even to callers
// already waiting, which ask Redis again when their sleep ends. The other
// processes see it within 100 ms: a busy process reads the penalty keys of an
// ad account that often, in the same round trip as a slot. Then, for one
// more window, the ad account runs at half the normal rate with a burst of
// at most two calls, and after that at the normal rate again. A second penalty extends the
// first, never shortens it. The penalty is stored in Redis (with expiry
// times, so it ends by itself); if Redis cannot be reached within
// WithTimeout, only the local fallback (if any) is penalized.
func (l *Limiter) Penalize(adAccountID string, d time.Duration) {
	if d <= 0 {
		return
	}
	d = min(d, maxPenalty)
	if l.local != nil {
		l.local.penalize(adAccountID, d)
	}
	defer l.penaltyEpoch.Add(1)
	k := l.keys(adAccountID)
	pen := max(d.Milliseconds(), 1)
	_, _ = call(context.Background(), l, func(ctx context.Context) (any, error) {
		return nil, penalize.Run(ctx, l.rdb, []string{k.penalty, k.slow}, pen, l.cfg.window.Milliseconds()).Err()
	})
}
