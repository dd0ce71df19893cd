package redislimit_test

import (
	"context"
	"testing"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/redislimit"
)

// BenchmarkWait measures the time one Wait adds to a call when the budget is
// not the bottleneck (the limit is a billion calls per minute, so no Wait
// sleeps): the exchange with a redis-server on loopback (a pipeline of two
// PTTL, then redis_rate's GCRA script), next to the SDK's in-process limiter.
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
		b.ReportAllocs()
		for b.Loop() {
			if err := l.Wait(ctx, "549755885175"); err != nil {
				b.Fatal(err)
			}
		}
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
	b.Run("in-process", func(b *testing.B) {
		l, err := pinterest.NewRateLimiter(huge)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := l.Wait(ctx, "549755885175"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
