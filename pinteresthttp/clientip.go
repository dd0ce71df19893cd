package pinteresthttp

import (
	"net/http"
	"net/netip"
	"strings"
)

// origin is what a request tells about its client, as far as trusted proxies
// vouch for it.
type origin struct {
	addr  netip.Addr // the client's address; zero when unknown
	proto string     // scheme a trusted proxy received the request with, or ""
	host  string     // host a trusted proxy received the request for, or ""
}

// origin resolves the client of r. It reads r's RemoteAddr and headers only.
func (p *Proxies) origin(r *http.Request) origin {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok || !p.trusts(peer) {
		return origin{addr: peer} // zero if RemoteAddr is no address
	}
	switch h := p.Header; {
	case h == "" || strings.EqualFold(h, HeaderXForwardedFor):
		return origin{
			addr:  walkXFF(r.Header.Values(HeaderXForwardedFor), peer, p),
			proto: lastEntry(r.Header.Values("X-Forwarded-Proto")),
			host:  lastEntry(r.Header.Values("X-Forwarded-Host")),
		}
	case strings.EqualFold(h, HeaderForwarded):
		return walkForwarded(r.Header.Values(HeaderForwarded), peer, p)
	default:
		return origin{
			addr:  single(r.Header.Values(h), peer),
			proto: lastEntry(r.Header.Values("X-Forwarded-Proto")),
			host:  lastEntry(r.Header.Values("X-Forwarded-Host")),
		}
	}
}

// walkXFF walks X-Forwarded-For field lines from right to left, starting
// after the trusted peer, and returns the first address that is not trusted,
// the leftmost one if all are trusted, or none if the walk reaches an entry
// that is no address. Empty list elements are skipped (RFC 9110 section 5.6.1).
func walkXFF(lines []string, peer netip.Addr, p *Proxies) netip.Addr {
	last := peer
	for li := len(lines) - 1; li >= 0; li-- {
		s := lines[li]
		for {
			i := strings.LastIndexByte(s, ',')
			entry := trimOWS(s[i+1:])
			if entry != "" {
				a, ok := parseAddr(entry)
				if !ok {
					return netip.Addr{}
				}
				if !p.trusts(a) {
					return a
				}
				last = a
			}
			if i < 0 {
				break
			}
			s = s[:i]
		}
	}
	return last
}

// walkForwarded walks Forwarded field lines element by element from right to
// left, like walkXFF. An element that does not parse, lacks for= or names no
// address ends the walk with no address. The proto and host returned are those
// of the leftmost element walked that has them: what the proxy nearest the
// client saw.
func walkForwarded(lines []string, peer netip.Addr, p *Proxies) origin {
	o := origin{addr: peer}
	for li := len(lines) - 1; li >= 0; li-- {
		s := lines[li]
		for more := true; more; {
			var elem string
			s, elem, more = cutLastElement(s)
			if trimOWS(elem) == "" {
				continue
			}
			el, ok := parseElement(elem)
			if !ok {
				o.addr = netip.Addr{}
				return o
			}
			if el.proto != "" {
				o.proto = el.proto
			}
			if el.host != "" {
				o.host = el.host
			}
			a, ok := forwardedNode(el.forNode)
			if !ok {
				o.addr = netip.Addr{}
				return o
			}
			o.addr = a
			if !p.trusts(a) {
				return o
			}
		}
	}
	return o
}

// single reads a header that holds one address. Several field lines or list
// elements give none: one of them was not written by the trusted proxy.
func single(values []string, peer netip.Addr) netip.Addr {
	switch {
	case len(values) == 0:
		return peer
	case len(values) > 1 || strings.IndexByte(values[0], ',') >= 0:
		return netip.Addr{}
	}
	a, _ := parseAddr(trimOWS(values[0]))
	return a
}

// lastEntry returns the rightmost non-empty element of a comma-separated
// header: the one the nearest proxy wrote.
func lastEntry(lines []string) string {
	for li := len(lines) - 1; li >= 0; li-- {
		s := lines[li]
		for {
			i := strings.LastIndexByte(s, ',')
			if e := trimOWS(s[i+1:]); e != "" {
				return e
			}
			if i < 0 {
				break
			}
			s = s[:i]
		}
	}
	return ""
}
