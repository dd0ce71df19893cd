package pinterest

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkQualityCount1000 is the counters' own share of a Send of 1,000
// events: the two calls Send makes (dropped values, then the sent events),
// on events of three names in turn (a new tally run for every event, the
// worst case) with ten signals each. Compare with BenchmarkSendQuality.
func BenchmarkQualityCount1000(b *testing.B) {
	names := []EventName{EventCheckout, EventAddToCart, EventPageVisit}
	now := time.Now()
	evs := make([]*Event, 1000)
	idx := make([]int, len(evs))
	for i := range evs {
		s := strconv.Itoa(i)
		evs[i] = NewEvent(names[i%3], SourceWeb).ID(s).At(now).URL("https://shop.example/p/" + s).
			User(NewUserData().Email("u" + s + "@example.com").Phone("+1650555" + strconv.Itoa(1000+i)).
				FirstName("Jane").LastName("Doe").City("Menlo Park").State("CA").Zip("94025").
				ClientIP("203.0.113.7").UserAgent("Mozilla/5.0")).
			Custom(CustomData{Value: "10.00", OrderID: "o-" + s})
		idx[i] = i
	}
	m := newQualityMeter(nil)
	b.ReportAllocs()
	for b.Loop() {
		for _, ev := range evs {
			m.dropped(ev.user)
		}
		m.sent(evs, idx, now)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(evs)), "ns/event")
}
