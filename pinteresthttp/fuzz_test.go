package pinteresthttp

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// checkAddr fails unless a is none or a valid client address: no zone, not
// IPv4-mapped, not unspecified.
func checkAddr(t *testing.T, what string, a netip.Addr) {
	t.Helper()
	if !a.IsValid() {
		return
	}
	if a.Zone() != "" || a.Is4In6() || a.IsUnspecified() {
		t.Errorf("%s = %s: not a valid client address", what, a)
	}
	if b, err := netip.ParseAddr(a.String()); err != nil || b != a {
		t.Errorf("%s = %s does not round-trip: %v", what, a, err)
	}
}

// FuzzHeaders feeds arbitrary header values to every header parser, with
// the peer trusted and not. The client address is always a valid address or
// none; an untrusted peer's headers never change it; the URL is either empty
// or http(s) with a clean host.
func FuzzHeaders(f *testing.F) {
	seeds := [][4]string{
		{"10.0.0.2:80", "198.51.100.1, 203.0.113.7", "for=203.0.113.7;proto=https;host=shop.example", "203.0.113.7"},
		{"[2001:db8:1::2]:443", "[2001:db8::7]:443, fe80::1%eth0", `for="[2001:db8:cafe::17]:4711"`, "2001:db8::7"},
		{"10.0.0.2:80", "unknown, , ,", `for=unknown, for="_hidden", for=_x`, "::"},
		{"10.0.0.2:80", "0.0.0.0,::ffff:10.0.0.9", `for="unterminated, for=10.0.0.3`, "1.2.3.4:99999"},
		{"10.0.0.2:80", strings.Repeat("10.0.0.1,", 200), strings.Repeat(`for="\"\\",`, 50), "[::1"},
		{"@", "203.0.113.7", `for=203.0.113.7;for=203.0.113.8`, "a,b"},
		{"[fe80::1%eth0]:1", "\x00\xff", "for=\"\x01\"", "\t203.0.113.7\t"},
		{"10.0.0.2:80", "[::ffff:203.0.113.7]:80", `by=_a;secret="x;y", proto=https;host="[::1]:8"`, "64:ff9b::203.0.113.7"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:1::/48"),
		netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("0.0.0.0/0"),
	}
	f.Fuzz(func(t *testing.T, remote, xffValue, fwdValue, singleValue string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header = http.Header{
			"X-Forwarded-For":   {xffValue},
			"Forwarded":         {fwdValue},
			"X-Real-Ip":         {singleValue},
			"X-Forwarded-Proto": {singleValue},
			"X-Forwarded-Host":  {fwdValue},
		}
		peer, _ := parseAddr(remote)
		checkAddr(t, "peer", peer)
		for _, header := range []string{HeaderXForwardedFor, HeaderForwarded, HeaderXRealIP} {
			for _, tr := range [][]netip.Prefix{nil, trusted[:3], trusted} {
				x := &Extractor{Proxies: Proxies{Trusted: tr, Header: header}}
				a := x.ClientIP(r)
				checkAddr(t, header+" ClientIP", a)
				if peer.IsValid() && !x.Proxies.trusts(peer) && a != peer {
					t.Errorf("%s: untrusted peer %s, but ClientIP = %s", header, peer, a)
				}
				if u := x.URL(r); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Errorf("%s: URL %q", header, u)
				}
			}
		}
		a, _ := parseNode(xffValue, true)
		checkAddr(t, "parseNode", a)
		for rest, more := fwdValue, true; more; {
			var elem string
			rest, elem, more = cutLastElement(rest)
			if el, ok := parseElement(elem); ok {
				a, _ := forwardedNode(el.forNode)
				checkAddr(t, "forwardedNode", a)
			}
		}
		if h, ok := cleanHost(fwdValue); ok {
			if strings.ContainsAny(h, "/?#@ \t\r\n\"<>\\") {
				t.Errorf("cleanHost(%q) = %q", fwdValue, h)
			}
		}
	})
}

// FuzzLanguage: the language is always "" or two lowercase letters.
func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"en-US,en;q=0.9", "iw", "*", "en;q=abc, de", "xx-@@, fr", "gsw, de;q=0.1", strings.Repeat("a-", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got := bestLanguage(h)
		if got == "" {
			return
		}
		if len(got) != 2 || got[0] < 'a' || got[0] > 'z' || got[1] < 'a' || got[1] > 'z' {
			t.Errorf("bestLanguage(%q) = %q", h, got)
		}
	})
}

// FuzzClickID: a click id that is accepted goes into the Set-Cookie header
// exactly as it is, neither quoted nor altered by net/http, and comes back
// from the cookie unchanged.
func FuzzClickID(f *testing.F) {
	for _, s := range []string{epik, "a b", "a;b", `a"b`, "a\x00b", "é", "=", "a=b&c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if checkClickID(v) != "" || v == "" {
			return
		}
		line := (&http.Cookie{Name: CookieName, Value: v}).String()
		if line != CookieName+"="+v {
			t.Fatalf("cookie %q for %q", line, v)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", line)
		if got := ClickID(r); got != v {
			t.Errorf("ClickID = %q, want %q", got, v)
		}
	})
}
