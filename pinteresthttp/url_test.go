package pinteresthttp

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name    string
		proxies Proxies
		target  string // request target, as the server received it
		tls     bool
		remote  string
		host    string // Host header; "" keeps the target's
		headers []hdr
		want    string
	}{
		{"plain http", Proxies{}, "/checkout", false, "203.0.113.7:1", "shop.example", nil, "http://shop.example/checkout"},
		{"tls", Proxies{}, "/checkout", true, "203.0.113.7:1", "shop.example", nil, "https://shop.example/checkout"},
		{"query and fragment dropped", Proxies{}, "/p?email=jane%40example.com&epik=abc", true, "203.0.113.7:1", "shop.example", nil, "https://shop.example/p"},
		{"escaped path kept", Proxies{}, "/caf%C3%A9/a%2Fb", true, "203.0.113.7:1", "shop.example", nil, "https://shop.example/caf%C3%A9/a%2Fb"},
		{"host lowercased, port kept", Proxies{}, "/", false, "203.0.113.7:1", "Shop.Example:8080", nil, "http://shop.example:8080/"},
		{"default port dropped", Proxies{}, "/", true, "203.0.113.7:1", "shop.example:443", nil, "https://shop.example/"},
		{"IPv6 literal host", Proxies{}, "/", false, "203.0.113.7:1", "[2001:db8::1]:8080", nil, "http://[2001:db8::1]:8080/"},
		{"untrusted peer: forwarded scheme and host ignored", lb, "/", false, "198.51.100.66:1", "shop.example",
			[]hdr{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example"}}, "http://shop.example/"},
		{"trusted lb: X-Forwarded-Proto and -Host", lb, "/checkout", false, "10.0.0.2:1", "backend:8080",
			[]hdr{xff("203.0.113.7"), {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "www.shop.example"}}, "https://www.shop.example/checkout"},
		{"trusted lb: nearest value of a list", lb, "/", false, "10.0.0.2:1", "backend",
			[]hdr{{"X-Forwarded-Proto", "http, HTTPS"}, {"X-Forwarded-Host", "evil.example, shop.example"}}, "https://shop.example/"},
		{"trusted lb: bad proto ignored", lb, "/", true, "10.0.0.2:1", "shop.example",
			[]hdr{{"X-Forwarded-Proto", "javascript"}}, "https://shop.example/"},
		{"trusted lb: bad host ignored", lb, "/", false, "10.0.0.2:1", "shop.example",
			[]hdr{{"X-Forwarded-Host", "evil.example/path?"}}, "http://shop.example/"},
		{"trusted lb: host with bad port ignored", lb, "/", false, "10.0.0.2:1", "shop.example",
			[]hdr{{"X-Forwarded-Host", "evil.example:99999"}}, "http://shop.example/"},
		{"trusted lb: Forwarded not read", lb, "/", false, "10.0.0.2:1", "shop.example",
			[]hdr{fwdh("for=203.0.113.7;proto=https;host=evil.example")}, "http://shop.example/"},
		{"forwarded: proto and host of the client's element", fwd, "/c", false, "10.0.0.2:1", "backend",
			[]hdr{fwdh(`for=198.51.100.1;proto=http;host=evil.example, for=203.0.113.7;proto=https;host="www.shop.example", for=10.0.3.4;proto=http;host=lb.internal`)},
			"https://www.shop.example/c"},
		{"forwarded: inner values when the client's element has none", fwd, "/c", false, "10.0.0.2:1", "backend",
			[]hdr{fwdh(`for=203.0.113.7, for=10.0.3.4;proto=https;host=shop.example`)}, "https://shop.example/c"},
		{"forwarded: X-Forwarded-Proto not read", fwd, "/", false, "10.0.0.2:1", "shop.example",
			[]hdr{{"X-Forwarded-Proto", "https"}}, "http://shop.example/"},
		{"forwarded: values of an obfuscated element still count", fwd, "/", false, "10.0.0.2:1", "backend",
			[]hdr{fwdh(`for="_hidden";proto=https;host=shop.example`)}, "https://shop.example/"},
		{"cloudflare: X-Forwarded-Proto", cf, "/", false, "162.158.4.4:1", "shop.example",
			[]hdr{{"CF-Connecting-IP", "203.0.113.7"}, {"X-Forwarded-Proto", "https"}}, "https://shop.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			r.RemoteAddr = tt.remote
			r.Host = tt.host
			r.TLS = nil
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, h := range tt.headers {
				r.Header.Add(h.name, h.value)
			}
			x := &Extractor{Proxies: tt.proxies}
			if got := x.URL(r); got != tt.want {
				t.Errorf("URL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestURLNoHost(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = ""
	if got := (&Extractor{}).URL(r); got != "" {
		t.Errorf("URL = %q, want none", got)
	}
}

func TestCleanHost(t *testing.T) {
	for _, h := range []string{"", "a b", "evil.example/x", ".shop.example", "-shop.example", "[::1", "[::1]x", "[fe80::1%eth0]", "[1.2.3.4]", "shop.example:", "shop.example:http", strings.Repeat("a", 300)} {
		if got, ok := cleanHost(h); ok {
			t.Errorf("cleanHost(%q) = %q, want refused", h, got)
		}
	}
}
