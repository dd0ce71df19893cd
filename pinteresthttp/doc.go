// Package pinteresthttp builds web conversion events from an *http.Request:
// the client's IP address behind the proxies you trust, the user agent, the
// Pinterest click id (_epik), the page URL and the user's language, so that a
// handler sending a conversion is three lines:
//
//	ev := web.Event(r, pinterest.EventCheckout).ID(order.ID).Custom(order.CustomData())
//	ev.UserData().Email(order.Email)
//	err := batcher.Add(r.Context(), ev)
//
// where web is an [Extractor] configured once, and its [Extractor.Middleware]
// wraps the landing pages so that the epik parameter of an ad click is kept
// as a first-party _epik cookie for the visitor's later conversions.
//
// Nothing here reads a request's body or keeps a request.
//
// # The client's address behind proxies
//
// Behind a load balancer, RemoteAddr is the balancer's address and the
// visitor's is in a header the balancer writes. Anyone can send that header
// too, so it is believed only when the peer is a proxy you trust, and then
// read from the right, where your proxies wrote, not from the left, where the
// client did. Nothing is trusted by default: configure [Proxies] with the
// networks of your proxies and the header they write.
//
// A single load balancer or reverse proxy (AWS ALB, nginx,
// HAProxy, Caddy, Traefik, Envoy) that appends to X-Forwarded-For:
//
//	web := &pinteresthttp.Extractor{
//		Proxies: pinteresthttp.LoadBalancer(netip.MustParsePrefix("10.0.0.0/16")),
//	}
//
// Cloudflare in front of the server (CF-Connecting-IP, believed only from
// Cloudflare's own addresses):
//
//	web := &pinteresthttp.Extractor{Proxies: pinteresthttp.Cloudflare()}
//
// Cloudflare, then your load balancer:
//
//	web := &pinteresthttp.Extractor{
//		Proxies: pinteresthttp.LoadBalancer(append(pinteresthttp.CloudflareRanges(), lbNet)...),
//	}
//
// nginx in front with proxy_set_header X-Real-IP $remote_addr:
//
//	web := &pinteresthttp.Extractor{Proxies: pinteresthttp.Proxies{
//		Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
//		Header:  pinteresthttp.HeaderXRealIP,
//	}}
//
// A proxy speaking RFC 7239 (Forwarded: for=...;proto=...;host=...): set
// Header to [HeaderForwarded].
//
// # The click id
//
// Pinterest appends epik=... to the landing URL of an ad click, and the
// Pinterest Tag keeps it in the _epik cookie. [ClickID] reads the cookie,
// else the parameter; the middleware sets the cookie itself, for sites
// without the Tag or visitors who block it. Values that no cookie can hold
// or that are absurdly long are refused, with a warning on the user data.
package pinteresthttp
