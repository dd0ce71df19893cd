package pinteresthttp

import (
	"net/http"
	"net/netip"
	"strings"
)

// maxHostLength bounds a host name with its port: 253 for the name, 6 for
// ":65535", 2 for the brackets of an IPv6 literal.
const maxHostLength = 261

// pageURL builds the event URL of r from what trusted proxies said (o) or,
// where they said nothing valid, from the request itself.
func pageURL(r *http.Request, o origin) string {
	scheme := requestScheme(r, o)
	host, ok := cleanHost(o.host)
	if !ok {
		host, ok = cleanHost(r.Host)
	}
	if !ok && r.URL != nil {
		host, ok = cleanHost(r.URL.Host)
	}
	if !ok {
		return ""
	}
	host = dropDefaultPort(host, scheme)
	path := "/"
	if r.URL != nil {
		if p := r.URL.EscapedPath(); strings.HasPrefix(p, "/") {
			path = p
		}
	}
	return scheme + "://" + host + path
}

// requestScheme is "https" or "http": as a trusted proxy said, else as the
// request arrived.
func requestScheme(r *http.Request, o origin) string {
	switch {
	case strings.EqualFold(o.proto, "https"):
		return "https"
	case strings.EqualFold(o.proto, "http"):
		return "http"
	case r.TLS != nil:
		return "https"
	}
	return "http"
}

// cleanHost checks a Host header or host= value: a domain name or IPv4
// address, or an IPv6 address in brackets, optionally with a port. It
// returns it in lowercase.
func cleanHost(h string) (string, bool) {
	if h == "" || len(h) > maxHostLength {
		return "", false
	}
	name, port := h, ""
	if h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", false
		}
		if a, err := netip.ParseAddr(h[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return "", false
		}
		if port := h[end+1:]; port != "" && (port[0] != ':' || !validPort(port[1:], false)) {
			return "", false
		}
		return strings.ToLower(h), true
	}
	if i := strings.IndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
		if !validPort(port, false) {
			return "", false
		}
	}
	if name == "" || name[0] == '.' || name[0] == '-' {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", false
		}
	}
	return strings.ToLower(h), true
}

// dropDefaultPort removes ":443" from https and ":80" from http hosts.
func dropDefaultPort(host, scheme string) string {
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		return strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		return strings.TrimSuffix(host, ":80")
	}
	return host
}
