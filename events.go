package pinterest

import (
	"strconv"
	"strings"
	"time"
)

// EventName is the type of a conversion event (event_name). The constants are
// the 22 names of API 5.28. A name newer than this SDK can be used as
// EventName("new_name"): it is checked only for its form (lowercase letters,
// digits and underscores) and sent, and Pinterest's verdict is reported.
type EventName string

// The event names of API 5.28.
const (
	EventAddPaymentInfo    EventName = "add_payment_info"
	EventAddToCart         EventName = "add_to_cart"
	EventAddToWishlist     EventName = "add_to_wishlist"
	EventAppInstall        EventName = "app_install"
	EventAppOpen           EventName = "app_open"
	EventCheckout          EventName = "checkout"
	EventContact           EventName = "contact"
	EventCustom            EventName = "custom"
	EventCustomizeProduct  EventName = "customize_product"
	EventFindLocation      EventName = "find_location"
	EventInitiateCheckout  EventName = "initiate_checkout"
	EventLead              EventName = "lead"
	EventPageVisit         EventName = "page_visit"
	EventSchedule          EventName = "schedule"
	EventSearch            EventName = "search"
	EventSignup            EventName = "signup"
	EventStartTrial        EventName = "start_trial"
	EventSubmitApplication EventName = "submit_application"
	EventSubscribe         EventName = "subscribe"
	EventViewCategory      EventName = "view_category"
	EventViewContent       EventName = "view_content"
	EventWatchVideo        EventName = "watch_video"
)

// EventNames returns the 22 event names this SDK knows, in alphabetical order.
func EventNames() []EventName {
	return []EventName{
		EventAddPaymentInfo, EventAddToCart, EventAddToWishlist, EventAppInstall,
		EventAppOpen, EventCheckout, EventContact, EventCustom, EventCustomizeProduct,
		EventFindLocation, EventInitiateCheckout, EventLead, EventPageVisit,
		EventSchedule, EventSearch, EventSignup, EventStartTrial,
		EventSubmitApplication, EventSubscribe, EventViewCategory, EventViewContent,
		EventWatchVideo,
	}
}

// Known reports whether n is one of the 22 names of API 5.28.
func (n EventName) Known() bool {
	for _, k := range EventNames() {
		if n == k {
			return true
		}
	}
	return false
}

// wellFormed reports whether n looks like an event name: 1 to 64 lowercase
// ASCII letters, digits and underscores, starting with a letter.
func (n EventName) wellFormed() bool {
	if len(n) == 0 || len(n) > 64 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ActionSource is where the conversion happened (action_source).
type ActionSource string

// The four action sources Pinterest accepts.
const (
	SourceWeb        ActionSource = "web"
	SourceAppAndroid ActionSource = "app_android"
	SourceAppIOS     ActionSource = "app_ios"
	SourceOffline    ActionSource = "offline"
)

func (s ActionSource) valid() bool {
	switch s {
	case SourceWeb, SourceAppAndroid, SourceAppIOS, SourceOffline:
		return true
	}
	return false
}

// Limits checked locally, so that one bad event fails alone instead of making
// Pinterest reject its whole request.
const (
	// MaxContents is the most content items (and content ids) an event may carry.
	MaxContents = 1000
	// MaxEventAge is the oldest an event may be: Pinterest answers 422 to a
	// request holding an older event, failing all of its events, so an older
	// event fails locally with a *FieldError on event_time and the others
	// are sent. Older conversions (up to 30 days) go through Ads Manager's
	// conversion upload instead.
	MaxEventAge = 7 * 24 * time.Hour
	// RealTimeWindow is how soon after it happened a web or app event must
	// reach Pinterest to be reported as a web or app event; Pinterest reports
	// later ones as offline. Send warns on the result of a web or app event
	// older than this, and a Batcher logs when its own queue and retries made
	// events this late.
	RealTimeWindow = time.Hour
	// MaxClockSkew is how far in the future an event time may lie; later times
	// fail locally.
	MaxClockSkew = time.Hour
)

// CustomData is the custom_data of an event: what was bought, for how much.
// Every field is optional; zero values are left out of the request.
//
// custom_data is sent to Pinterest as it is given: neither normalized nor
// hashed. Keep personal data out of it (an e-mail as order id, a customer's
// name in a search string); it belongs in UserData, which hashes it. Send
// warns, on the event's result and naming the field (never the value), when
// a text of custom_data looks like it holds an e-mail address. Money
// values are decimal strings, as Pinterest parses them as doubles: build them
// with FormatMinorUnits or FormatAmount rather than fmt, to avoid float
// surprises such as "0.30000000000000004".
type CustomData struct {
	// Currency is the ISO 4217 code, e.g. "USD"; Custom trims and upper-cases
	// it, an unknown code gets a warning on the event's result, and without
	// it Pinterest takes the ad account's currency. See FormatMinor.
	Currency        string
	Value           string    // total value, a non-negative decimal number such as "72.39"
	ContentIDs      []string  // product ids
	Contents        []Content // products with price and quantity (at most MaxContents)
	NumItems        int64     // total number of items
	OrderID         string    // order id; helps Pinterest de-duplicate
	SearchString    string    // the search query, for search events
	ContentName     string    // name of the page or product
	ContentCategory string    // category of the content
	ContentBrand    string    // brand of the content
	// OptOutType flags privacy-law opt-outs, comma-separated; "LDP" asks for
	// Limited Data Processing (see OptOutLDP).
	OptOutType   string
	PredictedLTV string // predicted lifetime value of the user, a decimal number
	// NP is the named partner. Pinterest reserves it for internal use: do not set
	// it unless Pinterest told you to.
	NP string
	// ExternalMeasurementID and ExternalMeasurementVendorID are to be used only
	// when Pinterest instructs so.
	ExternalMeasurementID       string
	ExternalMeasurementVendorID int64
}

// OptOutLDP is the CustomData.OptOutType value that asks Pinterest for Limited
// Data Processing of the event (US state privacy laws).
const OptOutLDP = "LDP"

// Content is one product of CustomData.Contents.
type Content struct {
	ID           string // product id
	ItemPrice    string // unit price before discounts, a non-negative decimal number
	Quantity     int64  // how many
	ItemName     string // product name
	ItemCategory string // product category
	ItemBrand    string // product brand
	// ItemBrandID is the brand id of the product, at most 64 characters. It
	// was added in API 5.28; leave it empty for servers of older versions,
	// which reject unknown fields.
	ItemBrandID string
}

// AppInfo is the app_info object (API 5.16 and later): the app that sent the
// event. Zero values are left out.
type AppInfo struct {
	AppID          string    // id in the app store, at most 200 bytes
	AppName        string    // at most 200 bytes
	AppPackageName string    // e.g. "com.company.app", at most 200 bytes
	AppStore       string    // e.g. "Google Play Store", at most 100 bytes
	AppVersion     string    // at most 100 bytes
	InstallTime    time.Time // when the app was installed
	UserAgent      string    // at most 16384 bytes
	WindowHeight   int       // viewport height, 0 to 30720
	WindowWidth    int       // viewport width, 0 to 30720
}

// DeviceInfo is the device_info object (API 5.16 and later): the user's
// device. Zero values are left out; the enumerations have constants.
type DeviceInfo struct {
	BatteryLevel             int      // percent, 0 to 100
	Brand                    string   // at most 100 bytes
	Carrier                  string   // at most 100 bytes
	CPUCores                 int      // 0 to 1152
	ExternalStorageFreeSpace int      // GB, 0 to 1048576
	ExternalStorageSize      int      // GB, 0 to 1048576
	FormFactor               string   // one of the FormFactor constants
	KernelVersion            string   // at most 100 bytes
	Languages                []string // 2-letter ISO 639-1 codes ("en"), at most 100
	Locale                   string   // BCP 47, at most 35 bytes
	Model                    string   // at most 100 bytes
	NetworkType              string   // one of the Network constants
	OSFamily                 string   // one of the OS constants
	OSName                   string   // at most 100 bytes
	OSReleaseName            string   // at most 100 bytes
	OSVersion                string   // at most 100 bytes
	ScreenDensity            int      // PPI, 0 to 100000
	ScreenHeight             int      // pixels, 0 to 30720
	ScreenWidth              int      // pixels, 0 to 30720
	StorageFreeSpace         int      // GB, 0 to 1048576
	StorageSize              int      // GB, 0 to 1048576
	Timezone                 string   // at most 40 bytes
	TimezoneAbbr             string   // at most 5 bytes
	Type                     string   // at most 100 bytes
}

// Values of DeviceInfo.FormFactor.
const (
	FormFactorDesktop    = "desktop"
	FormFactorLaptop     = "laptop"
	FormFactorCellphone  = "cellphone"
	FormFactorTablet     = "tablet"
	FormFactorSmartwatch = "smartwatch"
	FormFactorTV         = "tv"
	FormFactorVR         = "vr"
	FormFactorConsole    = "console"
	FormFactorOther      = "other"
)

// Values of DeviceInfo.NetworkType.
const (
	NetworkWifi       = "wifi"
	NetworkCellular2G = "cellular_2g"
	NetworkCellular3G = "cellular_3g"
	NetworkCellular4G = "cellular_4g"
	NetworkCellular5G = "cellular_5g"
	NetworkCellular6G = "cellular_6g"
	NetworkEthernet   = "ethernet"
	NetworkUnknown    = "unknown"
)

// Values of DeviceInfo.OSFamily.
const (
	OSIOS     = "ios"
	OSAndroid = "android"
	OSMacOS   = "macos"
	OSWindows = "windows"
	OSLinux   = "linux"
	OSBSD     = "bsd"
	OSOther   = "other"
)

// Event is one conversion event. Build it with NewEvent and the chainable
// setters, then hand it to Client.Send or Batcher.Add. Setters never fail:
// problems are collected and the event fails locally when sent, with an error
// naming the field, while the other events of the call are still sent.
//
// An Event must not be modified while it is being sent; it may be sent again
// afterwards (Pinterest de-duplicates by event id), or reused for another
// event with Reset (see EventBuffer).
//
// Setters are short builder verbs that return the event (ID, At, User,
// Custom...); getters are named after the wire field they read (EventID for
// event_id, EventName, ActionSource, EventTime, UserData for user_data).
type Event struct {
	name        EventName
	source      ActionSource
	id          string
	time        int64 // Unix seconds
	url         string
	user        *UserData
	custom      CustomData // kept inline: one allocation less per event
	hasCustom   bool
	optOut      int8 // 0 unset, 1 false, 2 true
	partnerName string
	language    string
	legacy      *legacyFields // allocated by the first legacy setter: most events have none
	wifi        int8          // 0 unset, 1 false, 2 true
	advTracking int8          // advertiser_tracking_enabled: 0 unset, 1 false, 2 true
	appInfo     *AppInfo
	deviceInfo  *DeviceInfo
	contents    []Content // memory of AddContents, kept by Reset (reuse.go)
	held        int32     // Sends and Batchers holding the event, atomic (reuse.go)
}

// legacyFields are the top-level app and device fields that predate app_info
// and device_info.
type legacyFields struct {
	appID, appName, appVersion                   string
	devBrand, devCarrier, devModel, devType, osV string
}

// leg returns the legacy fields, allocating them on first use.
func (e *Event) leg() *legacyFields {
	if e.legacy == nil {
		e.legacy = new(legacyFields)
	}
	return e.legacy
}

// NewEvent starts an event of the given name and action source, happening now.
// Set its id with ID: Pinterest requires one, and uses it to de-duplicate
// against the Pinterest Tag, so it must be the same id the Tag sent.
func NewEvent(name EventName, source ActionSource) *Event {
	return &Event{name: name, source: source, time: time.Now().Unix()}
}

// ID sets the event id (event_id), which Pinterest requires and de-duplicates on.
func (e *Event) ID(id string) *Event { e.id = id; return e }

// At sets when the event happened (event_time, sent in Unix seconds).
func (e *Event) At(t time.Time) *Event { e.time = t.Unix(); return e }

// URL sets the page where a web event happened (event_source_url). It is sent
// as it is given, query included: strip personal data from it (a
// ?email=... parameter, say) before. Send warns, on the event's result, when
// its query looks like it holds an e-mail address.
func (e *Event) URL(u string) *Event { e.url = u; return e }

// User sets who converted (user_data). It is required.
func (e *Event) User(u *UserData) *Event { e.user = u; return e }

// Custom sets the custom data (custom_data). The struct is copied, with
// its Currency trimmed and upper-cased ("usd" is sent as "USD").
func (e *Event) Custom(c CustomData) *Event {
	c.Currency = normalizeCurrency(c.Currency)
	e.custom, e.hasCustom = c, true
	return e
}

// OptOut tells whether the user opted out of tracking (opt_out). For web and
// offline events it is the user's opt-out of web conversion tracking; for app
// events, whether Limit Ad Tracking (iOS) or the Ads Personalization opt-out
// (Android) is on.
func (e *Event) OptOut(optedOut bool) *Event { e.optOut = tristate(optedOut); return e }

// AdvertiserTrackingEnabled tells, for an app event, whether the user allows
// the advertiser to track them (advertiser_tracking_enabled): on iOS, the
// App Tracking Transparency answer. The field is not in Pinterest's OpenAPI
// description, but the live API accepts it at the top level of the event.
func (e *Event) AdvertiserTrackingEnabled(enabled bool) *Event {
	e.advTracking = tristate(enabled)
	return e
}

// PartnerName names the third party sending for the advertiser (partner_name),
// by Pinterest's convention "ss-partnername", lowercase.
func (e *Event) PartnerName(name string) *Event { e.partnerName = name; return e }

// Language sets the user's language as a two-letter ISO 639-1 code (language).
func (e *Event) Language(code string) *Event { e.language = code; return e }

// App sets the app_info object.
func (e *Event) App(info AppInfo) *Event { e.appInfo = &info; return e }

// Device sets the device_info object.
func (e *Event) Device(info DeviceInfo) *Event { e.deviceInfo = &info; return e }

// AppID sets the legacy top-level app_id: the app store id of the app.
//
// Deprecated: use App(AppInfo{AppID: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) AppID(id string) *Event { e.leg().appID = id; return e }

// AppName sets the legacy top-level app_name.
//
// Deprecated: use App(AppInfo{AppName: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) AppName(name string) *Event { e.leg().appName = name; return e }

// AppVersion sets the legacy top-level app_version.
//
// Deprecated: use App(AppInfo{AppVersion: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) AppVersion(v string) *Event { e.leg().appVersion = v; return e }

// DeviceBrand sets the legacy top-level device_brand, e.g. "Apple".
//
// Deprecated: use Device(DeviceInfo{Brand: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) DeviceBrand(b string) *Event { e.leg().devBrand = b; return e }

// DeviceCarrier sets the legacy top-level device_carrier, e.g. "T-Mobile".
//
// Deprecated: use Device(DeviceInfo{Carrier: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) DeviceCarrier(c string) *Event { e.leg().devCarrier = c; return e }

// DeviceModel sets the legacy top-level device_model, e.g. "iPhone X".
//
// Deprecated: use Device(DeviceInfo{Model: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) DeviceModel(m string) *Event { e.leg().devModel = m; return e }

// DeviceType sets the legacy top-level device_type, e.g. "iPhone".
//
// Deprecated: use Device(DeviceInfo{Type: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) DeviceType(t string) *Event { e.leg().devType = t; return e }

// OSVersion sets the legacy top-level os_version, e.g. "12.1.4".
//
// Deprecated: use Device(DeviceInfo{OSVersion: ...}); app_info and device_info (API 5.16)
// supersede the top-level fields. The field is still sent when set.
func (e *Event) OSVersion(v string) *Event { e.leg().osV = v; return e }

// Wifi tells whether the device was on wifi (wifi).
func (e *Event) Wifi(on bool) *Event { e.wifi = tristate(on); return e }

func tristate(b bool) int8 {
	if b {
		return 2
	}
	return 1
}

// EventID returns the event id (event_id).
func (e *Event) EventID() string { return e.id }

// EventName returns the event name (event_name).
func (e *Event) EventName() EventName { return e.name }

// ActionSource returns the action source (action_source).
func (e *Event) ActionSource() ActionSource { return e.source }

// EventTime returns when the event happened (event_time), to the second.
func (e *Event) EventTime() time.Time { return time.Unix(e.time, 0) }

// customData returns the custom data, or nil if none was set.
func (e *Event) customData() *CustomData {
	if !e.hasCustom {
		return nil
	}
	return &e.custom
}

// UserData returns the event's user data (user_data), nil if none was set.
func (e *Event) UserData() *UserData { return e.user }

// String describes the event without personal data: name, source, id and the
// user data's field counts.
func (e *Event) String() string {
	if e == nil {
		return "pinterest.Event(nil)"
	}
	user := "no user_data"
	if e.user != nil {
		user = e.user.String()
	}
	return "pinterest.Event{" + string(e.name) + " " + string(e.source) + " id=" + strconv.Quote(e.id) + " " + user + "}"
}

// FormatMinorUnits formats an amount given in minor units (cents) as the
// decimal string Pinterest expects, exactly: FormatMinorUnits(7239, 2) is
// "72.39", FormatMinorUnits(5, 2) is "0.05", FormatMinorUnits(1500, 0) is
// "1500". decimals is the currency's exponent (2 for USD and EUR, 0 for JPY, 3
// for KWD); values outside 0 to 18 are clamped.
func FormatMinorUnits(amount int64, decimals int) string {
	decimals = max(0, min(decimals, 18))
	neg := amount < 0
	u := uint64(amount)
	if neg {
		u = -u
	}
	digits := strconv.FormatUint(u, 10)
	if decimals > 0 {
		if len(digits) <= decimals {
			digits = strings.Repeat("0", decimals-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-decimals] + "." + digits[len(digits)-decimals:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// FormatAmount formats a floating-point amount rounded to decimals places
// (clamped to 0 to 18) without trailing zeros: FormatAmount(72.39, 2) is
// "72.39", FormatAmount(0.1+0.2, 2) is "0.3", FormatAmount(19.999, 2) is "20".
// Prefer FormatMinorUnits when the amount is already in integer minor units.
func FormatAmount(v float64, decimals int) string {
	decimals = max(0, min(decimals, 18))
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// MarshalJSON returns the event exactly as it is sent in a request: only the
