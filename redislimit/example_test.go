package redislimit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
	"github.com/capisdk/pinterest/redislimit"
)

// Every process of a fleet (the replicas of a service, a cron job beside
// them) creates its Client with the same Redis limiter: together they never
// spend more than the ad account's 5,000 calls per minute. WithFallback(10)
// keeps each of up to 10 processes sending at a tenth of the budget while
// Redis is down.
func Example() {
	srv := pinteresttest.NewServer() // stands in for api.pinterest.com here
	defer srv.Close()

	// redisAddr is "host:6379"; Addrs can list Cluster nodes, or Sentinels
	// with MasterName set.
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{redisAddr}, ContextTimeoutEnabled: true})
	defer rdb.Close()
	lim, err := redislimit.New(rdb, pinterest.DefaultCallsPerMinute, redislimit.WithFallback(10))
	if err != nil {
		log.Fatal(err)
	}
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithLimiter(lim))
	if err != nil {
		log.Fatal(err)
	}

	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID("order-1001").
		User(pinterest.NewUserData().Email("jane@example.com"))
	if _, err := client.Send(context.Background(), "549755885175", ev); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d event sent, %d call granted by Redis\n", len(srv.Events()), lim.Stats().RedisCalls)
	// Output: 1 event sent, 1 call granted by Redis
}
