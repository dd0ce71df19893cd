package pinterest_test

// Header values are checked at NewClient, so that a value net/http refuses
// fails once there, instead of every request failing and being retried.

import (
	"strings"
	"testing"

	"github.com/capisdk/pinterest"
)

func TestHeaderValuesCheckedAtNewClient(t *testing.T) {
	tests := []struct {
		name    string
		product string
		ok      bool
	}{
		{"NUL", "shop\x00/1", false},
		{"DEL", "shop\x7f/1", false},
		{"escape", "shop\x1b[31m/1", false},
		{"vertical tab", "shop\v/1", false},
		{"line feed", "shop\n/1", false},
		{"tab is allowed", "shop\t/1", true},
		{"non-ASCII is allowed", "boutique-été/1", true},
		{"plain", "shop/1.2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pinterest.NewClient("token", pinterest.WithUserAgent(tt.product))
			if tt.ok {
				if err != nil || c == nil {
					t.Fatalf("NewClient = %v, %v; want a client", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewClient accepted User-Agent %q", tt.product)
			}
			if !strings.Contains(err.Error(), "User-Agent") {
				t.Errorf("error %q does not name the User-Agent", err)
			}
			if strings.Contains(err.Error(), "shop") {
				t.Errorf("error %q repeats the value", err)
			}
		})
	}
}
