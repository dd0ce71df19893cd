package otelpinterest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/otelpinterest"
)

// TestObserveQuality checks that the quality metrics equal the meter's own
// report, and stop when asked.
func TestObserveQuality(t *testing.T) {
	h := newHarness(t)
	mp := h.meterProvider()
	q := pinterest.NewQualityMeter()
	stop, err := otelpinterest.ObserveQuality(q, otelpinterest.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*pinterest.Event{
		event("1"),
		event("2").User(pinterest.NewUserData().Email("a@example.com").Phone("+1 650 555 0100")),
		pinterest.NewEvent(pinterest.EventPageVisit, pinterest.SourceWeb).ID("3").
			User(pinterest.NewUserData().ClientIP("203.0.113.9").UserAgent("Mozilla/5.0")),
	} {
		if err := q.Observe(ev); err != nil {
			t.Fatal(err)
		}
	}
	r := q.Report()
	want := map[string]float64{}
	for _, row := range r.Coverage {
		attrs := "pinterest.action_source=" + string(row.ActionSource) + ",pinterest.event_name=" + string(row.EventName)
		want["pinterest.quality.events{"+attrs+"}"] = float64(row.Events)
		want["pinterest.quality.late{"+attrs+"}"] = float64(row.Late)
		for sig, n := range row.Signals {
			want["pinterest.quality.signal.events{"+attrs+",pinterest.quality.signal="+string(sig)+"}"] = float64(n)
		}
	}
	want["pinterest.quality.rating{pinterest.quality.rating="+string(r.Rating)+"}"] = map[pinterest.Rating]float64{
		pinterest.RatingUnrated: 0, pinterest.RatingPoor: 1, pinterest.RatingGoodFair: 2, pinterest.RatingGreat: 3}[r.Rating]
	got := map[string]float64{}
	for k, p := range h.metrics(t) {
		if strings.HasPrefix(k, "pinterest.quality.") {
			got[k] = p.Value
		}
	}
	if len(want) < 5 || want["pinterest.quality.events{pinterest.action_source=web,pinterest.event_name=checkout}"] != 2 {
		t.Fatalf("the report is not what the test expects: %v", want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quality metrics (-report +metrics):\n%s", diff)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for k := range h.metrics(t) {
		if strings.HasPrefix(k, "pinterest.quality.") {
			t.Errorf("still reported after stop: %s", k)
		}
	}
	if _, err := otelpinterest.ObserveQuality(nil); err == nil {
		t.Error("a nil meter was accepted")
	}
}
