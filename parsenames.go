package pinterest

import "strings"

// ParseEventName maps an event name as files and other platforms write it to
// Pinterest's: "checkout", "Checkout", "Purchase" (Meta, GA4), "CompletePayment"
// (TikTok) and "order" all give EventCheckout; "AddToCart" gives
// EventAddToCart; "CompleteRegistration" and "sign_up" give EventSignup;
// "Lead" and "generate_lead" give EventLead; "ViewContent" (Meta) and
// "PageView" give EventPageVisit. Case, surrounding space, and the spaces,
// hyphens and underscores between words do not matter, except that one of
// Pinterest's own 22 names, written in any case with its underscores, is
// always itself (so "view_content" is EventViewContent, while Meta's
// "ViewContent" is EventPageVisit, the Pinterest event for a product page
// view). EventNameAliases lists every spelling recognized.
//
// It reports false for a name it does not know (an empty string too); use
// EventName(s) directly to send a name newer than this SDK.
func ParseEventName(s string) (EventName, bool) {
	s = strings.TrimSpace(s)
	if n := EventName(strings.ToLower(s)); n.Known() {
		return n, true
	}
	n, ok := eventAliases[foldName(s)]
	return n, ok
}

// ParseActionSource maps an action source as files and other platforms write
// it to Pinterest's: "web" and "website" give SourceWeb; "app_android" and
// "android" give SourceAppAndroid; "app_ios" and "ios" give SourceAppIOS;
// "offline", Meta's "physical_store" and "phone_call", "in_store", "store",
// "retail" and "pos" give SourceOffline. Case, space, hyphens and underscores
// do not matter. It reports false for anything else, including Meta's "app"
// (Android or iOS cannot be told) and "email" or "other".
func ParseActionSource(s string) (ActionSource, bool) {
	src, ok := sourceAliases[foldName(s)]
	return src, ok
}

// EventNameAliases returns every spelling ParseEventName recognizes besides
// Pinterest's own names written with their underscores, folded as
// ParseEventName compares them (lowercase, without spaces, hyphens or
// underscores), with the name it maps to. The map is a copy.
func EventNameAliases() map[string]EventName {
	m := make(map[string]EventName, len(eventAliases))
	for k, v := range eventAliases {
		m[k] = v
	}
	return m
}

// ActionSourceAliases returns every spelling ParseActionSource recognizes,
// folded as it compares them, with the source it maps to. The map is a copy.
func ActionSourceAliases() map[string]ActionSource {
	m := make(map[string]ActionSource, len(sourceAliases))
	for k, v := range sourceAliases {
		m[k] = v
	}
	return m
}

// foldName lowercases ASCII letters and drops everything that is not a letter
// or a digit, so "Add To-Cart" and "add_to_cart" both fold to "addtocart".
func foldName(s string) string {
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 0x80:
			return "" // no alias has non-ASCII letters
		}
	}
	return string(b)
}

// eventAliases maps folded spellings to Pinterest's event names: Pinterest's
// own names without underscores (as the Pinterest Tag writes them, e.g.
// "pagevisit"), Ads Manager's upload values, and the standard events of Meta,
// Google Analytics 4 and TikTok where Pinterest has a counterpart.
var eventAliases = func() map[string]EventName {
	m := make(map[string]EventName)
	for _, n := range EventNames() {
		m[foldName(string(n))] = n
	}
	for n, aliases := range map[EventName][]string{
		EventCheckout: {"purchase", "purchased", "order", "ordercompleted", "orderplaced",
			"sale", "completepayment", "placeanorder", "transaction", "offlinepurchase"},
		EventAddToCart:         {"addtobasket", "addtobag"},
		EventAddToWishlist:     {"wishlist"},
		EventAddPaymentInfo:    {"paymentinfo"},
		EventInitiateCheckout:  {"begincheckout", "checkoutstarted", "startcheckout"},
		EventSignup:            {"completeregistration", "registration", "register", "signedup"},
		EventLead:              {"generatelead", "submitform", "leadsubmitted"},
		EventPageVisit:         {"viewcontent", "pageview", "viewitem", "productviewed", "viewproduct"},
		EventViewCategory:      {"viewitemlist", "productlistviewed"},
		EventSearch:            {"searched", "productssearched"},
		EventWatchVideo:        {"videoview", "videoplay"},
		EventSubscribe:         {"subscription"},
		EventStartTrial:        {"trialstarted", "freetrial"},
		EventSubmitApplication: {"applicationsubmitted"},
		EventContact:           {"contactus"},
		EventSchedule:          {"booking", "appointment"},
		EventFindLocation:      {"storelocator"},
		EventCustomizeProduct:  {"productcustomized"},
		EventAppInstall:        {"install", "mobileappinstall"},
		EventAppOpen:           {"appactivate", "activateapp", "applaunch"},
		EventCustom:            {"other"},
	} {
		for _, a := range aliases {
			m[a] = n
		}
	}
	return m
}()

// sourceAliases maps folded spellings to Pinterest's action sources.
var sourceAliases = map[string]ActionSource{
	"web": SourceWeb, "website": SourceWeb, "online": SourceWeb, "browser": SourceWeb,
	"appandroid": SourceAppAndroid, "android": SourceAppAndroid, "androidapp": SourceAppAndroid,
	"appios": SourceAppIOS, "ios": SourceAppIOS, "iosapp": SourceAppIOS, "iphone": SourceAppIOS,
	"offline": SourceOffline, "physicalstore": SourceOffline, "instore": SourceOffline,
	"store": SourceOffline, "retail": SourceOffline, "pos": SourceOffline, "pointofsale": SourceOffline,
	"phonecall": SourceOffline, "callcenter": SourceOffline, "phone": SourceOffline,
}
