package pinteresthttp

import (
	"bytes"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// landing serves r through x's middleware and returns the Set-Cookie lines
// and whether the wrapped handler ran.
func landing(t *testing.T, x *Extractor, r *http.Request) (setCookies []string, called bool) {
	t.Helper()
	h := x.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		w.WriteHeader(http.StatusNoContent)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result().Header.Values("Set-Cookie"), called
}

func TestMiddlewareSetsCookie(t *testing.T) {
	tests := []struct {
		name    string
		x       *Extractor
		target  string
		tls     bool
		remote  string
		headers []hdr
		want    []string
	}{
		{"http", &Extractor{}, "http://shop.example/?epik=" + epik, false, "203.0.113.7:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; SameSite=Lax"}},
		{"https", &Extractor{}, "https://shop.example/p/42?utm_source=pinterest&epik=" + epik, true, "203.0.113.7:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"https said by a trusted proxy", &Extractor{Proxies: lb}, "http://shop.example/?epik=" + epik, false, "10.0.0.2:1",
			[]hdr{{"X-Forwarded-Proto", "https"}},
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"https said by an untrusted peer", &Extractor{Proxies: lb}, "http://shop.example/?epik=" + epik, false, "198.51.100.66:1",
			[]hdr{{"X-Forwarded-Proto", "https"}},
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; SameSite=Lax"}},
		{"domain", &Extractor{CookieDomain: "shop.example"}, "https://www.shop.example/?epik=" + epik, true, "203.0.113.7:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Domain=shop.example; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"domain, leading dot and case", &Extractor{CookieDomain: ".Shop.Example"}, "https://shop.example:8443/?epik=" + epik, true, "203.0.113.7:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Domain=shop.example; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"domain left out for another host", &Extractor{CookieDomain: "shop.example"}, "https://localhost:8080/?epik=" + epik, true, "127.0.0.1:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"domain left out for a look-alike host", &Extractor{CookieDomain: "shop.example"}, "https://evilshop.example/?epik=" + epik, true, "203.0.113.7:1", nil,
			[]string{"_epik=" + epik + "; Path=/; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"domain of the forwarded host", &Extractor{Proxies: lb, CookieDomain: "shop.example"}, "http://backend:8080/?epik=" + epik, false, "10.0.0.2:1",
			[]hdr{{"X-Forwarded-Host", "www.shop.example"}, {"X-Forwarded-Proto", "https"}},
			[]string{"_epik=" + epik + "; Path=/; Domain=shop.example; Max-Age=31536000; Secure; SameSite=Lax"}},
		{"no epik", &Extractor{}, "https://shop.example/?utm_source=pinterest", true, "203.0.113.7:1", nil, nil},
		{"empty epik", &Extractor{}, "https://shop.example/?epik=", true, "203.0.113.7:1", nil, nil},
		{"no query", &Extractor{}, "https://shop.example/", true, "203.0.113.7:1", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			r.RemoteAddr = tt.remote
			if !tt.tls {
				r.TLS = nil
			} else if r.TLS == nil {
				r.TLS = &tls.ConnectionState{}
			}
			for _, h := range tt.headers {
				r.Header.Add(h.name, h.value)
			}
			got, called := landing(t, tt.x, r)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			if !called {
				t.Error("the wrapped handler was not called")
			}
		})
	}
}

func TestMiddlewareRefusesBadEpik(t *testing.T) {
	for _, tt := range badEpiks {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			x := &Extractor{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			r := httptest.NewRequest("GET", "https://shop.example/?"+url.Values{QueryParam: {tt.value}}.Encode(), nil)
			got, called := landing(t, x, r)
			if got != nil {
				t.Errorf("Set-Cookie = %.80q, want none", got)
			}
			if !called {
				t.Error("the wrapped handler was not called")
			}
			line := logs.String()
			if !strings.Contains(line, "level=WARN") || !strings.Contains(line, tt.reason) {
				t.Errorf("log %q: want a warning with the reason %q", line, tt.reason)
			}
			if len(tt.value) > 3 && strings.Contains(line, tt.value) {
				t.Errorf("log %q shows the value", line)
			}
		})
	}
}

func TestMiddlewareSilentWithoutLogger(t *testing.T) {
	r := httptest.NewRequest("GET", "/?epik=a%00b", nil)
	if got, _ := landing(t, &Extractor{}, r); got != nil {
		t.Errorf("Set-Cookie = %q, want none", got)
	}
}

func TestMiddlewareBadCookieDomain(t *testing.T) {
	for _, d := range []string{"localhost", "shop..example", "-shop.example", "shop.example-", "203.0.113.7", "shop example", "shöp.example", "shop.example/"} {
		t.Run(d, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "CookieDomain") {
					t.Errorf("recovered %q, want a panic naming CookieDomain", msg)
				}
			}()
			(&Extractor{CookieDomain: d}).Middleware(http.NotFoundHandler())
		})
	}
}

// TestMiddlewareThenCheckout follows a visitor: the landing request sets the
// cookie, and a later checkout request carrying it gets the click id.
func TestMiddlewareThenCheckout(t *testing.T) {
	x := &Extractor{}
	var got []string
	mux := http.NewServeMux()
	mux.Handle("GET /", x.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, "landing:"+ClickID(r))
	})))
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, "checkout:"+ClickID(r))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, err := srv.Client().Get(srv.URL + "/?epik=" + epik)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	req, _ := http.NewRequest("POST", srv.URL+"/checkout", nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if diff := cmp.Diff([]string{"landing:" + epik, "checkout:" + epik}, got); diff != "" {
		t.Errorf("click ids seen (-want +got):\n%s", diff)
	}
}
