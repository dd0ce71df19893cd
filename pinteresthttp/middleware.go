package pinteresthttp

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Middleware returns a handler that, on a request whose URL carries an epik
// query parameter (the landing page of a Pinterest ad click), sets the
// first-party _epik cookie to it before calling next, so that later requests
// of that visitor, the checkout among them, carry the click id.
//
// The cookie has Path "/", lasts a year (CookieMaxAge), is SameSite=Lax, and
// Secure when the request came over https (as the trusted proxies said, see
// Proxies). Its Domain is CookieDomain when set and the request's host lies
// within it, else the cookie is host-only. It is not HttpOnly: the Pinterest
// Tag in the page reads and renews the same cookie.
//
// A value that is no valid click id (see ClickID) is never stored: it is
// dropped, with a warning to Logger when set. Next is called either way.
// Middleware panics if CookieDomain is set but is not a domain name, so
// that a misconfiguration shows at startup, not as cookies browsers ignore.
func (x *Extractor) Middleware(next http.Handler) http.Handler {
	domain, ok := cookieDomain(x.CookieDomain)
	if !ok {
		panic("pinteresthttp: CookieDomain " + strconv.Quote(x.CookieDomain) + " is not a domain name")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := queryClickID(r); v != "" {
			x.setCookie(w, r, v, domain)
		}
		next.ServeHTTP(w, r)
	})
}

func (x *Extractor) setCookie(w http.ResponseWriter, r *http.Request, v, domain string) {
	if reason := checkClickID(v); reason != "" {
		if x.Logger != nil {
			x.Logger.LogAttrs(r.Context(), slog.LevelWarn, "pinteresthttp: epik query parameter not stored",
				slog.String("reason", reason), slog.Int("length", len(v)))
		}
		return
	}
	o := x.Proxies.origin(r)
	c := &http.Cookie{
		Name:     CookieName,
		Value:    v,
		Path:     "/",
		MaxAge:   CookieMaxAge,
		Secure:   requestScheme(r, o) == "https",
		SameSite: http.SameSiteLaxMode,
	}
	if domain != "" && hostWithin(requestHost(r, o), domain) {
		c.Domain = domain
	}
	http.SetCookie(w, c)
}

// requestHost is the host name, without port, the visitor asked for.
func requestHost(r *http.Request, o origin) string {
	host, ok := cleanHost(o.host)
	if !ok {
		host, _ = cleanHost(r.Host)
	}
	if strings.HasPrefix(host, "[") {
		return "" // an IPv6 literal is within no domain
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return host
}

// hostWithin reports whether host is domain or one of its subdomains.
func hostWithin(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// cookieDomain checks CookieDomain: empty, or a domain name of at least two
// labels (letters, digits and inner hyphens), a leading dot allowed. It
// returns it lowercased without the dot.
func cookieDomain(d string) (string, bool) {
	if d == "" {
		return "", true
	}
	d = strings.ToLower(strings.TrimPrefix(d, "."))
	if len(d) > 253 || !strings.Contains(d, ".") {
		return "", false
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return "", false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "", false
			}
		}
	}
	return d, true
}
