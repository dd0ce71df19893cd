package pinteresthttp_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresthttp"
	"github.com/capisdk/pinterest/pinteresttest"
)

// A checkout handler behind a load balancer: the event gets the visitor's
// address, user agent, click id, page URL and language from the request.
func Example() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	web := &pinteresthttp.Extractor{
		Proxies: pinteresthttp.LoadBalancer(netip.MustParsePrefix("10.0.0.0/16")),
		Client:  client,
	}

	checkout := func(w http.ResponseWriter, r *http.Request) {
		ev := web.Event(r, pinterest.EventCheckout).ID("order-1001")
		ev.UserData().Email("jane@example.com")
		if _, err := client.Send(r.Context(), "549755885175", ev); err != nil {
			http.Error(w, "conversion not recorded", http.StatusBadGateway)
		}
	}

	// A request as the load balancer forwards it.
	r := httptest.NewRequest("POST", "/checkout", nil)
	r.RemoteAddr = "10.0.0.2:41000"
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "shop.example")
	r.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)")
	r.Header.Set("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.8")
	r.AddCookie(&http.Cookie{Name: "_epik", Value: "dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdU"})
	checkout(httptest.NewRecorder(), r)

	got := srv.Events()[0]
	fmt.Println(got.EventSourceURL, got.Language)
	fmt.Println(got.UserData.ClientIPAddress, got.UserData.ClickID)
	fmt.Println(got.UserData.ClientUserAgent)
	// Output:
	// https://shop.example/checkout fr
	// 203.0.113.7 dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdU
	// Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)
}

// Behind a load balancer, the client is the rightmost address of
// X-Forwarded-For that is not one of the trusted proxies: what the client
// wrote itself further left is never read.
func ExampleLoadBalancer() {
	web := &pinteresthttp.Extractor{Proxies: pinteresthttp.LoadBalancer(netip.MustParsePrefix("10.0.0.0/16"))}

	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:41000"                                        // the load balancer
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.0.3.4") // forged, client, inner proxy
	fmt.Println(web.ClientIP(r))

	// The same header from a peer that is not trusted is ignored.
	r.RemoteAddr = "198.51.100.66:5000"
	fmt.Println(web.ClientIP(r))

	// Nothing trusted, the zero Extractor: the peer.
	fmt.Println((&pinteresthttp.Extractor{}).ClientIP(r))
	// Output:
	// 203.0.113.7
	// 198.51.100.66
	// 198.51.100.66
}

// Behind Cloudflare, CF-Connecting-IP is believed only from Cloudflare's
// addresses.
func ExampleCloudflare() {
	web := &pinteresthttp.Extractor{Proxies: pinteresthttp.Cloudflare()}

	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("CF-Connecting-IP", "2001:db8::7")
	r.RemoteAddr = "[2606:4700:10::6816:1]:443" // a Cloudflare edge
	fmt.Println(web.ClientIP(r))

	r.RemoteAddr = "198.51.100.66:5000" // someone calling the origin directly
	fmt.Println(web.ClientIP(r))
	// Output:
	// 2001:db8::7
	// 198.51.100.66
}

// A proxy speaking RFC 7239 says who connected, how and to which host.
func ExampleProxies_forwarded() {
	web := &pinteresthttp.Extractor{Proxies: pinteresthttp.Proxies{
		Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Header:  pinteresthttp.HeaderForwarded,
	}}
	r := httptest.NewRequest("GET", "/p/42?epik=abc", nil)
	r.RemoteAddr = "10.1.2.3:8000"
	r.Header.Set("Forwarded", `for="[2001:db8:cafe::17]:4711";proto=https;host=shop.example`)
	fmt.Println(web.ClientIP(r), web.URL(r))

	// An obfuscated identifier hides the client: no address rather than a guess.
	r.Header.Set("Forwarded", `for="_hidden";proto=https;host=shop.example`)
	fmt.Println(web.ClientIP(r).IsValid())
	// Output:
	// 2001:db8:cafe::17 https://shop.example/p/42
	// false
}

// The middleware keeps the epik parameter of a landing page as a
// first-party cookie.
func ExampleExtractor_Middleware() {
	web := &pinteresthttp.Extractor{CookieDomain: "shop.example"}
	landing := web.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "Welcome")
	}))

	rec := httptest.NewRecorder()
	landing.ServeHTTP(rec, httptest.NewRequest("GET", "https://www.shop.example/?epik=dj0yJnU9b2JD", nil))
	fmt.Println(rec.Header().Get("Set-Cookie"))
	// Output:
	// _epik=dj0yJnU9b2JD; Path=/; Domain=shop.example; Max-Age=31536000; Secure; SameSite=Lax
}

// A click id no cookie could hold is refused, and the refusal is a warning
// on the user data, reported with the event's result.
func ExampleExtractor_FillUserData() {
	r := httptest.NewRequest("GET", "/?epik=abc%0D%0ASet-Cookie:%20x", nil)
	r.Header.Set("User-Agent", "Mozilla/5.0")
	u := (&pinteresthttp.Extractor{}).FillUserData(pinterest.NewUserData(), r)
	fmt.Println(u)
	fmt.Println(u.Warnings()[0])
	// Output:
	// pinterest.UserData{client_ip_address:1 client_user_agent:1 warnings:1}
	// pinterest: invalid user_data.click_id: epik query parameter contains a control character
}

func ExampleLanguage() {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "gsw-CH, de-CH;q=0.9, en;q=0.5")
	fmt.Println(pinteresthttp.Language(r)) // Swiss German has no two-letter code
	// Output: de
}

func ExampleClickID() {
	r := httptest.NewRequest("GET", "/?epik=from-the-url", nil)
	fmt.Println(pinteresthttp.ClickID(r))
	r.AddCookie(&http.Cookie{Name: "_epik", Value: "from-the-cookie"})
	fmt.Println(pinteresthttp.ClickID(r))
	// Output:
	// from-the-url
	// from-the-cookie
}
