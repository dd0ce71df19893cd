package redislimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/redislimit"
)

// BenchmarkWait measures the time one Wait adds to a call when the budget is
// not the bottleneck (the limit is a billion calls per minute, so no Wait
// sleeps): the exchange with a redis-server on loopback (redis_rate's GCRA
// script; the penalty keys every 100 ms), with a default client ("redis",
// the exchange on its own goroutine) and one with ContextTimeoutEnabled
// ("redis-ctxtimeout", on the caller's), next to redis_rate alone and the
// SDK's in-process limiter.
//
//	go test -run '^$' -bench . -benchmem -count 6
func BenchmarkWait(b *testing.B) {
	ctx := context.Background()
	const huge = 1_000_000_000
	b.Run("redis", func(b *testing.B) {
		rs := startRedis(b)
		l, err := redislimit.New(rs.client(b), huge)
		if err != nil {
			b.Fatal(err)
		}
		benchWaits(b, l)
	})
	b.Run("redis-ctxtimeout", func(b *testing.B) {
		rs := startRedis(b)
		rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, ContextTimeoutEnabled: true})
		defer rdb.Close()
		l, err := redislimit.New(rdb, huge)
		if err != nil {
			b.Fatal(err)
		}
		benchWaits(b, l)
	})
	b.Run("redis-parallel", func(b *testing.B) {
		rs := startRedis(b)
		l, err := redislimit.New(rs.client(b), huge)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := l.Wait(ctx, "549755885175"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	// The floor: redis_rate's script alone, on the caller's goroutine, with
	// no penalty keys, gate or timeout; the difference to "redis" is this
	// package's own cost.
	b.Run("redis_rate-alone", func(b *testing.B) {
		rs := startRedis(b)
		rl := redis_rate.NewLimiter(rs.client(b))
		limit := redislimit.Shape(huge, time.Minute)
		b.ReportAllocs()
		for b.Loop() {
			res, err := rl.Allow(ctx, "549755885175", limit)
			if err != nil || res.Allowed != 1 {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("in-process", func(b *testing.B) {
		l, err := pinterest.NewRateLimiter(huge)
		if err != nil {
			b.Fatal(err)
		}
		benchWaits(b, l)
	})
}

// benchWaits times one Wait of l per iteration, on one ad account.
func benchWaits(b *testing.B, l pinterest.Limiter) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Wait(ctx, "549755885175"); err != nil {
			b.Fatal(err)
		}
	}
}
