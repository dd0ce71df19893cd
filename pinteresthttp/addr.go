package pinteresthttp

import (
	"net/netip"
	"strings"
)

// parseAddr parses one hop address as proxies write it in X-Forwarded-For,
// X-Real-IP, CF-Connecting-IP and (unquoted) in Forwarded: an IPv4 address,
// optionally with a port ("192.0.2.7", "192.0.2.7:51234"), or an IPv6 address
// bare or in brackets, optionally with a zone and, in brackets, a port
// ("2001:db8::7", "[2001:db8::7]", "[2001:db8::7]:443", "fe80::1%eth0").
// The result has no zone and IPv4-mapped IPv6 addresses are unmapped.
// Anything else, and the unspecified addresses 0.0.0.0 and ::, is refused.
func parseAddr(s string) (netip.Addr, bool) {
	return parseNode(s, false)
}

// parseNode is parseAddr; obfPort also accepts the obfuscated ports of RFC
// 7239 ("[2001:db8::7]:_gazonk", "192.0.2.7:_x").
func parseNode(s string, obfPort bool) (netip.Addr, bool) {
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		host = s[1:end]
		if rest := s[end+1:]; rest != "" {
			if rest[0] != ':' || !validPort(rest[1:], obfPort) {
				return netip.Addr{}, false
			}
		}
		if !strings.Contains(host, ":") {
			return netip.Addr{}, false // brackets hold IPv6 only
		}
	} else if i := strings.IndexByte(s, ':'); i >= 0 && strings.LastIndexByte(s, ':') == i {
		// Exactly one colon: IPv4 with a port. IPv6 has at least two.
		host = s[:i]
		if !validPort(s[i+1:], obfPort) {
			return netip.Addr{}, false
		}
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	a = a.WithZone("").Unmap()
	if a.IsUnspecified() {
		return netip.Addr{}, false
	}
	return a, true
}

// validPort reports whether p is a port number 0-65535 or, with obf, an
// obfuscated port ("_" followed by letters, digits, ".", "_" or "-").
func validPort(p string, obf bool) bool {
	if obf && len(p) > 1 && p[0] == '_' {
		return obfIdent(p[1:])
	}
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}

// obfIdent reports whether s is made only of the characters RFC 7239 allows
// in obfuscated identifiers after the leading "_".
func obfIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// trimOWS trims the optional white space of HTTP (spaces and tabs).
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
