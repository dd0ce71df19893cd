package pinteresthttp

import (
	"strconv"
	"testing"

	"github.com/capisdk/pinterest"
)

// BenchmarkEvent measures a checkout handler's share: the event with IP
// behind a load balancer, user agent, click id, URL and language.
func BenchmarkEvent(b *testing.B) {
	x := &Extractor{Proxies: lb}
	r := checkoutRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		x.Event(r, pinterest.EventCheckout)
	}
}

// BenchmarkClientIP200Hops walks a 200-hop X-Forwarded-For whose hops are
// all trusted: the worst case of a long header.
func BenchmarkClientIP200Hops(b *testing.B) {
	r := request("10.0.0.2:80", xff(hops(200, func(i int) string { return "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250+1) })))
	x := &Extractor{Proxies: lb}
	b.ReportAllocs()
	for b.Loop() {
		if !x.ClientIP(r).IsValid() {
			b.Fatal("no address")
		}
	}
}

// BenchmarkClientIPForwarded walks a three-element Forwarded header.
func BenchmarkClientIPForwarded(b *testing.B) {
	r := request("10.0.0.2:80", fwdh(`for=198.51.100.1, for="[2001:db8:cafe::17]:4711";proto=https;host=shop.example, for=10.0.3.4`))
	x := &Extractor{Proxies: fwd}
	b.ReportAllocs()
	for b.Loop() {
		if !x.ClientIP(r).IsValid() {
			b.Fatal("no address")
		}
	}
}
