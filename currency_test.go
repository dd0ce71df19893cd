package pinterest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func TestCurrencySent(t *testing.T) {
	tests := []struct {
		name, currency string
		wantWire       string   // custom_data.currency as Pinterest receives it
		wantWarnings   []string // warnings on the event's result
		wantErr        string   // the event fails locally with this error
	}{
		{name: "lower case is upper-cased", currency: "usd", wantWire: "USD"},
		{name: "spaces are trimmed", currency: " eur ", wantWire: "EUR"},
		{name: "upper case stays", currency: "JPY", wantWire: "JPY"},
		{name: "unknown code warns", currency: "xyz", wantWire: "XYZ",
			wantWarnings: []string{"custom_data.currency: XYZ is not an ISO 4217 currency code; Pinterest may not count the value"}},
		{name: "not three letters fails", currency: "US$",
			wantErr: "pinterest: invalid custom_data.currency: not a 3-letter ISO 4217 code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			c, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
				User(pinterest.NewUserData().Email("jane@example.com")).
				Custom(pinterest.CustomData{Currency: tt.currency, Value: "10"})
			res, err := c.Send(context.Background(), "549755885175", ev)
			if res == nil {
				t.Fatalf("Send: nil response, %v", err)
			}
			r := res.Results[0]
			if diff := cmp.Diff(tt.wantWarnings, r.Warnings); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			if tt.wantErr != "" {
				if r.Err == nil || r.Err.Error() != tt.wantErr || !errors.Is(r.Err, pinterest.ErrInvalidValue) {
					t.Errorf("error = %v, want %q matching ErrInvalidValue", r.Err, tt.wantErr)
				}
				if n := len(srv.Requests()); n != 0 {
					t.Errorf("%d requests sent, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.Events()
			if len(got) != 1 || got[0].CustomData == nil || got[0].CustomData.Currency != tt.wantWire {
				t.Errorf("recorded custom_data = %+v, want currency %q", got, tt.wantWire)
			}
		})
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		amount   int64
		currency string
		want     string
	}{
		{7239, "USD", "72.39"},
		{7239, "usd", "72.39"},
		{5, "EUR", "0.05"},
		{7239, "JPY", "7239"},
		{7239, " jpy ", "7239"},
		{1500, "KRW", "1500"},
		{7239, "KWD", "7.239"},
		{5, "BHD", "0.005"},
		{0, "USD", "0.00"},
		{-150, "USD", "-1.50"},
	}
	for _, tt := range tests {
		got, err := pinterest.FormatMinor(tt.amount, tt.currency)
		if err != nil || got != tt.want {
			t.Errorf("FormatMinor(%d, %q) = %q, %v; want %q", tt.amount, tt.currency, got, err, tt.want)
		}
	}
	for _, bad := range []string{"XYZ", "", "US", "dollars"} {
		got, err := pinterest.FormatMinor(100, bad)
		if got != "" || !errors.Is(err, pinterest.ErrInvalidValue) ||
			!strings.Contains(err.Error(), "custom_data.currency: not an ISO 4217 currency code") {
			t.Errorf("FormatMinor(100, %q) = %q, %v; want an ISO 4217 *FieldError", bad, got, err)
		}
		var fe *pinterest.FieldError
		if !errors.As(err, &fe) || fe.Field != "custom_data.currency" {
			t.Errorf("FormatMinor(100, %q): error %v is not a *FieldError on custom_data.currency", bad, err)
		}
	}
}

func TestCurrencyDigits(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3, "TND": 3, "CLP": 0} {
		if got, ok := pinterest.CurrencyDigits(code); !ok || got != want {
			t.Errorf("CurrencyDigits(%q) = %d, %v; want %d, true", code, got, ok, want)
		}
	}
	if _, ok := pinterest.CurrencyDigits("XYZ"); ok {
		t.Error(`CurrencyDigits("XYZ") ok, want not an ISO 4217 code`)
	}
}
