package pinterest_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// The README's mistake: a national number, a client with a default country
// code, and user data built without the client. Each way of building the
// user data either gets the code or says why it did not.
func TestPhoneCountryCode(t *testing.T) {
	const (
		generic = "invalid user_data.ph: no country code (a national number?): hashed as given, it will not match; " +
			"write it with + and the country code, or set a default code (WithDefaultPhoneCountryCode and Client.NewUserData, or UserData.DefaultPhoneCountryCode)"
		viaClient = `invalid user_data.ph: no country code (a national number?): hashed as given, it will not match; ` +
			`this client's WithDefaultPhoneCountryCode("1") applies only to user data made by Client.NewUserData (or Batcher.NewUserData), not by pinterest.NewUserData`
		noDigits = "invalid user_data.ph: no digits"
	)
	h := pinterest.HashValue
	tests := []struct {
		name         string
		clientCC     string // WithDefaultPhoneCountryCode, "" for none
		viaClient    bool   // Client.NewUserData instead of pinterest.NewUserData
		phone        string
		wantPh       []string // hashes on the wire
		wantWarnings []string
	}{
		{"client user data gets the code", "1", true, "(650) 555-0100", []string{h("16505550100")}, nil},
		{"package user data says the client's code did not apply", "1", false, "(650) 555-0100", []string{h("6505550100")}, []string{viaClient}},
		{"no default anywhere", "", false, "(650) 555-0100", []string{h("6505550100")}, []string{generic}},
		{"trunk zero without a code", "", false, "020 7946 0958", []string{h("2079460958")}, []string{generic}},
		{"international with +", "", false, "+1 (650) 555-0100", []string{h("16505550100")}, nil},
		{"international with 00", "", false, "0044 20 7946 0958", []string{h("442079460958")}, nil},
		{"eleven digits carry their code", "", false, "1 650 555 0100", []string{h("16505550100")}, nil},
		{"an e-mail in the phone field", "1", true, "jane@example.com", nil, []string{noDigits}},
		{"no digits, no client code", "", false, "n/a", nil, []string{noDigits}},
		{"blank is no value", "", false, "  ", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			opts := []pinterest.Option{pinterest.WithBaseURL(srv.URL)}
			if tt.clientCC != "" {
				opts = append(opts, pinterest.WithDefaultPhoneCountryCode(tt.clientCC))
			}
			c, err := pinterest.NewClient("test-token", opts...)
			if err != nil {
				t.Fatal(err)
			}
			u := pinterest.NewUserData()
			if tt.viaClient {
				u = c.NewUserData()
			}
			ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
				User(u.Email("jane@example.com").Phone(tt.phone))
			res, err := c.Send(context.Background(), "549755885175", ev)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if diff := cmp.Diff(tt.wantWarnings, res.Results[0].Warnings); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPh, srv.Events()[0].UserData.Ph); diff != "" {
				t.Errorf("ph on the wire mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// A national number warns once per user data, however many are given.
func TestPhoneCountryCodeWarnsOnce(t *testing.T) {
	u := pinterest.NewUserData().Phone("(650) 555-0100", "(650) 555-0101").Phone("415 555 0199")
	if n := len(u.Warnings()); n != 1 {
		t.Errorf("%d warnings %v, want 1", n, u.Warnings())
	}
	if n := u.Count(pinterest.FieldPhone); n != 3 {
		t.Errorf("Count(ph) = %d, want 3 (national numbers are still sent)", n)
	}
}
