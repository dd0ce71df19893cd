package pinterest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// The minimal send: one checkout with an e-mail, normalized and hashed by the SDK.
func ExampleClient_Send() {
	srv := pinteresttest.NewServer()
	defer srv.Close()

	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID("order-1001").
		User(pinterest.NewUserData().Email(" Jane@Example.com "))
	if _, err := c.Send(context.Background(), "549755885175", ev); err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Events()[0].UserData.Em[0])
	// Output: 8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d
}

// webEvent builds a web event from the request of the page where the
// conversion happened: the visitor's IP and user agent, and the _epik cookie
// the Pinterest Tag set, as the click id. The user data comes from the
// client, so it has the client's defaults (the phone country code).
func webEvent(c *pinterest.Client, r *http.Request, orderID string) *pinterest.Event {
	u := c.NewUserData().
		ClientIP(r.RemoteAddr). // behind a proxy, take the client address from its header instead
		UserAgent(r.UserAgent())
	if c, err := r.Cookie("_epik"); err == nil {
		u.ClickID(c.Value)
	} else if epik := r.URL.Query().Get("epik"); epik != "" {
		u.ClickID(epik)
	}
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID(orderID). // the event id the Pinterest Tag sent for this conversion
		URL("https://shop.example" + r.URL.Path).
		User(u)
}

// A web event built from an *http.Request.
func Example_webEvent() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL),
		pinterest.WithDefaultPhoneCountryCode("1")) // the shop's customers write US numbers
	if err != nil {
		log.Fatal(err)
	}

	r := httptest.NewRequest(http.MethodPost, "/checkout/done", nil)
	r.RemoteAddr = "[2001:db8::7]:51234"
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
	r.AddCookie(&http.Cookie{Name: "_epik", Value: "dj0yJnU9b2JD"})

	ev := webEvent(c, r, "order-1002")
	ev.UserData().Email("jane@example.com").Phone("(650) 555-0100") // add what you know of the customer
	res, err := c.Send(r.Context(), "549755885175", ev)
	if err != nil {
		log.Fatal(err)
	}
	got := srv.Events()[0]
	fmt.Println(got.EventSourceURL)
	fmt.Println(got.UserData.ClientIPAddress, got.UserData.ClickID, got.UserData.ClientUserAgent)
	fmt.Println(got.UserData.Ph[0] == pinterest.HashValue("16505550100"), res.Results[0].Warnings)
	// Output:
	// https://shop.example/checkout/done
	// 2001:db8::7 dj0yJnU9b2JD Mozilla/5.0 (X11; Linux x86_64)
	// true []
}

// An offline purchase from a point-of-sale system: national phone numbers get
// the shop's country code, money is formatted from integer cents, and
// ambiguous failures are not retried because Pinterest does not de-duplicate
// offline events.
func Example_offlinePurchase() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token",
		pinterest.WithBaseURL(srv.URL),
		pinterest.WithDefaultPhoneCountryCode("44"),
		pinterest.WithoutAmbiguousRetries())
	if err != nil {
		log.Fatal(err)
	}

	bought := time.Date(2026, 11, 20, 15, 4, 5, 0, time.UTC)
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).
		ID("pos-318").
		At(time.Now().Add(-2 * time.Hour)). // when it happened; in production, bought
		User(c.NewUserData().Phone("020 7946 0958").Email("JOHN.SMITH@EXAMPLE.NET")).
		Custom(pinterest.CustomData{
			Currency: "GBP",
			Value:    pinterest.FormatMinorUnits(4599, 2),
			OrderID:  "318-" + bought.Format("20060102"),
			NumItems: 3,
		})
	res, err := c.Send(context.Background(), "549755885175", ev)
	if err != nil {
		log.Fatal(err)
	}
	got := srv.Events()[0]
	fmt.Println(res.Results[0].Status, got.CustomData.Value, got.CustomData.OrderID)
	fmt.Println(got.UserData.Ph[0] == pinterest.HashValue("442079460958"))
	// Output:
	// processed 45.99 318-20261120
	// true
}

// An app event with a mobile advertising id and app and device information.
func Example_appEvent() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventAddToCart, pinterest.SourceAppAndroid).
		ID("cart-8842").
		User(pinterest.NewUserData().MobileAdID("38400000-8CF0-11BD-B23E-10B96E40000D")).
		OptOut(false).
		App(pinterest.AppInfo{AppID: "com.shop.app", AppName: "Shop", AppVersion: "7.9", AppStore: "Google Play Store"}).
		Device(pinterest.DeviceInfo{
			OSFamily:    pinterest.OSAndroid,
			FormFactor:  pinterest.FormFactorCellphone,
			NetworkType: pinterest.NetworkWifi,
			Model:       "Pixel 9",
			Locale:      "en-us",
		}).
		Custom(pinterest.CustomData{Currency: "USD", Value: "19.99", ContentIDs: []string{"sku-7"}})
	if _, err := c.Send(context.Background(), "549755885175", ev); err != nil {
		log.Fatal(err)
	}
	got := srv.Events()[0]
	fmt.Println(got.ActionSource, got.AppInfo.AppName, got.DeviceInfo.OSFamily, len(got.UserData.HashedMaids))
	// Output: app_android Shop android 1
}

// Handling partial failures: every event has a result; the error says how
// many failed, and each result says why.
func Example_partialFailures() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	// Make the fake reject one event, as Pinterest might.
	srv.FailEvents(func(e pinteresttest.Event) string {
		if e.EventID == "b" {
			return "event_time is too old"
		}
		return ""
	})
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	user := pinterest.NewUserData().Email("jane@example.com")
	events := []*pinterest.Event{
		pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).ID("a").User(user),
		pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).ID("b").User(user),
		pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).User(user), // no id: fails locally
	}
	res, err := c.Send(context.Background(), "549755885175", events...)
	fmt.Println(err)
	for _, r := range res.Results {
		var fe *pinterest.FieldError
		var ee *pinterest.EventError
		switch {
		case r.OK():
			fmt.Println(r.Index, "processed")
		case errors.As(r.Err, &fe):
			fmt.Println(r.Index, "invalid field:", fe.Field)
		case errors.As(r.Err, &ee):
			fmt.Println(r.Index, "rejected by Pinterest:", ee.Message)
		default:
			fmt.Println(r.Index, "failed:", r.Err) // an *APIError, a context error...
		}
	}
	// Output:
	// pinterest: 2 of 3 events failed: pinterest: event rejected: event_time is too old (+1 more cause)
	// 0 processed
	// 1 rejected by Pinterest: event_time is too old
	// 2 invalid field: event_id
}

// Test mode: Pinterest validates the events and answers as usual, but records
// nothing. Remove WithTestMode before going live.
func Example_testMode() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL), pinterest.WithTestMode())
	if err != nil {
		log.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventSignup, pinterest.SourceWeb).
		ID("signup-1").
		User(pinterest.NewUserData().Email("jane@example.com"))
	res, err := c.Send(context.Background(), "549755885175", ev)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Results[0].Status, srv.Requests()[0].Test, len(srv.Events()))
	// Output: processed true 0
}

// Money values are decimal strings; format them without float surprises.
func ExampleFormatMinorUnits() {
	fmt.Println(pinterest.FormatMinorUnits(7239, 2))
	fmt.Println(pinterest.FormatMinorUnits(5, 2))
	fmt.Println(pinterest.FormatMinorUnits(1500, 0))
	fmt.Println(pinterest.FormatAmount(0.1+0.2, 2))
	// Output:
	// 72.39
	// 0.05
	// 1500
	// 0.3
}

// Errors from Pinterest are *APIError, matched by status with errors.Is.
func ExampleAPIError() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	srv.Enqueue(pinteresttest.Fault{Status: http.StatusUnauthorized})
	c, err := pinterest.NewClient("expired-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ev := pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).
		ID("lead-1").
		User(pinterest.NewUserData().Email("jane@example.com"))
	_, err = c.Send(context.Background(), "549755885175", ev)
	var apiErr *pinterest.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message)
	}
	fmt.Println(errors.Is(err, pinterest.ErrUnauthorized))
	// Output:
	// 401 2 Authentication failed.
	// true
}

// The web-handler recipe: the handler hands its event to a Batcher and
// returns at once; the Batcher sends in the background and reports every
// event's fate to the result handler. At shutdown, Close sends what is queued.
func ExampleBatcher() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	var mu sync.Mutex
	processed, failed := 0, 0
	b, err := c.NewBatcher("549755885175",
		pinterest.WithResultHandler(func(r pinterest.EventResult) {
			// Runs on the Batcher's goroutines: keep it short.
			mu.Lock()
			defer mu.Unlock()
			if r.OK() {
				processed++
			} else {
				failed++
				log.Printf("conversion %s not recorded: %v", r.EventID, r.Err)
			}
		}))
	if err != nil {
		log.Fatal(err)
	}

	checkout := func(w http.ResponseWriter, r *http.Request) {
		ev := webEvent(c, r, r.URL.Query().Get("order"))
		ev.UserData().Email(r.FormValue("email"))
		if err := b.Add(r.Context(), ev); err != nil {
			// The queue stayed full until the request ended, or the
			// server is shutting down: the event was not accepted.
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
	for _, order := range []string{"o-1", "o-2", "o-3"} {
		r := httptest.NewRequest(http.MethodPost, "/checkout?order="+order+"&email=jane@example.com", nil)
		checkout(httptest.NewRecorder(), r)
	}

	// At shutdown: give the Batcher a deadline to send what is queued.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Close(ctx); err != nil {
		log.Print(err)
	}
	mu.Lock()
	defer mu.Unlock()
	fmt.Println(processed, failed, len(srv.Events()))
	// Output: 3 0 3
}
