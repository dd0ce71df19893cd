package pinteresthttp

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// hdr is one header field line, in the order the request carries them.
type hdr struct{ name, value string }

func request(remote string, headers ...hdr) *http.Request {
	r := httptest.NewRequest("GET", "http://shop.example/p", nil)
	r.RemoteAddr = remote
	for _, h := range headers {
		r.Header.Add(h.name, h.value)
	}
	return r
}

var (
	lb       = LoadBalancer(netip.MustParsePrefix("10.0.0.0/16"))
	lb6      = LoadBalancer(netip.MustParsePrefix("2001:db8:1::/48"))
	realIP   = Proxies{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Header: HeaderXRealIP}
	fwd      = Proxies{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, Header: HeaderForwarded}
	cf       = Cloudflare()
	gclb     = LoadBalancer(netip.MustParsePrefix("35.191.0.0/16"), netip.MustParsePrefix("130.211.0.0/22"), netip.MustParsePrefix("34.120.1.1/32"))
	cfThenLB = LoadBalancer(append(CloudflareRanges(), netip.MustParsePrefix("10.0.0.0/16"))...)
)

func xff(v string) hdr  { return hdr{"X-Forwarded-For", v} }
func fwdh(v string) hdr { return hdr{"Forwarded", v} }

// hops joins n addresses made by f, left to right.
func hops(n int, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, ", ")
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		proxies Proxies
		remote  string
		headers []hdr
		want    string // "" for no address
	}{
		// Nothing trusted (the default): RemoteAddr, whatever the headers say.
		{"default: RemoteAddr", Proxies{}, "203.0.113.7:51234", nil, "203.0.113.7"},
		{"default: forged X-Forwarded-For ignored", Proxies{}, "203.0.113.7:51234", []hdr{xff("198.51.100.1")}, "203.0.113.7"},
		{"default: forged X-Real-IP ignored", Proxies{}, "203.0.113.7:51234", []hdr{{"X-Real-IP", "198.51.100.1"}}, "203.0.113.7"},
		{"default: forged CF-Connecting-IP ignored", Proxies{}, "203.0.113.7:51234", []hdr{{"CF-Connecting-IP", "198.51.100.1"}}, "203.0.113.7"},
		{"default: forged Forwarded ignored", Proxies{}, "203.0.113.7:51234", []hdr{fwdh("for=198.51.100.1")}, "203.0.113.7"},
		{"default: IPv6 RemoteAddr", Proxies{}, "[2001:db8::7]:443", nil, "2001:db8::7"},
		{"default: IPv6 RemoteAddr with zone", Proxies{}, "[fe80::1%eth0]:443", nil, "fe80::1"},
		{"default: IPv4-mapped RemoteAddr", Proxies{}, "[::ffff:203.0.113.7]:443", nil, "203.0.113.7"},
		{"default: RemoteAddr of a unix socket", Proxies{}, "@", nil, ""},
		{"default: empty RemoteAddr", Proxies{}, "", nil, ""},
		{"untrusted peer: forged X-Forwarded-For ignored", lb, "198.51.100.66:4000", []hdr{xff("203.0.113.7")}, "198.51.100.66"},
		{"untrusted peer: forged X-Real-IP ignored", realIP, "198.51.100.66:4000", []hdr{{"X-Real-IP", "203.0.113.7"}}, "198.51.100.66"},

		// X-Forwarded-For from a trusted load balancer.
		{"lb: one hop", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7")}, "203.0.113.7"},
		{"lb: forged entries left of the client", lb, "10.0.0.2:80", []hdr{xff("198.51.100.1, 192.0.2.99, 203.0.113.7")}, "203.0.113.7"},
		{"lb: trusted hops skipped", lb, "10.0.0.2:80", []hdr{xff("198.51.100.1, 203.0.113.7, 10.0.3.4, 10.0.9.9")}, "203.0.113.7"},
		{"lb: all hops trusted: leftmost", lb, "10.0.0.2:80", []hdr{xff("10.0.5.5, 10.0.3.4")}, "10.0.5.5"},
		{"lb: no header: the peer itself", lb, "10.0.0.2:80", nil, "10.0.0.2"},
		{"lb: entry with port", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7:5555")}, "203.0.113.7"},
		{"lb: spaces and tabs", lb, "10.0.0.2:80", []hdr{xff(" \t203.0.113.7 \t,\t10.0.3.4 ")}, "203.0.113.7"},
		{"lb: empty elements skipped", lb, "10.0.0.2:80", []hdr{xff(",203.0.113.7,, ,10.0.3.4,")}, "203.0.113.7"},
		{"lb: several field lines, last is nearest", lb, "10.0.0.2:80", []hdr{xff("198.51.100.1"), xff("203.0.113.7")}, "203.0.113.7"},
		{"lb: several field lines walked across", lb, "10.0.0.2:80", []hdr{xff("198.51.100.1, 203.0.113.7"), xff("10.0.3.4")}, "203.0.113.7"},
		{"lb: Header given in lower case", Proxies{Trusted: lb.Trusted, Header: "x-forwarded-for"}, "10.0.0.2:80", []hdr{xff("203.0.113.7")}, "203.0.113.7"},
		{"forwarded: Header given in lower case", Proxies{Trusted: lb.Trusted, Header: "forwarded"}, "10.0.0.2:80", []hdr{fwdh("for=203.0.113.7")}, "203.0.113.7"},
		{"x-real-ip: Header given in lower case", Proxies{Trusted: realIP.Trusted, Header: "x-real-ip"}, "127.0.0.1:1", []hdr{{"X-Real-IP", "203.0.113.7"}}, "203.0.113.7"},
		{"lb: header name case", lb, "10.0.0.2:80", []hdr{{"x-forwarded-for", "203.0.113.7"}}, "203.0.113.7"},
		{"lb: IPv4-mapped peer is trusted", lb, "[::ffff:10.0.0.2]:80", []hdr{xff("203.0.113.7")}, "203.0.113.7"},
		{"lb: IPv4-mapped hop is unmapped", lb, "10.0.0.2:80", []hdr{xff("::ffff:203.0.113.7")}, "203.0.113.7"},

		// Garbage: never wins over what a trusted hop said.
		{"garbage: nearest entry", lb, "10.0.0.2:80", []hdr{xff("198.51.100.1, not-an-ip")}, ""},
		{"garbage: left of the client, never read", lb, "10.0.0.2:80", []hdr{xff("<script>, ;;, 203.0.113.7")}, "203.0.113.7"},
		{"garbage: after trusted hops", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7, bogus, 10.0.3.4")}, ""},
		{"garbage: unknown", lb, "10.0.0.2:80", []hdr{xff("unknown")}, ""},
		{"garbage: unspecified 0.0.0.0", lb, "10.0.0.2:80", []hdr{xff("0.0.0.0")}, ""},
		{"garbage: unspecified ::", lb, "10.0.0.2:80", []hdr{xff("::")}, ""},
		{"garbage: port out of range", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7:65536")}, ""},
		{"garbage: empty port", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7:")}, ""},
		{"garbage: leading zeros", lb, "10.0.0.2:80", []hdr{xff("203.000.113.007")}, ""},
		{"garbage: three octets", lb, "10.0.0.2:80", []hdr{xff("203.0.113")}, ""},
		{"garbage: IPv4 with zone", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7%eth0")}, ""},
		{"garbage: IPv4 in brackets", lb, "10.0.0.2:80", []hdr{xff("[203.0.113.7]")}, ""},
		{"garbage: unclosed bracket", lb, "10.0.0.2:80", []hdr{xff("[2001:db8::7")}, ""},
		{"garbage: text after bracket", lb, "10.0.0.2:80", []hdr{xff("[2001:db8::7]x")}, ""},
		{"garbage: a host name", lb, "10.0.0.2:80", []hdr{xff("client.example")}, ""},
		{"garbage: NUL byte", lb, "10.0.0.2:80", []hdr{xff("203.0.113.7\x00")}, ""},
		{"garbage: prefix", lb, "10.0.0.2:80", []hdr{xff("203.0.113.0/24")}, ""},

		// IPv6 in every written form.
		{"ipv6: compressed", lb, "10.0.0.2:80", []hdr{xff("2001:db8::7")}, "2001:db8::7"},
		{"ipv6: upper case", lb, "10.0.0.2:80", []hdr{xff("2001:DB8::A")}, "2001:db8::a"},
		{"ipv6: full form", lb, "10.0.0.2:80", []hdr{xff("2001:0db8:0000:0000:0000:0000:0000:0007")}, "2001:db8::7"},
		{"ipv6: uncompressed zeros", lb, "10.0.0.2:80", []hdr{xff("2001:db8:0:0:0:0:0:7")}, "2001:db8::7"},
		{"ipv6: brackets", lb, "10.0.0.2:80", []hdr{xff("[2001:db8::7]")}, "2001:db8::7"},
		{"ipv6: brackets and port", lb, "10.0.0.2:80", []hdr{xff("[2001:db8::7]:443")}, "2001:db8::7"},
		{"ipv6: zone", lb, "10.0.0.2:80", []hdr{xff("fe80::1%eth0")}, "fe80::1"},
		{"ipv6: zone in brackets with port", lb, "10.0.0.2:80", []hdr{xff("[fe80::1%eth0]:443")}, "fe80::1"},
		{"ipv6: embedded IPv4", lb, "10.0.0.2:80", []hdr{xff("64:ff9b::203.0.113.7")}, "64:ff9b::cb00:7107"},
		{"ipv6: IPv4-mapped in brackets with port", lb, "10.0.0.2:80", []hdr{xff("[::ffff:203.0.113.7]:80")}, "203.0.113.7"},
		{"ipv6: unbracketed with a port reads as another address", lb, "10.0.0.2:80", []hdr{xff("2001:db8::7:443")}, "2001:db8::7:443"},
		{"ipv6: loopback", lb, "10.0.0.2:80", []hdr{xff("::1")}, "::1"},
		{"ipv6: empty zone", lb, "10.0.0.2:80", []hdr{xff("fe80::1%")}, ""},
		{"ipv6: too many groups", lb, "10.0.0.2:80", []hdr{xff("2001:db8:0:0:0:0:0:0:7")}, ""},
		{"ipv6: two ::", lb, "10.0.0.2:80", []hdr{xff("2001::db8::7")}, ""},
		{"ipv6: trusted IPv6 proxies", lb6, "[2001:db8:1::2]:443", []hdr{xff("2001:db8:2::9, 2001:db8:1::3")}, "2001:db8:2::9"},
		{"ipv6: IPv4 client behind IPv6 proxies", lb6, "[2001:db8:1::2]:443", []hdr{xff("203.0.113.7")}, "203.0.113.7"},

		// 200 hops.
		{"200 hops: 199 forged, then the client", lb, "10.0.0.2:80",
			[]hdr{xff(hops(199, func(i int) string { return "198.51.100." + strconv.Itoa(i%250+1) }) + ", 203.0.113.7")}, "203.0.113.7"},
		{"200 hops: all trusted", lb, "10.0.0.2:80",
			[]hdr{xff(hops(200, func(i int) string { return "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250+1) }))}, "10.0.0.1"},
		{"200 hops: all garbage", lb, "10.0.0.2:80",
			[]hdr{xff(hops(200, func(int) string { return "x" }))}, ""},
		{"200 hops: 200 field lines", lb, "10.0.0.2:80",
			append(repeatHdr(199, xff("198.51.100.1")), xff("203.0.113.7")), "203.0.113.7"},

		// X-Real-IP.
		{"x-real-ip: from trusted peer", realIP, "127.0.0.1:40000", []hdr{{"X-Real-IP", "203.0.113.7"}}, "203.0.113.7"},
		{"x-real-ip: IPv6", realIP, "127.0.0.1:40000", []hdr{{"X-Real-IP", " 2001:db8::7 "}}, "2001:db8::7"},
		{"x-real-ip: absent: the peer", realIP, "127.0.0.1:40000", nil, "127.0.0.1"},
		{"x-real-ip: X-Forwarded-For not read", realIP, "127.0.0.1:40000", []hdr{xff("198.51.100.1")}, "127.0.0.1"},
		{"x-real-ip: two field lines", realIP, "127.0.0.1:40000", []hdr{{"X-Real-IP", "198.51.100.1"}, {"X-Real-IP", "203.0.113.7"}}, ""},
		{"x-real-ip: a list", realIP, "127.0.0.1:40000", []hdr{{"X-Real-IP", "198.51.100.1, 203.0.113.7"}}, ""},
		{"x-real-ip: garbage", realIP, "127.0.0.1:40000", []hdr{{"X-Real-IP", "localhost"}}, ""},

		// Cloudflare.
		{"cloudflare: from the edge", cf, "162.158.4.4:12345", []hdr{{"CF-Connecting-IP", "203.0.113.7"}}, "203.0.113.7"},
		{"cloudflare: from an IPv6 edge", cf, "[2606:4700:10::1]:12345", []hdr{{"CF-Connecting-IP", "2001:db8::7"}}, "2001:db8::7"},
		{"cloudflare: straight to the origin", cf, "198.51.100.66:12345", []hdr{{"CF-Connecting-IP", "203.0.113.7"}}, "198.51.100.66"},
		{"cloudflare: X-Forwarded-For not read", cf, "162.158.4.4:12345", []hdr{xff("198.51.100.1"), {"CF-Connecting-IP", "203.0.113.7"}}, "203.0.113.7"},
		{"cloudflare then lb", cfThenLB, "10.0.0.2:80", []hdr{xff("198.51.100.1, 203.0.113.7, 172.64.1.1")}, "203.0.113.7"},
		{"cloudflare then lb: lb reached directly", cfThenLB, "10.0.0.2:80", []hdr{xff("203.0.113.7, 198.51.100.66")}, "198.51.100.66"},

		{"google cloud lb: its own address trusted", gclb, "35.191.0.5:80", []hdr{xff("198.51.100.1, 203.0.113.7, 34.120.1.1")}, "203.0.113.7"},
		{"google cloud lb: its own address forgotten", LoadBalancer(gclb.Trusted[:2]...), "35.191.0.5:80", []hdr{xff("203.0.113.7, 34.120.1.1")}, "34.120.1.1"},

		// Forwarded (RFC 7239).
		{"forwarded: one element", fwd, "10.0.0.2:80", []hdr{fwdh("for=203.0.113.7;proto=https;host=shop.example")}, "203.0.113.7"},
		{"forwarded: quoted IPv4", fwd, "10.0.0.2:80", []hdr{fwdh(`for="203.0.113.7"`)}, "203.0.113.7"},
		{"forwarded: quoted IPv6 with port", fwd, "10.0.0.2:80", []hdr{fwdh(`for="[2001:db8:cafe::17]:4711"`)}, "2001:db8:cafe::17"},
		{"forwarded: unquoted IPv6 (lenient)", fwd, "10.0.0.2:80", []hdr{fwdh(`for=[2001:db8::7]`)}, "2001:db8::7"},
		{"forwarded: obfuscated port", fwd, "10.0.0.2:80", []hdr{fwdh(`for="[2001:db8::7]:_p0rt"`)}, "2001:db8::7"},
		{"forwarded: parameter names are case-insensitive", fwd, "10.0.0.2:80", []hdr{fwdh(`For=203.0.113.7;PROTO=https`)}, "203.0.113.7"},
		{"forwarded: by and extensions ignored", fwd, "10.0.0.2:80", []hdr{fwdh(`by=10.0.0.2;for=203.0.113.7;secret="x;y"`)}, "203.0.113.7"},
		{"forwarded: forged elements left of the client", fwd, "10.0.0.2:80", []hdr{fwdh("for=198.51.100.1, for=203.0.113.7")}, "203.0.113.7"},
		{"forwarded: trusted hops skipped", fwd, "10.0.0.2:80", []hdr{fwdh("for=198.51.100.1, for=203.0.113.7, for=10.0.3.4")}, "203.0.113.7"},
		{"forwarded: all trusted: leftmost", fwd, "10.0.0.2:80", []hdr{fwdh("for=10.0.5.5, for=10.0.3.4")}, "10.0.5.5"},
		{"forwarded: absent: the peer", fwd, "10.0.0.2:80", nil, "10.0.0.2"},
		{"forwarded: X-Forwarded-For not read", fwd, "10.0.0.2:80", []hdr{xff("198.51.100.1")}, "10.0.0.2"},
		{"forwarded: unknown", fwd, "10.0.0.2:80", []hdr{fwdh("for=unknown")}, ""},
		{"forwarded: quoted unknown with port", fwd, "10.0.0.2:80", []hdr{fwdh(`for="unknown:80"`)}, ""},
		{"forwarded: obfuscated, quoted", fwd, "10.0.0.2:80", []hdr{fwdh(`for="_hidden"`)}, ""},
		{"forwarded: obfuscated, unquoted", fwd, "10.0.0.2:80", []hdr{fwdh(`for=_SEVKISEK`)}, ""},
		{"forwarded: obfuscated after trusted hop", fwd, "10.0.0.2:80", []hdr{fwdh(`for=198.51.100.1, for="_hidden", for=10.0.3.4`)}, ""},
		{"forwarded: obfuscated left of the client, never read", fwd, "10.0.0.2:80", []hdr{fwdh(`for="_hidden", for=203.0.113.7`)}, "203.0.113.7"},
		{"forwarded: forged unterminated quote", fwd, "10.0.0.2:80", []hdr{fwdh(`for="198.51.100.1, for=203.0.113.7`)}, "203.0.113.7"},
		{"forwarded: forged comma in quotes", fwd, "10.0.0.2:80", []hdr{fwdh(`for="198.51,100.1", for=203.0.113.7`)}, "203.0.113.7"},
		{"forwarded: escaped quote", fwd, "10.0.0.2:80", []hdr{fwdh(`for="a\"b", for=203.0.113.7`)}, "203.0.113.7"},
		{"forwarded: no for", fwd, "10.0.0.2:80", []hdr{fwdh("proto=https;host=shop.example")}, ""},
		{"forwarded: for twice", fwd, "10.0.0.2:80", []hdr{fwdh("for=198.51.100.1;for=203.0.113.7")}, ""},
		{"forwarded: space around =", fwd, "10.0.0.2:80", []hdr{fwdh("for = 203.0.113.7")}, ""},
		{"forwarded: unterminated quote nearest", fwd, "10.0.0.2:80", []hdr{fwdh(`for="203.0.113.7`)}, ""},
		{"forwarded: control character in quotes", fwd, "10.0.0.2:80", []hdr{fwdh("for=\"203.0.113.7\x01\"")}, ""},
		{"forwarded: empty value", fwd, "10.0.0.2:80", []hdr{fwdh("for=")}, ""},
		{"forwarded: bare word", fwd, "10.0.0.2:80", []hdr{fwdh("203.0.113.7")}, ""},
		{"forwarded: empty elements skipped", fwd, "10.0.0.2:80", []hdr{fwdh(", for=203.0.113.7 ,, ")}, "203.0.113.7"},
		{"forwarded: several field lines", fwd, "10.0.0.2:80", []hdr{fwdh("for=198.51.100.1, for=203.0.113.7"), fwdh("for=10.0.3.4")}, "203.0.113.7"},
		{"forwarded: 200 elements, client last", fwd, "10.0.0.2:80",
			[]hdr{fwdh(hops(199, func(i int) string { return `for="_f` + strconv.Itoa(i) + `"` }) + ", for=203.0.113.7")}, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.remote, tt.headers...)
			x := &Extractor{Proxies: tt.proxies}
			got := x.ClientIP(r)
			if !got.IsValid() {
				if tt.want != "" {
					t.Errorf("ClientIP = none, want %s", tt.want)
				}
				return
			}
			if got.String() != tt.want || got.Zone() != "" || got.Is4In6() {
				t.Errorf("ClientIP = %s, want %q", got, tt.want)
			}
		})
	}
}

func repeatHdr(n int, h hdr) []hdr {
	hs := make([]hdr, n)
	for i := range hs {
		hs[i] = h
	}
	return hs
}

func TestCloudflareRanges(t *testing.T) {
	ps := CloudflareRanges()
	if len(ps) != len(cloudflareRanges) {
		t.Fatalf("%d ranges, want %d", len(ps), len(cloudflareRanges))
	}
	for _, p := range ps {
		if p != p.Masked() {
			t.Errorf("%s is not a network address", p)
		}
	}
	ps[0] = netip.Prefix{}
	if !CloudflareRanges()[0].IsValid() {
		t.Error("modifying the returned slice changed the next result")
	}
}
