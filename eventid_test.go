package pinterest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// The expected ids were computed outside Go, with
// printf '12:549755885175,8:checkout,10:1700000000,4:1001,' | sha256sum | cut -c1-32
// and the same for the other rows, to pin the documented construction.
func TestDeriveEventID(t *testing.T) {
	at := time.Unix(1700000000, 0)
	tests := []struct {
		name string
		ev   pinterest.EventName
		t    time.Time
		keys []string
		want string
	}{
		{"order id", pinterest.EventCheckout, at, []string{"1001"}, "95536990b93cfb751c6a3b0aae352ff1"},
		{"no keys", pinterest.EventLead, at, nil, "69e2851976999a46215bb22edbf3fae1"},
		{"empty and separator-like keys", pinterest.EventCheckout, at, []string{"", "a,b:c"}, "b9b020f2246542e6ab2f58f55db4e122"},
		{"time zone does not matter", pinterest.EventCheckout, at.In(time.FixedZone("UTC+7", 7*3600)), []string{"1001"}, "95536990b93cfb751c6a3b0aae352ff1"},
		{"sub-second part does not matter", pinterest.EventCheckout, at.Add(900 * time.Millisecond), []string{"1001"}, "95536990b93cfb751c6a3b0aae352ff1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pinterest.DeriveEventID("549755885175", tt.ev, tt.t, tt.keys...)
			if got != tt.want {
				t.Errorf("DeriveEventID = %s, want %s", got, tt.want)
			}
			if len(got) != pinterest.DerivedEventIDLength {
				t.Errorf("len = %d, want %d", len(got), pinterest.DerivedEventIDLength)
			}
		})
	}
}

// Each input changes the id, and so does moving bytes between keys (the
// netstring framing keeps "ab"+"c" apart from "a"+"bc").
func TestDeriveEventIDDistinct(t *testing.T) {
	at := time.Unix(1700000000, 0)
	ids := map[string]string{
		"base":     pinterest.DeriveEventID("1", pinterest.EventCheckout, at, "ab", "c"),
		"account":  pinterest.DeriveEventID("2", pinterest.EventCheckout, at, "ab", "c"),
		"name":     pinterest.DeriveEventID("1", pinterest.EventLead, at, "ab", "c"),
		"time":     pinterest.DeriveEventID("1", pinterest.EventCheckout, at.Add(time.Second), "ab", "c"),
		"reframed": pinterest.DeriveEventID("1", pinterest.EventCheckout, at, "a", "bc"),
		"joined":   pinterest.DeriveEventID("1", pinterest.EventCheckout, at, "abc"),
		"no keys":  pinterest.DeriveEventID("1", pinterest.EventCheckout, at),
	}
	seen := map[string]string{}
	for what, id := range ids {
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s give the same id %s", what, other, id)
		}
		seen[id] = what
	}
}

// A row of an offline-sales file has no event id: derive one from what
// identifies the sale, so that uploading the file again sends the same ids.
func ExampleDeriveEventID() {
	soldAt := time.Date(2026, 11, 28, 14, 5, 0, 0, time.UTC)
	id := pinterest.DeriveEventID("549755885175", pinterest.EventCheckout, soldAt, "order-1001")
	again := pinterest.DeriveEventID("549755885175", pinterest.EventCheckout, soldAt.In(time.Local), "order-1001")
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).ID(id).At(soldAt)
	fmt.Println(id == again, len(ev.EventID()))
	// Output: true 32
}
