//go:build unix

package pinterest_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// BenchmarkSendQuality measures what the quality counters cost Send. Each
// iteration makes the same Send of 1,000 events over loopback HTTP twice, on
// a client with the counters (as every client has them) and on one without,
// in alternating order, and measures each: the process's CPU time (user and
// system, which includes the in-process server's, the same for both), which
// other processes on a busy machine do not inflate as they do wall time. The
// "cpu-on/off" metric is the ratio of the two totals, "wall-on/off" the same
// for wall time, and "cpu-ns-added/event" the difference per event. The events
// cycle through three names, so that every event switches the counters'
// tally: their worst case.
//
//	go test -run XXX -bench SendQuality -benchmem -count 5 .
func BenchmarkSendQuality(b *testing.B) {
	data := perfData(perfBatch)
	names := []pinterest.EventName{pinterest.EventCheckout, pinterest.EventAddToCart, pinterest.EventPageVisit}
	evs := make([]*pinterest.Event, perfBatch)
	for i := range data {
		ev := perfEvent(&data[i])
		evs[i] = pinterest.NewEvent(names[i%len(names)], pinterest.SourceWeb).ID(ev.EventID()).At(perfNow).
			URL("https://shop.example/checkout").User(ev.UserData()).
			Custom(pinterest.CustomData{Currency: "USD", Value: data[i].value, OrderID: data[i].orderID,
				Contents: []pinterest.Content{{ID: data[i].sku, ItemPrice: data[i].price, Quantity: 1}}})
	}
	on, off := perfClient(b), perfClient(b)
	pinterest.WithoutQualityCounters(off)
	ctx := context.Background()
	var cpuOn, cpuOff, wallOn, wallOff time.Duration
	send := func(c *pinterest.Client, cpu, wall *time.Duration) {
		c0, w0 := cpuTime(b), time.Now()
		res, err := c.Send(ctx, "549755885175", evs...)
		*wall += time.Since(w0)
		*cpu += cpuTime(b) - c0
		if err != nil || res.Processed != perfBatch {
			b.Fatalf("processed %d: %v", res.Processed, err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			send(on, &cpuOn, &wallOn)
			send(off, &cpuOff, &wallOff)
		} else {
			send(off, &cpuOff, &wallOff)
			send(on, &cpuOn, &wallOn)
		}
		i++
	}
	if got := on.Quality().Events; got != int64(i*perfBatch) {
		b.Fatalf("counted %d events, want %d", got, i*perfBatch)
	}
	b.ReportMetric(float64(cpuOn)/float64(cpuOff), "cpu-on/off")
	b.ReportMetric(float64(wallOn)/float64(wallOff), "wall-on/off")
	b.ReportMetric(float64(cpuOn-cpuOff)/float64(i*perfBatch), "cpu-ns-added/event")
	b.ReportMetric(float64(cpuOff)/float64(i*perfBatch), "cpu-ns/event-off")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
