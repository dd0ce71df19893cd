// Package redislimit is a rate limiter for the Pinterest Conversions SDK
// (github.com/capisdk/pinterest) whose budget lives in Redis, so that all the
// processes sending for one ad account (the replicas of a service, a cron job
// beside them) share Pinterest's per-ad-account limit instead of each
// spending it as if it were alone.
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"redis:6379"}, ContextTimeoutEnabled: true})
//	lim, err := redislimit.New(rdb, pinterest.DefaultCallsPerMinute, redislimit.WithFallback(10))
//	...
//	client, err := pinterest.NewClient(token, pinterest.WithLimiter(lim))
//
// It is a module of its own, so that the SDK does not depend on go-redis. The
// rate is decided in Redis by the GCRA script of
// github.com/go-redis/redis_rate/v10, one atomic script run per call, on the
// time of the Redis server, so the clocks of the processes do not matter.
//
// # The promise
//
// Like the SDK's in-process pinterest.RateLimiter, but across every process
// sharing the Redis, key prefix, limit and window: no closed window of one
// minute (WithWindow) sees more than the limit of calls for one ad account,
// not even the first one, even if calls go out up to 1/100 of the window
// (600 ms) after Redis granted them; and under saturation the fleet sustains
// at least 97% of the limit.
//
// # How the burst and the rate are chosen
//
// GCRA keeps per key one time, the theoretical arrival time (TAT). With an
// emission interval T = Period/Rate and a burst B, a call at time t is
// allowed when TAT − (B−1)·T ≤ t, and then moves TAT to max(TAT, t) + T.
// That is a token bucket of B tokens refilled at one per T, so any closed
// window of length W holds at most B + ⌊W/T⌋ granted calls: at most B
// saved up when it opens, plus those that accrue during it. (Each grant in
// the window moves TAT on by at least T from the window's start, and the
// last grant needs TAT − (B−1)·T to be within the window.) New takes
// (see Shape)
//
//	B      = max(1, L/50)
//	Rate   = L − B + 1
//	Period = W + W/100
//
// so W/T = (L−B+1)·W/(1.01·W) < L−B+1, and B + ⌊W/T⌋ ≤ L. A call that goes
// out late, at most δ after its grant (network, scheduling: the reply of
// Redis, then the HTTP request), lands in a window of the send times that
// holds only calls granted within W+δ; with δ < W/100, (W+δ)/T < L−B+1 still,
// so even then no window exceeds L. For Pinterest's 5,000 calls per minute
// this is B = 100, Rate = 4,901 per 60.6 s (80.9 per second): at most 4,952
// calls in any minute, 4,852 per minute sustained (97%). GCRA's TAT also
// means that a call that is a little late does not lose its slot: the next
// slot is T after the previous TAT, not after the late call, as long as the
// bucket is not full. The package's tests check all this from the arrival
// times recorded by a pinteresttest.Server, with 4 processes and the same
// shape on a 10-second window (1,000 calls per 10 s, to keep CI short).
//
// # Penalties
//
// Penalize, which the SDK's Client calls when Pinterest answers 429, stores
// the penalty in Redis: no process is granted a call for that ad account
// until it ends, and then for one window the account runs at half the rate
// with a burst of at most two (GCRA with 2·T and B = 2 on the same TAT, so a
// debt carries over, and TAT may run at most 2·T ahead, no more than
// (B−1)·T: the bound above still holds; B = 1 when B < 3). A process reads
// the penalty keys of an ad account it sends for at most every 100 ms (and
// at once after its own Penalize), pipelined before asking for a slot, so a
// penalty reaches the whole fleet within 100 ms, and most Waits cost one
// round trip.
//
// # When Redis is unavailable
//
// Each exchange with Redis is bounded by WithTimeout (250 ms by default),
// whatever the Redis client's own timeouts (a client with
// ContextTimeoutEnabled set does that itself, and saves each Wait a
// goroutine hand-over). Without WithFallback a failed or
// timed-out exchange makes Wait return an error wrapping ErrUnavailable, and
// the SDK fails those events with it: nothing is sent unlimited.
//
// With WithFallback(n) each process instead limits itself to 1/n of the
// rate, with a local token bucket per ad account that starts empty (the fleet
// may have spent the budget just before Redis went away) and has a burst of
// one. If the n processes lose Redis together, as when Redis stops, the
// fleet together stays within the bound above. The process pings Redis at
// most once a second, in the background of its Waits (so no call that holds
// a local slot waits for Redis and goes out late). Once
// Redis answers, for one window every call needs both its local slot and a
// Redis slot, so that the calls made on the local share are still within the
// window while Redis counts the new ones; then Redis alone. Across the
// switch back the bound loosens by at most n calls (the rounding of the n
// local buckets) to B + n + ⌊W/T⌋, which the margin kept for late calls
// absorbs: the limit holds if calls go out less than W/100 − n·T after their
// grant (476 ms for 5,000 per minute and n = 10). A process that loses Redis
// while the others still reach it (a network partition, a timeout of that
// process only) adds its share to what Redis grants the others, up to L/n
// more in a window: choose n as the number of processes that can send for an
// ad account, not fewer.
//
// # Keys
//
// For an ad account ID the Limiter uses the keys "rate:" + prefix + "{id}"
// (redis_rate's GCRA state), prefix + "{id}:penalty" and prefix +
// "{id}:slow", all with expiry times; the prefix is DefaultKeyPrefix unless
// WithKeyPrefix says otherwise. The braces make the ID a Redis Cluster hash
// tag: the keys of one ad account are on one node.
package redislimit
