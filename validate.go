package pinterest

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// eventErr makes a *FieldError for an event field.
func eventErr(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// validate checks an event locally, as Pinterest's schema and rules would, and
// returns the first problem, or nil. now is the current time. warnings gets
// notes that do not fail the event.
func (e *Event) validate(now time.Time) (warnings []string, err error) {
	if e == nil {
		return nil, eventErr("event", "nil event")
	}
	switch {
	case e.name == "":
		return nil, eventErr("event_name", "missing")
	case !e.name.wellFormed():
		return nil, eventErr("event_name", "not lowercase letters, digits and underscores, at most 64"+eventNameHint(e.name))
	case e.source == "":
		return nil, eventErr("action_source", "missing")
	case !e.source.valid():
		return nil, eventErr("action_source", "not web, app_android, app_ios or offline")
	case strings.TrimSpace(e.id) == "":
		return nil, eventErr("event_id", "missing: Pinterest needs it to de-duplicate; give the id the Pinterest Tag sent, "+
			"or, for events only the server sees, custom_data.order_id with WithDerivedEventIDs")
	case !validText(e.id, MaxValueLength):
		return nil, eventErr("event_id", "not valid UTF-8 text of at most 1024 bytes")
	case e.time <= 0:
		return nil, eventErr("event_time", "missing or before 1970")
	case e.time > now.Add(MaxClockSkew).Unix():
		return nil, eventErr("event_time", "more than an hour in the future: check the clock and the time zone of the time given to At")
	case e.time < now.Add(-MaxEventAge).Unix():
		return nil, eventErr("event_time", "older than 7 days: Pinterest would refuse the whole request holding it (422); upload it in Ads Manager instead (up to 30 days)")
	case e.user == nil:
		return nil, eventErr("user_data", "missing")
	case !e.user.MeetsMinimum():
		return nil, eventErr("user_data", "needs an e-mail, a mobile ad id, or the client IP address with the user agent")
	}
	if e.source != SourceOffline && e.time < now.Add(-RealTimeWindow).Unix() {
		warnings = append(warnings, "event_time: more than an hour ago; Pinterest reports a web or app event received this late as offline")
	}
	if !e.name.Known() {
		warnings = append(warnings, "event_name: not one of the 22 names of API 5.28; sent as given"+eventNameHint(e.name))
	}
	if err := checkLimits([]textLimit{
		{"event_source_url", e.url, maxText}, {"partner_name", e.partnerName, maxText}, {"language", e.language, maxText},
	}, nil); err != nil {
		return nil, err
	}
	if err := e.legacy.validate(); err != nil {
		return nil, err
	}
	if err := e.customData().validate(); err != nil {
		return nil, err
	}
	if w := currencyWarning(e.customData()); w != "" {
		warnings = append(warnings, w)
	}
	warnings = append(warnings, e.privacyWarnings()...) // privacy.go
	if err := e.appInfo.validate(); err != nil {
		return nil, err
	}
	if err := e.deviceInfo.validate(); err != nil {
		return nil, err
	}
	return warnings, nil
}

func (l *legacyFields) validate() error {
	if l == nil {
		return nil
	}
	return checkLimits([]textLimit{
		{"app_id", l.appID, maxText}, {"app_name", l.appName, maxText}, {"app_version", l.appVersion, maxText},
		{"device_brand", l.devBrand, maxText}, {"device_carrier", l.devCarrier, maxText},
		{"device_model", l.devModel, maxText}, {"device_type", l.devType, maxText}, {"os_version", l.osV, maxText},
	}, nil)
}

// validText reports whether s is valid UTF-8 of at most max bytes.
func validText(s string, max int) bool { return len(s) <= max && utf8.ValidString(s) }

// checkTextList checks that every value of field is valid UTF-8 of at most max bytes.
func checkTextList(field string, max int, values ...string) error {
	for _, v := range values {
		if !validText(v, max) {
			return eventErr(field, "not valid UTF-8 text of at most "+strconv.Itoa(max)+" bytes")
		}
	}
	return nil
}

// validDecimal reports whether s is a finite, non-negative decimal number.
func validDecimal(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
			return false // refuses "Inf", "NaN", hex floats and underscores
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f >= 0 && !math.IsInf(f, 0)
}

func (c *CustomData) validate() error {
	if c == nil {
		return nil
	}
	if c.Value != "" && !validDecimal(c.Value) {
		return eventErr("custom_data.value", "not a non-negative decimal number")
	}
	if c.PredictedLTV != "" && !validDecimal(c.PredictedLTV) {
		return eventErr("custom_data.predicted_ltv", "not a non-negative decimal number")
	}
	if c.NumItems < 0 {
		return eventErr("custom_data.num_items", "negative")
	}
	if c.ExternalMeasurementVendorID < 0 {
		return eventErr("custom_data.external_measurement_vendor_id", "negative")
	}
	if len(c.Contents) > MaxContents {
		return eventErr("custom_data.contents", "more than 1000 items")
	}
	if len(c.ContentIDs) > MaxContents {
		return eventErr("custom_data.content_ids", "more than 1000 items")
	}
	if c.Currency != "" && !isCurrency(c.Currency) {
		return eventErr("custom_data.currency", "not a 3-letter ISO 4217 code")
	}
	if err := checkLimits([]textLimit{
		{"custom_data.order_id", c.OrderID, maxText}, {"custom_data.search_string", c.SearchString, maxText},
		{"custom_data.content_name", c.ContentName, maxText}, {"custom_data.content_category", c.ContentCategory, maxText},
		{"custom_data.content_brand", c.ContentBrand, maxText}, {"custom_data.opt_out_type", c.OptOutType, maxText},
		{"custom_data.np", c.NP, maxText}, {"custom_data.external_measurement_id", c.ExternalMeasurementID, maxText},
	}, nil); err != nil {
		return err
	}
	if err := checkTextList("custom_data.content_ids", maxText, c.ContentIDs...); err != nil {
		return err
	}
	for i := range c.Contents {
		it := &c.Contents[i]
		if it.ItemPrice != "" && !validDecimal(it.ItemPrice) {
			return eventErr("custom_data.contents.item_price", "not a non-negative decimal number")
		}
		if it.Quantity < 0 {
			return eventErr("custom_data.contents.quantity", "negative")
		}
		if err := checkTextList("custom_data.contents", maxText, it.ID, it.ItemName, it.ItemCategory, it.ItemBrand, it.ItemBrandID); err != nil {
			return err
		}
		if utf8.RuneCountInString(it.ItemBrandID) > maxItemBrandID {
			return eventErr("custom_data.contents.item_brand_id", "longer than 64 characters")
		}
	}
	return nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

type textLimit struct {
	field string
	v     string
	max   int
}

type intRange struct {
	field    string
	v        int
	min, max int
}

// maxItemBrandID is the most characters of contents[].item_brand_id, the
// limit of the live API (api-reference.md 7.1).
const maxItemBrandID = 64

// twoLetters reports whether s is two ASCII letters, the form of an ISO 639-1
// language code.
func twoLetters(s string) bool {
	isLetter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	return len(s) == 2 && isLetter(s[0]) && isLetter(s[1])
}

// maxText is the longest value, in bytes, of the text fields whose maxLength
// Pinterest's schema does not give.
const maxText = 8192

// checkLimits checks each text against its maximum length and each integer
// against its range, and names the first field that is out of bounds.
func checkLimits(texts []textLimit, ints []intRange) error {
	for _, t := range texts {
		if err := checkTextList(t.field, t.max, t.v); err != nil {
			return err
		}
	}
	for _, n := range ints {
		if n.v < n.min || n.v > n.max {
			return eventErr(n.field, "out of range "+strconv.Itoa(n.min)+" to "+strconv.Itoa(n.max))
		}
	}
	return nil
}

func (a *AppInfo) validate() error {
	if a == nil {
		return nil
	}
	if !a.InstallTime.IsZero() && a.InstallTime.Unix() < 0 {
		return eventErr("app_info.install_time", "before 1970")
	}
	return checkLimits([]textLimit{
		{"app_info.app_id", a.AppID, 200}, {"app_info.app_name", a.AppName, 200},
		{"app_info.app_package_name", a.AppPackageName, 200}, {"app_info.app_store", a.AppStore, 100},
		{"app_info.app_version", a.AppVersion, 100}, {"app_info.user_agent", a.UserAgent, 16384},
	}, []intRange{
		{"app_info.window_height", a.WindowHeight, 0, 30720}, {"app_info.window_width", a.WindowWidth, 0, 30720},
	})
}

func (d *DeviceInfo) validate() error {
	if d == nil {
		return nil
	}
	if !oneOf(d.FormFactor, FormFactorDesktop, FormFactorLaptop, FormFactorCellphone, FormFactorTablet,
		FormFactorSmartwatch, FormFactorTV, FormFactorVR, FormFactorConsole, FormFactorOther) {
		return eventErr("device_info.form_factor", "not one of the FormFactor values")
	}
	if !oneOf(d.NetworkType, NetworkWifi, NetworkCellular2G, NetworkCellular3G, NetworkCellular4G,
		NetworkCellular5G, NetworkCellular6G, NetworkEthernet, NetworkUnknown) {
		return eventErr("device_info.network_type", "not one of the Network values")
	}
	if !oneOf(d.OSFamily, OSIOS, OSAndroid, OSMacOS, OSWindows, OSLinux, OSBSD, OSOther) {
		return eventErr("device_info.os_family", "not one of the OS values")
	}
	if len(d.Languages) > 100 {
		return eventErr("device_info.languages", "more than 100 items")
	}
	for _, l := range d.Languages {
		if !twoLetters(l) {
			return eventErr("device_info.languages", "each entry must be a 2-letter ISO 639-1 code such as \"en\"")
		}
	}
	const gb = 1048576
	return checkLimits([]textLimit{
		{"device_info.brand", d.Brand, 100}, {"device_info.carrier", d.Carrier, 100},
		{"device_info.kernel_version", d.KernelVersion, 100}, {"device_info.locale", d.Locale, 35},
		{"device_info.model", d.Model, 100}, {"device_info.os_name", d.OSName, 100},
		{"device_info.os_release_name", d.OSReleaseName, 100}, {"device_info.os_version", d.OSVersion, 100},
		{"device_info.timezone", d.Timezone, 40}, {"device_info.timezone_abbr", d.TimezoneAbbr, 5},
		{"device_info.type", d.Type, 100},
	}, []intRange{
		{"device_info.battery_level", d.BatteryLevel, 0, 100}, {"device_info.cpu_cores", d.CPUCores, 0, 1152},
		{"device_info.external_storage_free_space", d.ExternalStorageFreeSpace, 0, gb},
		{"device_info.external_storage_size", d.ExternalStorageSize, 0, gb},
		{"device_info.screen_density", d.ScreenDensity, 0, 100000},
		{"device_info.screen_height", d.ScreenHeight, 0, 30720}, {"device_info.screen_width", d.ScreenWidth, 0, 30720},
		{"device_info.storage_free_space", d.StorageFreeSpace, 0, gb}, {"device_info.storage_size", d.StorageSize, 0, gb},
	})
}

func oneOf(v string, allowed ...string) bool {
	if v == "" {
		return true
	}
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
