package pinterest

import (
	"errors"
	"strings"
)

// Hints for the mistakes new users make, so that an error points at the fix.

// errZeroClient is returned by the methods of a Client that was not made by
// NewClient (a zero value or a nil pointer), instead of a panic.
var errZeroClient = errors.New("pinterest: the Client was not made by NewClient (zero value or nil)")

// ready reports whether c was made by NewClient.
func (c *Client) ready() error {
	if c == nil || c.cfg.baseURL == nil {
		return errZeroClient
	}
	return nil
}

// adAccountIDError explains why id is not an ad account id (1 to 18
// digits), with a hint for the usual mistakes; nil if it is one.
func adAccountIDError(id string) error {
	reason := "want 1 to 18 digits"
	switch t := strings.TrimSpace(id); {
	case strings.HasPrefix(strings.ToLower(t), "act_"):
		reason += `: drop the "act_" prefix, which is Meta's; Pinterest's ad account ids are digits only`
	case t != id && validDigits(t):
		reason += ": remove the surrounding spaces"
	case validDigits(id):
		return nil
	}
	return &FieldError{Field: "ad_account_id", Reason: reason}
}

func validDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// eventNameHint returns "; Pinterest's name for it is checkout" when name is
// another platform's spelling of one of Pinterest's event names (see
// ParseEventName), "" otherwise.
func eventNameHint(name EventName) string {
	if n, ok := ParseEventName(string(name)); ok && n != name {
		return "; Pinterest's name for it is " + string(n) + " (see ParseEventName)"
	}
	return ""
}
