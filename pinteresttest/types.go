package pinteresttest

import (
	"net/http"
	"slices"
	"time"
)

// Event is one conversion event as the server received it: an item of the
// request's "data" array, decoded. The JSON tags are the wire names, so an
// Event can also be marshaled to build a request body in a test.
type Event struct {
	EventName      string `json:"event_name"`
	ActionSource   string `json:"action_source"`
	EventTime      int64  `json:"event_time"`
	EventID        string `json:"event_id"`
	EventSourceURL string `json:"event_source_url,omitempty"`
	OptOut         *bool  `json:"opt_out,omitempty"`
	PartnerName    string `json:"partner_name,omitempty"`
	AppID          string `json:"app_id,omitempty"`
	AppName        string `json:"app_name,omitempty"`
	AppVersion     string `json:"app_version,omitempty"`
	DeviceBrand    string `json:"device_brand,omitempty"`
	DeviceCarrier  string `json:"device_carrier,omitempty"`
	DeviceModel    string `json:"device_model,omitempty"`
	DeviceType     string `json:"device_type,omitempty"`
	OSVersion      string `json:"os_version,omitempty"`
	Language       string `json:"language,omitempty"`
	Wifi           *bool  `json:"wifi,omitempty"`
	// AdvertiserTrackingEnabled is not in the OpenAPI description, but the
	// live API accepts it (a boolean at the top level, for app events).
	AdvertiserTrackingEnabled *bool `json:"advertiser_tracking_enabled,omitempty"`

	UserData   UserData    `json:"user_data"`
	CustomData *CustomData `json:"custom_data,omitempty"`
	AppInfo    *AppInfo    `json:"app_info,omitempty"`
	DeviceInfo *DeviceInfo `json:"device_info,omitempty"`
}

// UserData is the user_data object of an event. The slice fields hold SHA-256
// hashes (64 lowercase hex characters each); the string fields are sent in
// clear.
//
// The server is stricter than the OpenAPI description here: the spec does not
// set additionalProperties to false on user_data, but the server rejects
// unknown keys in user_data like it does everywhere else, because an unknown
// key there is almost always a typo that silently loses matching data.
type UserData struct {
	Em          []string `json:"em,omitempty"`
	Ph          []string `json:"ph,omitempty"`
	Ge          []string `json:"ge,omitempty"`
	Db          []string `json:"db,omitempty"`
	Ln          []string `json:"ln,omitempty"`
	Fn          []string `json:"fn,omitempty"`
	Ct          []string `json:"ct,omitempty"`
	St          []string `json:"st,omitempty"`
	Zp          []string `json:"zp,omitempty"`
	Country     []string `json:"country,omitempty"`
	ExternalID  []string `json:"external_id,omitempty"`
	HashedMaids []string `json:"hashed_maids,omitempty"`

	ClientIPAddress string `json:"client_ip_address,omitempty"`
	ClientUserAgent string `json:"client_user_agent,omitempty"`
	ClickID         string `json:"click_id,omitempty"`
	PartnerID       string `json:"partner_id,omitempty"`
}

// CustomData is the custom_data object of an event. Money values (Value,
// PredictedLTV and Content.ItemPrice) are decimal numbers in strings, as on
// the wire.
type CustomData struct {
	Currency                    string    `json:"currency,omitempty"`
	Value                       string    `json:"value,omitempty"`
	ContentIDs                  []string  `json:"content_ids,omitempty"`
	ContentName                 string    `json:"content_name,omitempty"`
	ContentCategory             string    `json:"content_category,omitempty"`
	ContentBrand                string    `json:"content_brand,omitempty"`
	Contents                    []Content `json:"contents,omitempty"`
	NumItems                    *int64    `json:"num_items,omitempty"`
	OrderID                     string    `json:"order_id,omitempty"`
	SearchString                string    `json:"search_string,omitempty"`
	OptOutType                  string    `json:"opt_out_type,omitempty"`
	NP                          string    `json:"np,omitempty"`
	PredictedLTV                string    `json:"predicted_ltv,omitempty"`
	ExternalMeasurementID       string    `json:"external_measurement_id,omitempty"`
	ExternalMeasurementVendorID *int64    `json:"external_measurement_vendor_id,omitempty"`
}

// Content is one item of custom_data.contents. ItemBrandID was added in API
// 5.28 and is accepted although the 5.23 OpenAPI description lacks it.
type Content struct {
	ID           string `json:"id,omitempty"`
	ItemPrice    string `json:"item_price,omitempty"`
	Quantity     *int64 `json:"quantity,omitempty"`
	ItemName     string `json:"item_name,omitempty"`
	ItemCategory string `json:"item_category,omitempty"`
	ItemBrand    string `json:"item_brand,omitempty"`
	ItemBrandID  string `json:"item_brand_id,omitempty"`
}

// AppInfo is the app_info object of an event (ConversionEventAppInfo).
type AppInfo struct {
	AppID          string `json:"app_id,omitempty"`
	AppName        string `json:"app_name,omitempty"`
	AppPackageName string `json:"app_package_name,omitempty"`
	AppStore       string `json:"app_store,omitempty"`
	AppVersion     string `json:"app_version,omitempty"`
	InstallTime    *int64 `json:"install_time,omitempty"`
	UserAgent      string `json:"user_agent,omitempty"`
	WindowHeight   *int64 `json:"window_height,omitempty"`
	WindowWidth    *int64 `json:"window_width,omitempty"`
}

// DeviceInfo is the device_info object of an event (ConversionEventDeviceInfo).
// FormFactor, NetworkType and OSFamily only accept the values of the spec's
// enums.
type DeviceInfo struct {
	BatteryLevel             *int64   `json:"battery_level,omitempty"`
	Brand                    string   `json:"brand,omitempty"`
	Carrier                  string   `json:"carrier,omitempty"`
	CPUCores                 *int64   `json:"cpu_cores,omitempty"`
	ExternalStorageFreeSpace *int64   `json:"external_storage_free_space,omitempty"`
	ExternalStorageSize      *int64   `json:"external_storage_size,omitempty"`
	FormFactor               string   `json:"form_factor,omitempty"`
	KernelVersion            string   `json:"kernel_version,omitempty"`
	Languages                []string `json:"languages,omitempty"`
	Locale                   string   `json:"locale,omitempty"`
	Model                    string   `json:"model,omitempty"`
	NetworkType              string   `json:"network_type,omitempty"`
	OSFamily                 string   `json:"os_family,omitempty"`
	OSName                   string   `json:"os_name,omitempty"`
	OSReleaseName            string   `json:"os_release_name,omitempty"`
	OSVersion                string   `json:"os_version,omitempty"`
	ScreenDensity            *int64   `json:"screen_density,omitempty"`
	ScreenHeight             *int64   `json:"screen_height,omitempty"`
	ScreenWidth              *int64   `json:"screen_width,omitempty"`
	StorageFreeSpace         *int64   `json:"storage_free_space,omitempty"`
	StorageSize              *int64   `json:"storage_size,omitempty"`
	Timezone                 string   `json:"timezone,omitempty"`
	TimezoneAbbr             string   `json:"timezone_abbr,omitempty"`
	Type                     string   `json:"type,omitempty"`
}

// Request is what the server saw of one HTTP request and how it answered.
// The bearer token is never stored: Header has no Authorization entry, and
// Authorized only says whether the token was accepted.
type Request struct {
	Method      string      // HTTP method
	Path        string      // URL path, e.g. "/v5/ad_accounts/549755885175/events"
	RawQuery    string      // URL query without '?', e.g. "test=true"
	AdAccountID string      // the {ad_account_id} path segment, "" if the path did not match
	Test        bool        // the query had test=true (or TRUE, or 1)
	ContentType string      // Content-Type header
	UserAgent   string      // User-Agent header
	Header      http.Header // request headers without Authorization
	Authorized  bool        // a bearer token was present and accepted
	Body        []byte      // raw request body
	Time        time.Time   // arrival time, by the server's clock (see WithClock)

	// Status is the HTTP status the server answered with (or started to
	// answer with, for a Truncate fault). It is 0 while the request is being
	// handled, and when no answer was sent: a Drop fault, or a client that
	// gave up during a Delay.
	Status int
	// Message is the "message" of an error answer, "" for a 200 answer.
	Message string
	// NumEvents is the number of items of "data" when the body passed
	// request-level validation, 0 otherwise.
	NumEvents int
	// NumProcessed is the number of events answered with status "processed".
	NumProcessed int
	// Results holds the per-event items of the server's answer, in request
	// order, when the request passed request-level validation (200 and the
	// 422 of WithPartialFailureStatus, also under a fault with Process); nil
	// otherwise, and nil when a fault replaced the answer without Process.
	Results []EventResult
	// Fault is a copy of the fault applied to this request, nil if none.
	Fault *Fault
}

// EventResult is one item of the "events" array of the server's answer.
type EventResult struct {
	Status         string // "processed" or "failed"
	ErrorMessage   string // why the event failed, "" when processed
	WarningMessage string // "" when there is nothing to say
}

// Fault describes one abnormal answer; see Server.Enqueue. The zero Fault
// answers normally, and so does a Fault that only sets Delay or RetryAfter
// (after the delay, with the header). A Fault that replaces the answer (Drop,
// Body, Truncate, or a Status other than 200) does not process the request
// unless Process is set: nothing is validated and no event is recorded (the
// Request itself is), and the answer is made from the fault alone.
type Fault struct {
	// Status answers with this HTTP status and an Error body
	// {"code":...,"message":...}, with Pinterest's code and message for the
	// status (400 4196, 401 2, 403 29, 429 8 and 503 4197 as the spec's
	// examples give them; 404 404, 405 5, 422 422 with an empty "details"
	// object, 500 500, 502 502, 504 504 and any other status as itself are
	// guesses, since the spec documents no code for them). 0 and 200 mean the
	// normal answer.
	Status int
	// Code overrides the "code" of the Error body made for Status.
	Code int
	// Message overrides the "message" of the Error body made for Status.
	Message string
	// RetryAfter, when not empty, is sent verbatim as the Retry-After header
	// (e.g. "2", an HTTP date, or garbage), with whatever answer is sent.
	RetryAfter string
	// Delay waits this long before answering. The wait stops early, without
	// an answer, when the request's context ends (the client gave up) or the
	// server is closed. A Fault with only Delay (and RetryAfter) set models
	// latency: the request is then handled normally after the wait.
	Delay time.Duration
	// Drop hijacks the connection and closes it without any answer, so the
	// client sees EOF or a reset connection.
	Drop bool
	// Body sends this raw body instead of a JSON answer (e.g. an HTML error
	// page or malformed JSON), with Status (default 200). The Content-Type is
	// application/json when Body starts with '{' (after white space),
	// text/html otherwise.
	Body string
	// Truncate sends a well-formed JSON answer but cuts it in the middle: the
	// full Content-Length is declared, half of the body is written, and the
	// connection is closed. The answer cut is the Error body of Status, or,
	// when Status is 0 or 200, the answer the request would normally get
	// (recorded only with Process).
	Truncate bool
	// Process handles the request normally (validates it, records its
	// events) before the fault is applied to the answer. It models
	// "Pinterest recorded the events, the client never saw the answer".
	Process bool
}

// statusOverride reports whether f replaces the answer with an Error body.
func (f *Fault) statusOverride() bool {
	return f.Status != 0 && f.Status != http.StatusOK
}

// clone returns a deep copy of e.
func (e Event) clone() Event {
	e.OptOut = clonePtr(e.OptOut)
	e.Wifi = clonePtr(e.Wifi)
	e.AdvertiserTrackingEnabled = clonePtr(e.AdvertiserTrackingEnabled)
	e.UserData = e.UserData.clone()
	if e.CustomData != nil {
		c := e.CustomData.clone()
		e.CustomData = &c
	}
	if e.AppInfo != nil {
		a := *e.AppInfo
		a.InstallTime = clonePtr(a.InstallTime)
		a.WindowHeight = clonePtr(a.WindowHeight)
		a.WindowWidth = clonePtr(a.WindowWidth)
		e.AppInfo = &a
	}
	if e.DeviceInfo != nil {
		d := *e.DeviceInfo
		for _, p := range []**int64{&d.BatteryLevel, &d.CPUCores, &d.ExternalStorageFreeSpace,
			&d.ExternalStorageSize, &d.ScreenDensity, &d.ScreenHeight, &d.ScreenWidth,
			&d.StorageFreeSpace, &d.StorageSize} {
			*p = clonePtr(*p)
		}
		d.Languages = slices.Clone(d.Languages)
		e.DeviceInfo = &d
	}
	return e
}

func (u UserData) clone() UserData {
	for _, p := range []*[]string{&u.Em, &u.Ph, &u.Ge, &u.Db, &u.Ln, &u.Fn, &u.Ct,
		&u.St, &u.Zp, &u.Country, &u.ExternalID, &u.HashedMaids} {
		*p = slices.Clone(*p)
	}
	return u
}

func (c CustomData) clone() CustomData {
	c.ContentIDs = slices.Clone(c.ContentIDs)
	c.NumItems = clonePtr(c.NumItems)
	c.ExternalMeasurementVendorID = clonePtr(c.ExternalMeasurementVendorID)
	if c.Contents != nil {
		contents := make([]Content, len(c.Contents))
		for i, it := range c.Contents {
			it.Quantity = clonePtr(it.Quantity)
			contents[i] = it
		}
		c.Contents = contents
	}
	return c
}

func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	r.Body = slices.Clone(r.Body)
	r.Results = slices.Clone(r.Results)
	if r.Fault != nil {
		f := *r.Fault
		r.Fault = &f
	}
	return r
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
