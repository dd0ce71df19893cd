package pinterest

import (
	"net/url"
	"strings"
)

// Pinterest hashes nothing itself: user_data is hashed by the SDK, but
// custom_data and the event URL are sent as they are given. An e-mail address
// in them would reach Pinterest in clear text, so Send warns (on the event's
// result, naming the field, never the value) when a custom_data text or the
// URL's query holds something that looks like one.

// reasonLooksLikeEmail is the warning for such a field.
const reasonLooksLikeEmail = ": looks like it holds an e-mail address, which is sent as it is, not hashed; put e-mails in UserData"

// privacyWarnings returns one warning per field of the event that is sent as
// it is and looks like it holds an e-mail address.
func (e *Event) privacyWarnings() []string {
	var out []string
	warn := func(field string) {
		for _, w := range out {
			if strings.HasPrefix(w, field+":") {
				return // one warning per field
			}
		}
		out = append(out, field+reasonLooksLikeEmail)
	}
	if e.url != "" && urlQueryHasEmail(e.url) {
		warn("event_source_url")
	}
	c := e.customData()
	if c == nil {
		return out
	}
	for _, f := range [...]struct{ field, v string }{
		{"custom_data.order_id", c.OrderID}, {"custom_data.search_string", c.SearchString},
		{"custom_data.content_name", c.ContentName}, {"custom_data.content_category", c.ContentCategory},
		{"custom_data.content_brand", c.ContentBrand}, {"custom_data.opt_out_type", c.OptOutType},
		{"custom_data.np", c.NP}, {"custom_data.external_measurement_id", c.ExternalMeasurementID},
	} {
		if looksLikeEmail(f.v) {
			warn(f.field)
		}
	}
	for _, id := range c.ContentIDs {
		if looksLikeEmail(id) {
			warn("custom_data.content_ids")
		}
	}
	for _, it := range c.Contents {
		for _, f := range [...]struct{ field, v string }{
			{"custom_data.contents.id", it.ID}, {"custom_data.contents.item_name", it.ItemName},
			{"custom_data.contents.item_category", it.ItemCategory}, {"custom_data.contents.item_brand", it.ItemBrand},
			{"custom_data.contents.item_brand_id", it.ItemBrandID},
		} {
			if looksLikeEmail(f.v) {
				warn(f.field)
			}
		}
	}
	return out
}

// urlQueryHasEmail reports whether the query of raw (decoded, keys and
// values) looks like it holds an e-mail address. An unparsable query is
// looked at as it is.
func urlQueryHasEmail(raw string) bool {
	_, q, ok := strings.Cut(raw, "?")
	if !ok {
		return false
	}
	q, _, _ = strings.Cut(q, "#")
	if !strings.Contains(q, "@") && !strings.Contains(q, "%40") {
		return false // no @, encoded or not: nothing to decode (and no allocation)
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return looksLikeEmail(q)
	}
	for k, vs := range vals {
		if looksLikeEmail(k) {
			return true
		}
		for _, v := range vs {
			if looksLikeEmail(v) {
				return true
			}
		}
	}
	return false
}

// looksLikeEmail reports whether s holds something of the form
// local@domain.tld: a local-part character before an @, then a domain with
// a dot followed by at least two letters.
func looksLikeEmail(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if i > 0 && isLocalChar(s[i-1]) && domainAfter(s[i+1:]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '@')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func isLocalChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0
}

// domainAfter reports whether s starts with a domain name such as
// example.com: labels of letters, digits and hyphens, the last of at least
// two letters.
func domainAfter(s string) bool {
	end := 0
	for end < len(s) && (isAlnum(s[end]) || s[end] == '-' || s[end] == '.') {
		end++
	}
	d := strings.TrimRight(s[:end], ".")
	dot := strings.LastIndexByte(d, '.')
	if dot <= 0 || len(d)-dot-1 < 2 {
		return false
	}
	for i := dot + 1; i < len(d); i++ {
		if c := d[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
