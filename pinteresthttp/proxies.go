package pinteresthttp

import "net/netip"

// Names of the headers proxies write the client's address to, for
// Proxies.Header.
const (
	// HeaderXForwardedFor is the de facto standard list "client, proxy1,
	// proxy2": each proxy appends the address it received the request from.
	HeaderXForwardedFor = "X-Forwarded-For"
	// HeaderForwarded is the standard list of RFC 7239:
	// "for=192.0.2.7;proto=https;host=shop.example, for=10.0.0.2".
	HeaderForwarded = "Forwarded"
	// HeaderXRealIP holds one address, set by nginx's realip module or a
	// proxy_set_header X-Real-IP $remote_addr line.
	HeaderXRealIP = "X-Real-IP"
	// HeaderCFConnectingIP holds one address, the visitor's, set by
	// Cloudflare's edge on every request it proxies.
	HeaderCFConnectingIP = "CF-Connecting-IP"
)

// Proxies says which peers are trusted proxies and where they write the
// address of the client they received a request from. The zero value trusts
// no one: the client is the peer, http.Request.RemoteAddr, and every
// forwarding header is ignored, since anyone can send one.
//
// Only when the peer is in Trusted are headers read:
//
//   - X-Forwarded-For (the default) and Forwarded are walked from right to
//     left, hop by hop, skipping trusted addresses; the first address that is
//     not trusted is the client. Entries left of it were written by no one we
//     trust and are never read, so a forged header cannot pick the address.
//     If every hop is trusted, the leftmost is the client (a request from
//     inside your network). A hop that is not an address ("unknown",
//     "_hidden", garbage) ends the walk with no address: the trusted proxy
//     to its right did not say who connected.
//   - Any other header (X-Real-IP, CF-Connecting-IP, True-Client-IP,
//     Fly-Client-IP...) must hold exactly one address, which is the client.
//     Several values or an unparseable one give no address.
//
// Without its header, a trusted peer is taken as the client itself (a health
// check of the load balancer, say).
//
// Name only the header your proxies set or overwrite: a header they pass on
// untouched is written by the client.
type Proxies struct {
	// Trusted holds the networks of the proxies in front of the server: a
	// peer or hop is trusted when one of the prefixes contains its address.
	// IPv4 addresses, including IPv4-mapped IPv6 ones, match IPv4 prefixes
	// only. Invalid (zero) prefixes match nothing. List only your proxies:
	// a prefix that also covers visitors (0.0.0.0/0, say) lets them name
	// any address.
	Trusted []netip.Prefix
	// Header names the header the trusted proxies write the client's
	// address to; empty means HeaderXForwardedFor. It also decides where the
	// event URL's scheme and host come from: the proto= and host= parameters
	// with HeaderForwarded, X-Forwarded-Proto and X-Forwarded-Host otherwise.
	Header string
}

// LoadBalancer trusts one load balancer or reverse proxy, or a tier of them,
// in the given networks (e.g. the VPC subnet of an AWS ALB, or
// netip.MustParsePrefix("127.0.0.1/32") for an nginx on the same host), that
// appends the peer's address to X-Forwarded-For and sets X-Forwarded-Proto:
// AWS ALB, nginx with proxy_add_x_forwarded_for, HAProxy's option
// forwardfor, Caddy, Traefik, Envoy. A chain of several such proxies works
// too, if all their networks are given. Google Cloud's external Application
// Load Balancer appends the client's address and then its own public one:
// give that address (as a /32 or /128) besides the ranges its front ends
// connect from.
func LoadBalancer(networks ...netip.Prefix) Proxies {
	return Proxies{Trusted: networks, Header: HeaderXForwardedFor}
}

// Cloudflare trusts Cloudflare's edge connecting straight to the server:
// when the peer is in CloudflareRanges, CF-Connecting-IP is the visitor's
// address. A request sent to the origin directly, not through Cloudflare,
// comes from another address and its CF-Connecting-IP is ignored.
//
// When a load balancer of yours stands between Cloudflare and the server,
// use instead
//
//	pinteresthttp.LoadBalancer(append(pinteresthttp.CloudflareRanges(), lbNet)...)
//
// which walks X-Forwarded-For (Cloudflare appends to it as well): a request
// that reaches the load balancer without passing through Cloudflare then
// gets its sender's own address, never the one its headers claim.
func Cloudflare() Proxies {
	return Proxies{Trusted: CloudflareRanges(), Header: HeaderCFConnectingIP}
}

// cloudflareRanges are Cloudflare's published edge ranges,
// https://www.cloudflare.com/ips/.
var cloudflareRanges = [...]string{
	"173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",
	"141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20",
	"197.234.240.0/22", "198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13",
	"104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
	"2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32",
	"2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32",
}

// CloudflareRanges returns the networks of Cloudflare's edge as published at
// https://www.cloudflare.com/ips/, copied into this package when it was
// written (December 2026). The list changes rarely; a server that must
// follow it closely can fetch https://api.cloudflare.com/client/v4/ips and build its
// own Proxies. The slice is new on each call.
func CloudflareRanges() []netip.Prefix {
	ps := make([]netip.Prefix, len(cloudflareRanges))
	for i, s := range cloudflareRanges {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// trusts reports whether a is in one of the trusted networks.
func (p *Proxies) trusts(a netip.Addr) bool {
	for _, n := range p.Trusted {
		if n.Contains(a) {
			return true
		}
	}
	return false
}
