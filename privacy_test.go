package pinterest_test

// custom_data and the event URL are sent as they are: an e-mail address in
// them gets a warning on the event's result, naming the field, never the
// value.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func TestPrivacyEmailLookingWarnings(t *testing.T) {
	const secret = "jane.doe"
	tests := []struct {
		name string
		url  string
		cd   *pinterest.CustomData
		want []string // fields warned about
	}{
		{name: "search_string", cd: &pinterest.CustomData{SearchString: "orders of jane.doe@example.com"}, want: []string{"custom_data.search_string"}},
		{name: "order_id", cd: &pinterest.CustomData{OrderID: "jane.doe+1@mail.example.co.uk"}, want: []string{"custom_data.order_id"}},
		{name: "contents, once per field", cd: &pinterest.CustomData{Contents: []pinterest.Content{
			{ID: "a", ItemName: "gift for jane.doe@example.com"}, {ID: "b", ItemName: "and jane.doe@example.org"}}},
			want: []string{"custom_data.contents.item_name"}},
		{name: "content_ids", cd: &pinterest.CustomData{ContentIDs: []string{"sku-1", "jane.doe@example.com"}}, want: []string{"custom_data.content_ids"}},
		{name: "URL query, percent-encoded", url: "https://shop.example/thanks?email=jane.doe%40example.com&x=1", want: []string{"event_source_url"}},
		{name: "URL query, raw", url: "https://shop.example/thanks?u=jane.doe@example.com", want: []string{"event_source_url"}},
		{name: "two fields", url: "https://shop.example/?e=jane.doe%40example.com", cd: &pinterest.CustomData{ContentName: "jane.doe@example.com"},
			want: []string{"event_source_url", "custom_data.content_name"}},
		{name: "an @ in the URL's path is not the query", url: "https://medium.example/@jane.doe/post?ref=home"},
		{name: "a handle", cd: &pinterest.CustomData{SearchString: "@jane.doe on pins"}},
		{name: "no domain", cd: &pinterest.CustomData{SearchString: "jane.doe@localhost"}},
		{name: "a price", cd: &pinterest.CustomData{ContentName: "2 shirts @ 19.99"}},
	}
	srv := pinteresttest.NewServerT(t)
	c, err := pinterest.NewClient("privacy-token", pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("p-1").At(time.Now().Add(-time.Minute)).
				User(pinterest.NewUserData().Email("someone@example.com"))
			if tt.url != "" {
				ev.URL(tt.url)
			}
			if tt.cd != nil {
				ev.Custom(*tt.cd)
			}
			res, err := c.Send(context.Background(), "549755885175", ev)
			if err != nil {
				t.Fatalf("Send: %v: a warning must not fail the event", err)
			}
			var got []string
			for _, w := range res.Results[0].Warnings {
				if strings.Contains(w, secret) {
					t.Errorf("warning %q shows the value", w)
				}
				if field, _, ok := strings.Cut(w, ": looks like it holds an e-mail address"); ok {
					got = append(got, field)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields warned about (-want +got):\n%s\nwarnings: %q", diff, res.Results[0].Warnings)
			}
		})
	}
}
