package pinterest

import "net/http"

// noRedirects returns a copy of hc (a new client when hc is nil) that never
// follows a redirect. Go's http.Client would follow a 307 or 308 with the
// Authorization header and the body (to http:// on the same host too, in
// clear text), and turn a POST answered 301, 302 or 303 into a bodiless GET
// whose 200 would then pass for Pinterest's answer. Pinterest's API does not
// redirect, so the 3xx answer itself is returned and fails the request's
// events (see interpret). The caller's client is copied, never changed.
func noRedirects(hc *http.Client) *http.Client {
	var cp http.Client
	if hc != nil {
		cp = *hc
	}
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}
