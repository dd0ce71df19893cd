// Command quickstart sends a few realistic conversion events and prints the
// fate of each one.
//
// Without PINTEREST_TOKEN it needs no credentials: it starts the fake
// Conversions API of package pinteresttest in-process and sends to it.
//
//	go run ./examples/quickstart
//
// With -base-url URL (or PINTEREST_BASE_URL) it sends to that server instead,
// such as the fake run on its own by pinfake, whose log shows what arrived
// (the token defaults to "quickstart-token" there):
//
//	go run ./pinteresttest/cmd/pinfake -faults '503,ok' &
//	go run ./examples/quickstart -base-url http://127.0.0.1:7357
//
// With PINTEREST_TOKEN (a conversion access token from Ads Manager) and
// PINTEREST_AD_ACCOUNT_ID it sends the same events to the real API in test
// mode (?test=true: Pinterest validates them but records nothing).
//
//	PINTEREST_TOKEN=... PINTEREST_AD_ACCOUNT_ID=549755885175 go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	baseURL := flag.String("base-url", os.Getenv("PINTEREST_BASE_URL"),
		"send to this server (e.g. pinfake's http://127.0.0.1:7357) instead of the in-process fake or Pinterest; default $PINTEREST_BASE_URL")
	flag.Parse()
	token, account := os.Getenv("PINTEREST_TOKEN"), os.Getenv("PINTEREST_AD_ACCOUNT_ID")
	opts := []pinterest.Option{
		pinterest.WithUserAgent("capisdk-quickstart/1"),
		pinterest.WithDefaultPhoneCountryCode("1"),
		pinterest.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))),
	}
	var srv *pinteresttest.Server
	switch {
	case *baseURL != "":
		if token == "" {
			token = "quickstart-token"
		}
		if account == "" {
			account = "549755885175"
		}
		opts = append(opts, pinterest.WithBaseURL(*baseURL))
		fmt.Println("Sending to", *baseURL, "for ad account", account)
	case token == "":
		srv = pinteresttest.NewServer()
		defer srv.Close()
		token, account = "quickstart-token", "549755885175"
		opts = append(opts, pinterest.WithBaseURL(srv.URL))
		fmt.Println("No PINTEREST_TOKEN: sending to an in-process fake of the Conversions API at", srv.URL)
	default:
		if account == "" {
			return errors.New("PINTEREST_TOKEN is set but PINTEREST_AD_ACCOUNT_ID is not")
		}
		opts = append(opts, pinterest.WithTestMode())
		fmt.Println("Sending to the Pinterest API in test mode (nothing is recorded) for ad account", account)
	}

	client, err := pinterest.NewClient(token, opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	res, err := client.Send(ctx, account, events(client)...)
	if res == nil {
		return err
	}
	for _, r := range res.Results {
		fmt.Printf("event %d %-22s %-9s attempts=%d", r.Index, r.EventID, r.Status, r.Attempts)
		if r.Err != nil {
			fmt.Printf("  error: %v", r.Err)
		}
		for _, w := range r.Warnings {
			fmt.Printf("  warning: %s", w)
		}
		fmt.Println()
	}
	fmt.Printf("%d processed, %d failed, %d HTTP attempt(s)\n", res.Processed, res.Failed, res.Attempts)
	if srv != nil {
		fmt.Printf("The fake server recorded %d events; the first one's user_data.em: %v\n",
			len(srv.Events()), srv.Events()[0].UserData.Em)
	}
	var apiErr *pinterest.APIError
	if errors.As(err, &apiErr) {
		return err // the whole request failed: a token or account problem, say
	}
	return nil // per-event failures were printed above
}

// events builds what a shop typically sends: a web checkout, a sign-up, an
// app install and an offline purchase. Raw personal data goes in; the SDK
// normalizes and hashes it at once.
func events(client *pinterest.Client) []*pinterest.Event {
	now := time.Now()
	checkout := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID("order-1001").
		At(now.Add(-2 * time.Minute)).
		URL("https://shop.example/checkout/thanks").
		User(client.NewUserData().
			Email(" Jane.Doe@Example.com ").
			Phone("(650) 555-0100").
			FirstName("Jane").LastName("Doe").
			City("Menlo Park").State("California").Zip("94025-1234").Country("United States").
			ClientIP("203.0.113.7:51234").
			UserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36").
			ClickID("dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVUmcD0yJm49cnNBQ3")).
		Custom(pinterest.CustomData{
			Currency: "USD",
			Value:    pinterest.FormatMinorUnits(7239, 2), // "72.39"
			OrderID:  "1001",
			NumItems: 2,
			Contents: []pinterest.Content{
				{ID: "sku-42", ItemPrice: "24.13", Quantity: 1, ItemName: "Shirt"},
				{ID: "sku-43", ItemPrice: "48.26", Quantity: 1, ItemName: "Jacket"},
			},
		})

	signup := pinterest.NewEvent(pinterest.EventSignup, pinterest.SourceWeb).
		ID("signup-77").
		URL("https://shop.example/welcome").
		User(client.NewUserData().
			Email("new.customer@example.org", "not-an-e-mail"). // the invalid one is dropped with a warning
			ClientIP("2001:db8::7").
			UserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"))

	install := pinterest.NewEvent(pinterest.EventAppInstall, pinterest.SourceAppIOS).
		ID("install-5d1c").
		User(client.NewUserData().MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC")).
		App(pinterest.AppInfo{AppID: "429047995", AppName: "Shop", AppVersion: "7.9"}).
		Device(pinterest.DeviceInfo{OSFamily: pinterest.OSIOS, FormFactor: pinterest.FormFactorCellphone})

	inStore := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).
		ID("pos-2024-000318").
		At(now.Add(-3 * time.Hour)).
		User(client.NewUserData().Email("JOHN.SMITH@EXAMPLE.NET").Phone("+44 (0)20 7946 0958")).
		Custom(pinterest.CustomData{Currency: "GBP", Value: pinterest.FormatAmount(19.999, 2), OrderID: "318"})

	return []*pinterest.Event{checkout, signup, install, inStore}
}
