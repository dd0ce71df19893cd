package pinteresthttp

import "net/http"

// The click id's names and limits.
const (
	// CookieName is the first-party cookie holding the Pinterest click id,
	// set by the Pinterest Tag and by Extractor.Middleware.
	CookieName = "_epik"
	// QueryParam is the query parameter Pinterest adds to the landing URL of
	// an ad click.
	QueryParam = "epik"
	// MaxClickIDLength is the longest click id, in bytes, that is taken.
	// Real ones are well under 200 bytes; a longer value is refused rather
	// than sent or stored in a cookie.
	MaxClickIDLength = 1024
	// CookieMaxAge is the lifetime, in seconds, of the _epik cookie the
	// middleware sets: one year.
	CookieMaxAge = 365 * 24 * 60 * 60
)

// Reasons a click id is refused. They never contain the value.
const (
	reasonClickIDLong    = "longer than 1024 bytes"
	reasonClickIDControl = "contains a control character"
	reasonClickIDChar    = "contains a character a cookie cannot hold (space, quote, comma, semicolon, backslash or non-ASCII)"
)

// checkClickID says why v cannot be a click id, or "" if it can. A click id
// must fit in a cookie as is: 1 to MaxClickIDLength bytes of the
// cookie-octets of RFC 6265 (visible ASCII but for " , ; and \).
func checkClickID(v string) string {
	if len(v) > MaxClickIDLength {
		return reasonClickIDLong
	}
	reason := ""
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c == 0x7f:
			return reasonClickIDControl
		case c == ' ' || c == '"' || c == ',' || c == ';' || c == '\\' || c > 0x7e:
			reason = reasonClickIDChar // keep looking for a control character
		}
	}
	return reason
}

// clickIDSource is one place a click id was found.
type clickIDSource struct {
	where, value, reason string
}

// findClickID returns the click id of r: the first valid _epik cookie, else
// the first epik query parameter if valid. It also returns the refused
// values' sources, in the order looked at.
func findClickID(r *http.Request) (id string, refused []clickIDSource) {
	for _, c := range r.CookiesNamed(CookieName) {
		if c.Value == "" {
			continue
		}
		if reason := checkClickID(c.Value); reason != "" {
			refused = append(refused, clickIDSource{"_epik cookie", c.Value, reason})
			continue
		}
		return c.Value, refused
	}
	v := queryClickID(r)
	if v == "" {
		return "", refused
	}
	if reason := checkClickID(v); reason != "" {
		return "", append(refused, clickIDSource{"epik query parameter", v, reason})
	}
	return v, refused
}

// queryClickID returns the first epik query parameter of r, or "".
func queryClickID(r *http.Request) string {
	if r.URL == nil || r.URL.RawQuery == "" {
		return ""
	}
	return r.URL.Query().Get(QueryParam)
}

// ClickID returns the Pinterest click id of the request: the value of the
// _epik cookie, else of the epik query parameter of a landing URL. It
// returns "" when neither holds a valid click id: values longer than
// MaxClickIDLength bytes, or with a control character or a byte no cookie
// can hold, are refused (Extractor.FillUserData records why on the user
// data). It does not read the body.
func ClickID(r *http.Request) string {
	id, _ := findClickID(r)
	return id
}
