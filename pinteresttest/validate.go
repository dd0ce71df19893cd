package pinteresttest

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// eventNames are the event_name values of API 5.28.
var eventNames = []string{
	"add_payment_info", "add_to_cart", "add_to_wishlist", "app_install", "app_open",
	"checkout", "contact", "custom", "customize_product", "find_location",
	"initiate_checkout", "lead", "page_visit", "schedule", "search", "signup",
	"start_trial", "submit_application", "subscribe", "view_category",
	"view_content", "watch_video",
}

// actionSources are the action_source values.
var actionSources = []string{"web", "app_android", "app_ios", "offline"}

// userDataMinimum lists the alternative sets of user_data fields of which an
// event needs at least one complete set (non-empty values). These are the
// "required" lists of the anyOf branches of ConversionEventsUserData.
var userDataMinimum = [][]string{
	{"em"},
	{"hashed_maids"},
	{"client_ip_address", "client_user_agent"},
}

// Bounds of event_time relative to the server's clock.
const (
	maxEventAge    = 7 * 24 * time.Hour
	maxEventFuture = time.Hour
)

// hashedFields returns the hashed user_data fields by wire name.
func (u *UserData) hashedFields() []struct {
	name   string
	values []string
} {
	return []struct {
		name   string
		values []string
	}{
		{"em", u.Em}, {"ph", u.Ph}, {"ge", u.Ge}, {"db", u.Db}, {"ln", u.Ln},
		{"fn", u.Fn}, {"ct", u.Ct}, {"st", u.St}, {"zp", u.Zp},
		{"country", u.Country}, {"external_id", u.ExternalID},
		{"hashed_maids", u.HashedMaids},
	}
}

// present reports whether the user_data field with wire name name has a
// non-empty value.
func (u *UserData) present(name string) bool {
	switch name {
	case "client_ip_address":
		return u.ClientIPAddress != ""
	case "client_user_agent":
		return u.ClientUserAgent != ""
	case "click_id":
		return u.ClickID != ""
	case "partner_id":
		return u.PartnerID != ""
	}
	for _, f := range u.hashedFields() {
		if f.name == name {
			return len(f.values) > 0
		}
	}
	return false
}

// checkEvent returns the reasons why e fails, empty when it is valid. The
// reasons name fields, never their values.
func checkEvent(e *Event, now time.Time) []string {
	var errs []string
	if !slices.Contains(eventNames, e.EventName) {
		errs = append(errs, "event_name is not one of the supported event names")
	}
	if !slices.Contains(actionSources, e.ActionSource) {
		errs = append(errs, "action_source must be one of "+strings.Join(actionSources, ", "))
	}
	if e.EventID == "" {
		errs = append(errs, "event_id must not be empty")
	}
	t := time.Unix(e.EventTime, 0)
	switch {
	case t.Sub(now) > maxEventFuture:
		errs = append(errs, "event_time is more than 1 hour in the future (it is a Unix time in seconds)")
	}

	u := &e.UserData
	for _, f := range u.hashedFields() {
		for i, v := range f.values {
			if !isSHA256Hex(v) {
				errs = append(errs, "user_data."+f.name+"["+strconv.Itoa(i)+
					"] is not a SHA-256 hash (64 lowercase hex characters)")
			}
		}
	}
	if !slices.ContainsFunc(userDataMinimum, func(set []string) bool {
		for _, name := range set {
			if !u.present(name) {
				return false
			}
		}
		return true
	}) {
		errs = append(errs, "user_data must contain em, hashed_maids, or both client_ip_address and client_user_agent")
	}

	if d := e.DeviceInfo; d != nil {
		for i, l := range d.Languages {
			if len(l) != 2 || !isASCIILetter(l[0]) || !isASCIILetter(l[1]) {
				errs = append(errs, "device_info.languages["+strconv.Itoa(i)+"] is not a 2-letter language code")
			}
		}
	}
	if c := e.CustomData; c != nil {
		errs = checkDecimal(errs, "custom_data.value", c.Value)
		errs = checkDecimal(errs, "custom_data.predicted_ltv", c.PredictedLTV)
		errs = checkNonNegative(errs, "custom_data.num_items", c.NumItems)
		for i, it := range c.Contents {
			p := "custom_data.contents[" + strconv.Itoa(i) + "]."
			errs = checkDecimal(errs, p+"item_price", it.ItemPrice)
			errs = checkNonNegative(errs, p+"quantity", it.Quantity)
		}
	}
	return errs
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// staleEvents returns the indexes of the events older than maxEventAge.
func staleEvents(events []Event, now time.Time) []int {
	var out []int
	for i := range events {
		if now.Sub(time.Unix(events[i].EventTime, 0)) > maxEventAge {
			out = append(out, i)
		}
	}
	return out
}

// checkDecimal fails a money value that is set but is not a finite number.
// An empty string counts as absent.
func checkDecimal(errs []string, field, s string) []string {
	if s == "" {
		return errs
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		errs = append(errs, field+" is not a finite decimal number")
	}
	return errs
}

func checkNonNegative(errs []string, field string, p *int64) []string {
	if p != nil && *p < 0 {
		errs = append(errs, field+" must not be negative")
	}
	return errs
}

// isSHA256Hex reports whether s is 64 lowercase hex digits.
func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
