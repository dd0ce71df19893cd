package pinteresthttp

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/capisdk/pinterest"
)

// Extractor reads what a web conversion needs from an *http.Request: the
// client's IP address behind the proxies it trusts, the user agent, the
// Pinterest click id, the page URL and the user's language. Its zero value
// trusts no proxy and is ready to use. An Extractor must not be modified
// once in use; it is safe for concurrent use.
//
// Its methods read the request's RemoteAddr, URL, TLS state and headers
// (including cookies), never its body, and keep no reference to it.
type Extractor struct {
	// Proxies says whose forwarding headers to believe. The zero value
	// believes none: see Proxies, LoadBalancer and Cloudflare.
	Proxies Proxies
	// Client, if set, is where FillUserData (given nil) and Event get their
	// UserData: Client.NewUserData, so that the client's defaults, such as
	// pinterest.WithDefaultPhoneCountryCode, apply to the user data the
	// handler adds.
	Client *pinterest.Client
	// CookieDomain, if set, is the domain of the _epik cookie the Middleware
	// sets, such as "shop.example" for a site served on www.shop.example and
	// checkout.shop.example: give the registrable domain, the one the
	// Pinterest Tag's own _epik cookie uses, in ASCII (punycode for an
	// internationalized name). Empty means a host-only cookie. It is left out
	// for requests to hosts outside it.
	CookieDomain string
	// Logger, if set, gets a warning from the Middleware for each epik
	// parameter it refuses to store, with the reason and the value's length,
	// never the value.
	Logger *slog.Logger
}

// ClientIP returns the client's address: the peer (RemoteAddr) unless it is
// a trusted proxy, else what the trusted proxies said; see Proxies. It
// returns the zero Addr when the trusted proxies named no valid address. The
// address has no zone and is never an IPv4-mapped IPv6 address.
func (x *Extractor) ClientIP(r *http.Request) netip.Addr {
	return x.Proxies.origin(r).addr
}

// URL returns the page URL for the event (event_source_url): scheme, host
// and path, where the scheme and host come from trusted proxies (see
// Proxies.Header) when they sent valid ones, else from the request's TLS
// state and Host. Default ports are dropped. The query string is left out,
// as it may carry personal data or tokens; set the event's URL yourself to
// keep it. It returns "" when the request names no valid host.
func (x *Extractor) URL(r *http.Request) string {
	return pageURL(r, x.Proxies.origin(r))
}

// FillUserData sets on u the client's IP address (see ClientIP), the user
// agent and the click id (see ClickID) of r, and returns u. A nil u gets a
// new UserData, from Client.NewUserData when Client is set.
//
// A click id that is refused (too long, a control character, a byte no
// cookie holds) is recorded as a *pinterest.FieldError on
// "user_data.click_id" in u.Warnings, which Send reports on the event's
// result; so is an invalid user agent. A request whose trusted proxies name
// no valid address gets no IP address and no warning.
func (x *Extractor) FillUserData(u *pinterest.UserData, r *http.Request) *pinterest.UserData {
	return x.fill(u, r, x.Proxies.origin(r))
}

func (x *Extractor) fill(u *pinterest.UserData, r *http.Request, o origin) *pinterest.UserData {
	if u == nil {
		u = x.newUserData()
	}
	if o.addr.IsValid() {
		u.ClientAddr(o.addr)
	}
	u.UserAgent(r.UserAgent())
	id, refused := findClickID(r)
	for _, s := range refused {
		u.Warn(pinterest.FieldClickID, s.where+" "+s.reason)
	}
	if id != "" {
		u.ClickID(id)
	}
	return u
}

func (x *Extractor) newUserData() *pinterest.UserData {
	if x.Client != nil {
		return x.Client.NewUserData()
	}
	return pinterest.NewUserData()
}

// Event starts a web event (action source pinterest.SourceWeb) named name,
// happening now, with the user data of FillUserData, the URL and, when
// Accept-Language names one, the language (see Language). Set its id (the
// one the Pinterest Tag sent for the same conversion) and add what the
// handler knows, such as an e-mail through Event.UserData:
//
//	ev := web.Event(r, pinterest.EventCheckout).ID(order.ID).Custom(order.CustomData())
//	ev.UserData().Email(order.Email)
//	err := batcher.Add(r.Context(), ev)
func (x *Extractor) Event(r *http.Request, name pinterest.EventName) *pinterest.Event {
	o := x.Proxies.origin(r)
	ev := pinterest.NewEvent(name, pinterest.SourceWeb).User(x.fill(nil, r, o))
	if u := pageURL(r, o); u != "" {
		ev.URL(u)
	}
	if lang := Language(r); lang != "" {
		ev.Language(lang)
	}
	return ev
}
