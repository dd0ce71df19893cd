package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresthttp"
	"github.com/capisdk/pinterest/pinteresttest"
)

const (
	epik = "dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVUmcD0yJm49cnNBQ3"
	ua   = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// visit plays a visitor: the landing page of a Pinterest ad
// click, then a checkout with the e-mail typed in. Each request carries the
// X-Forwarded-For the load balancer in front of the shop would add.
func visit(t *testing.T, base string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	do := func(method, path string, body url.Values) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("User-Agent", ua)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		req.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7") // forged, then the visitor
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %s", method, path, res.Status)
		}
	}
	do("GET", "/?utm_source=pinterest&epik="+epik, nil)
	do("POST", "/checkout", url.Values{"email": {" Jane.Doe@Example.COM "}})
}

// wantEvent is the conversion the visit must produce, hashes computed here
// from the normalized e-mail, independently of the SDK.
func wantEvent(base string) pinteresttest.Event {
	one := int64(1)
	return pinteresttest.Event{
		EventName:      "checkout",
		ActionSource:   "web",
		EventID:        "order-1001",
		EventSourceURL: base + "/checkout",
		Language:       "en",
		UserData: pinteresttest.UserData{
			Em:              []string{sha256Hex("jane.doe@example.com")},
			ClientIPAddress: "203.0.113.7",
			ClientUserAgent: ua,
			ClickID:         epik,
		},
		CustomData: &pinteresttest.CustomData{
			Currency: "USD", Value: "24.13", OrderID: "1001", NumItems: &one, ContentIDs: []string{"sku-42"},
		},
	}
}

var ignoreTime = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".EventTime" }, cmp.Ignore())

// TestCheckout drives the handlers over loopback HTTP and checks what the
// fake Conversions API received once the Batcher is closed.
func TestCheckout(t *testing.T) {
	fake := pinteresttest.NewServerT(t)
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	var results []pinterest.EventResult
	batcher, err := client.NewBatcher("549755885175",
		pinterest.WithFlushInterval(time.Hour), // only Close sends
		pinterest.WithResultHandler(func(r pinterest.EventResult) { results = append(results, r) }))
	if err != nil {
		t.Fatal(err)
	}
	s := &shop{
		web: &pinteresthttp.Extractor{
			Proxies: pinteresthttp.LoadBalancer(netip.MustParsePrefix("127.0.0.1/32")), // the test plays the load balancer
			Client:  client,
		},
		batcher: batcher,
		log:     quiet(),
	}
	ts := httptest.NewServer(s.routes())
	defer ts.Close()

	visit(t, ts.URL)
	if n := len(fake.Events()); n != 0 {
		t.Fatalf("%d events sent before Close", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := batcher.Close(ctx); err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff([]pinteresttest.Event{wantEvent(ts.URL)}, fake.Events(), ignoreTime); diff != "" {
		t.Errorf("events received (-want +got):\n%s", diff)
	}
	if len(results) != 1 || results[0].Status != pinterest.StatusProcessed || len(results[0].Warnings) != 0 {
		t.Errorf("results = %+v, want one processed without warnings", results)
	}
}

func TestCheckoutWithoutEmail(t *testing.T) {
	s := &shop{web: &pinteresthttp.Extractor{}, log: quiet()}
	rec := httptest.NewRecorder()
	s.routes().ServeHTTP(rec, httptest.NewRequest("POST", "/checkout", nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", rec.Code)
	}
}

// TestServeShutdown runs the shop as main does and stops it as a SIGTERM
// would: the server stops, then the Batcher sends the queued checkout.
func TestServeShutdown(t *testing.T) {
	fake := pinteresttest.NewServerT(t)
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := parseTrust("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	web := &pinteresthttp.Extractor{Proxies: proxies, Client: client, Logger: quiet()}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, client, "549755885175", web, quiet()) }()

	base := "http://" + ln.Addr().String()
	visit(t, base)
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("serve did not return after the context ended")
	}
	if diff := cmp.Diff([]pinteresttest.Event{wantEvent(base)}, fake.Events(), ignoreTime); diff != "" {
		t.Errorf("events received (-want +got):\n%s", diff)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the shop still answers after shutdown")
	}
}

func TestParseTrust(t *testing.T) {
	p, err := parseTrust("10.0.0.0/16, 192.0.2.1 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	if diff := cmp.Diff(want, p.Trusted, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("trusted (-want +got):\n%s", diff)
	}
	if _, err := parseTrust("10.0.0.0/16,example.com"); err == nil {
		t.Error("a host name was accepted")
	}
}
