package pinterest_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
)

func TestParseEventName(t *testing.T) {
	type out struct {
		Name pinterest.EventName
		OK   bool
	}
	tests := []struct {
		in   string
		want out
	}{
		{"checkout", out{pinterest.EventCheckout, true}},
		{"Checkout", out{pinterest.EventCheckout, true}},
		{" CHECKOUT ", out{pinterest.EventCheckout, true}},
		{"Purchase", out{pinterest.EventCheckout, true}},
		{"purchase", out{pinterest.EventCheckout, true}},
		{"CompletePayment", out{pinterest.EventCheckout, true}},
		{"AddToCart", out{pinterest.EventAddToCart, true}},
		{"add to cart", out{pinterest.EventAddToCart, true}},
		{"Add-To-Cart", out{pinterest.EventAddToCart, true}},
		{"add_to_cart", out{pinterest.EventAddToCart, true}},
		{"AddToWishlist", out{pinterest.EventAddToWishlist, true}},
		{"CompleteRegistration", out{pinterest.EventSignup, true}},
		{"sign_up", out{pinterest.EventSignup, true}},
		{"signup", out{pinterest.EventSignup, true}},
		{"Lead", out{pinterest.EventLead, true}},
		{"generate_lead", out{pinterest.EventLead, true}},
		{"ViewContent", out{pinterest.EventPageVisit, true}},
		{"PageView", out{pinterest.EventPageVisit, true}},
		{"pagevisit", out{pinterest.EventPageVisit, true}},
		{"view_content", out{pinterest.EventViewContent, true}}, // Pinterest's own name wins
		{"VIEW_CONTENT", out{pinterest.EventViewContent, true}}, // in any case
		{"InitiateCheckout", out{pinterest.EventInitiateCheckout, true}},
		{"begin_checkout", out{pinterest.EventInitiateCheckout, true}},
		{"Search", out{pinterest.EventSearch, true}},
		{"Other", out{pinterest.EventCustom, true}},
		{"StartTrial", out{pinterest.EventStartTrial, true}},
		{"SubmitApplication", out{pinterest.EventSubmitApplication, true}},
		{"Subscribe", out{pinterest.EventSubscribe, true}},
		{"Donate", out{"", false}},
		{"", out{"", false}},
		{"   ", out{"", false}},
		{"käufe", out{"", false}},
		{"checkout!!", out{pinterest.EventCheckout, true}}, // punctuation is folded away
	}
	for _, tt := range tests {
		n, ok := pinterest.ParseEventName(tt.in)
		if diff := cmp.Diff(tt.want, out{n, ok}); diff != "" {
			t.Errorf("ParseEventName(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// Every one of Pinterest's names parses to itself, written as Pinterest does,
// in capitals, and as the Pinterest Tag writes them (without underscores),
// except "viewcontent", which is Meta's ViewContent: a page visit.
func TestParseEventNameKnownNames(t *testing.T) {
	for _, n := range pinterest.EventNames() {
		forms := []string{string(n), fmt.Sprintf(" %s ", n), upper(string(n))}
		if n != pinterest.EventViewContent {
			forms = append(forms, dropUnderscores(string(n)))
		}
		for _, s := range forms {
			if got, ok := pinterest.ParseEventName(s); !ok || got != n {
				t.Errorf("ParseEventName(%q) = %q, %v; want %q, true", s, got, ok, n)
			}
		}
	}
	for alias, n := range pinterest.EventNameAliases() {
		if !n.Known() {
			t.Errorf("alias %q maps to %q, not one of Pinterest's names", alias, n)
		}
		if got, ok := pinterest.ParseEventName(alias); !ok || (got != n && !pinterest.EventName(alias).Known()) {
			t.Errorf("ParseEventName(%q) = %q, %v; want %q", alias, got, ok, n)
		}
	}
}

func TestParseActionSource(t *testing.T) {
	type out struct {
		Source pinterest.ActionSource
		OK     bool
	}
	tests := []struct {
		in   string
		want out
	}{
		{"offline", out{pinterest.SourceOffline, true}},
		{"OFFLINE", out{pinterest.SourceOffline, true}},
		{"physical_store", out{pinterest.SourceOffline, true}},
		{"in_store", out{pinterest.SourceOffline, true}},
		{"In Store", out{pinterest.SourceOffline, true}},
		{"phone_call", out{pinterest.SourceOffline, true}},
		{"web", out{pinterest.SourceWeb, true}},
		{"website", out{pinterest.SourceWeb, true}},
		{"app_android", out{pinterest.SourceAppAndroid, true}},
		{"Android", out{pinterest.SourceAppAndroid, true}},
		{"app_ios", out{pinterest.SourceAppIOS, true}},
		{"iOS", out{pinterest.SourceAppIOS, true}},
		{"app", out{"", false}}, // Meta's "app": Android or iOS cannot be told
		{"email", out{"", false}},
		{"", out{"", false}},
	}
	for _, tt := range tests {
		s, ok := pinterest.ParseActionSource(tt.in)
		if diff := cmp.Diff(tt.want, out{s, ok}); diff != "" {
			t.Errorf("ParseActionSource(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	for alias, src := range pinterest.ActionSourceAliases() {
		if got, ok := pinterest.ParseActionSource(alias); !ok || got != src {
			t.Errorf("ParseActionSource(%q) = %q, %v; want %q", alias, got, ok, src)
		}
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func dropUnderscores(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// Event names as Meta's offline events, Ads Manager's upload or a CRM export
// write them become Pinterest's.
func ExampleParseEventName() {
	for _, s := range []string{"Purchase", "Checkout", "AddToCart", "CompleteRegistration", "Lead", "ViewContent", "view_content", "Donate"} {
		n, ok := pinterest.ParseEventName(s)
		fmt.Printf("%-20s -> %q %v\n", s, n, ok)
	}
	// Output:
	// Purchase             -> "checkout" true
	// Checkout             -> "checkout" true
	// AddToCart            -> "add_to_cart" true
	// CompleteRegistration -> "signup" true
	// Lead                 -> "lead" true
	// ViewContent          -> "page_visit" true
	// view_content         -> "view_content" true
	// Donate               -> "" false
}

func ExampleParseActionSource() {
	for _, s := range []string{"physical_store", "in_store", "Website", "app"} {
		src, ok := pinterest.ParseActionSource(s)
		fmt.Printf("%-14s -> %q %v\n", s, src, ok)
	}
	// Output:
	// physical_store -> "offline" true
	// in_store       -> "offline" true
	// Website        -> "web" true
	// app            -> "" false
}
