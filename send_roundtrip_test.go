package pinterest_test

// Tests of Client.Send against pinteresttest: a wide random set of events
// arrives exactly as built (the random data and its normalized form first).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// Raw personal data and its normalized form, as the normalizers document it.

type sendPair struct{ raw, norm string }

var (
	sendEmails = []sendPair{
		{" Jane.Doe@Example.com ", "jane.doe@example.com"},
		{"JOHN.SMITH+promo@GMAIL.COM", "john.smith+promo@gmail.com"},
		{"ZOË@EXAMPLE.DE", "zoë@example.de"},
		{"  maria\t.garcia@shop.example\n", "maria.garcia@shop.example"},
		{"e\u0301mile@example.fr", "\u00e9mile@example.fr"}, // decomposed é becomes NFC
		{"\u200bo'brien@Example.IE", "o'brien@example.ie"},  // zero-width space removed
	}
	sendPhones = []sendPair{
		{"+1 (650) 555-0100", "16505550100"},
		{"+44 (0)20 7946 0958", "442079460958"},
		{"0049 30 901820", "4930901820"},
		{"+1 650-555-0199 ext. 12", "16505550199"},
		{"+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", "971501234567"},
	}
	sendGenders = []sendPair{
		{"Female", "f"}, {" M ", "m"}, {"non-binary", "n"}, {"MAN", "m"}, {"woman", "f"}, {"Non Binary", "n"},
	}
	sendDOBStrings = []sendPair{
		{"1985-07-04", "19850704"}, {"1990/1/2", "19900102"}, {"2001.12.31", "20011231"},
		{"19991231", "19991231"}, {"1975-03-09T23:00:00-05:00", "19750309"},
	}
	sendFirstNames = []sendPair{
		{" Jane ", "jane"}, {"JOHN", "john"}, {"María  José", "maría josé"}, {"Anne-Marie", "anne-marie"}, {"Zoë", "zoë"},
	}
	sendLastNames = []sendPair{
		{"O'Brien", "o'brien"}, {"García Márquez", "garcía márquez"}, {" van der Berg ", "van der berg"}, {"MÜLLER", "müller"},
	}
	sendCities = []sendPair{
		{"Menlo Park", "menlopark"}, {"Saint-Étienne", "saintétienne"}, {"NEW YORK", "newyork"},
		{"São Paulo", "sãopaulo"}, {"St. Louis", "stlouis"},
	}
	sendStates = []sendPair{
		{"CA", "ca"}, {"California", "ca"}, {" n.y. ", "ny"}, {"Québec", "qc"}, {"TX", "tx"},
	}
	sendZips = []sendPair{
		{"94025", "94025"}, {"94025-1234", "94025"}, {"SW1A 1AA", "sw1a1aa"}, {"10115", "10115"}, {"K1A 0B1", "k1a0b1"},
	}
	sendCountries = []sendPair{
		{"US", "us"}, {"United States", "us"}, {"Deutschland", "de"}, {"GBR", "gb"}, {"france", "fr"},
	}
	sendExternalIDs = []sendPair{{" Cust-42 ", "Cust-42"}, {"loyalty:00017", "loyalty:00017"}}
	sendMAIDs       = []sendPair{
		{"6D92078A-8246-4BA4-AE5B-76104861E7DC", "6d92078a-8246-4ba4-ae5b-76104861e7dc"},
		{" 38400000-8cf0-11bd-b23e-10b96e40000d ", "38400000-8cf0-11bd-b23e-10b96e40000d"},
	}
	sendIPs = []sendPair{
		{"203.0.113.7", "203.0.113.7"}, {"198.51.100.23:54321", "198.51.100.23"},
		{"[2001:db8::1]:443", "2001:db8::1"}, {"::ffff:192.0.2.1", "192.0.2.1"}, {" 2001:DB8::2 ", "2001:db8::2"},
	}
	sendUAs = []sendPair{
		{"  Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
	}
	sendClickIDs   = []sendPair{{" dj0yJnU9b2JDcFFHekV4 ", "dj0yJnU9b2JDcFFHekV4"}}
	sendPartnerIDs = []sendPair{{"BUJrTlRRzGJmWhRXFZdkioV6wKPBve7Lom__GU9J74hq2NIQj4O3nOZJ", "BUJrTlRRzGJmWhRXFZdkioV6wKPBve7Lom__GU9J74hq2NIQj4O3nOZJ"}}

	// sendTexts are free-text values with characters JSON must escape.
	sendTexts = []string{
		"Blue <Shirt> & Co", `He said "hi" \o/`, "Zoë’s café", "line\u2028sep\u2029para",
		"tab\there", "emoji 🎉", "ctrl\x01char", "plain",
	}
	sendSources = []pinterest.ActionSource{
		pinterest.SourceWeb, pinterest.SourceAppAndroid, pinterest.SourceAppIOS, pinterest.SourceOffline,
	}
	sendFormFactors = []string{
		pinterest.FormFactorDesktop, pinterest.FormFactorLaptop, pinterest.FormFactorCellphone,
		pinterest.FormFactorTablet, pinterest.FormFactorSmartwatch, pinterest.FormFactorTV,
		pinterest.FormFactorVR, pinterest.FormFactorConsole, pinterest.FormFactorOther,
	}
	sendNetworks = []string{
		pinterest.NetworkWifi, pinterest.NetworkCellular2G, pinterest.NetworkCellular3G, pinterest.NetworkCellular4G,
		pinterest.NetworkCellular5G, pinterest.NetworkCellular6G, pinterest.NetworkEthernet, pinterest.NetworkUnknown,
	}
	sendOSFamilies = []string{
		pinterest.OSIOS, pinterest.OSAndroid, pinterest.OSMacOS, pinterest.OSWindows,
		pinterest.OSLinux, pinterest.OSBSD, pinterest.OSOther,
	}
)

func sendPick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// sendWantUser builds the user_data the server must receive.
type sendWantUser struct{ u pinteresttest.UserData }

func (w *sendWantUser) slot(f pinterest.UserField) *[]string {
	switch f {
	case pinterest.FieldEmail:
		return &w.u.Em
	case pinterest.FieldPhone:
		return &w.u.Ph
	case pinterest.FieldGender:
		return &w.u.Ge
	case pinterest.FieldDateOfBirth:
		return &w.u.Db
	case pinterest.FieldLastName:
		return &w.u.Ln
	case pinterest.FieldFirstName:
		return &w.u.Fn
	case pinterest.FieldCity:
		return &w.u.Ct
	case pinterest.FieldState:
		return &w.u.St
	case pinterest.FieldZip:
		return &w.u.Zp
	case pinterest.FieldCountry:
		return &w.u.Country
	case pinterest.FieldExternalID:
		return &w.u.ExternalID
	case pinterest.FieldMobileAdID:
		return &w.u.HashedMaids
	}
	panic("sendWantUser: not a hashed field: " + string(f))
}

// norm records the hash of an already normalized value.
func (w *sendWantUser) norm(f pinterest.UserField, normalized string) {
	w.hash(f, pinterest.HashValue(normalized))
}

// hash records a hash, de-duplicated like UserData does.
func (w *sendWantUser) hash(f pinterest.UserField, h string) {
	if p := w.slot(f); !slices.Contains(*p, h) {
		*p = append(*p, h)
	}
}

// sendRandomUser makes messy user data and the user_data that must be sent.
// i%3 chooses which part of Pinterest's minimum it surely has.
func sendRandomUser(r *rand.Rand, i int) (*pinterest.UserData, pinteresttest.UserData) {
	u := pinterest.NewUserData()
	var w sendWantUser
	coin := func() bool { return r.IntN(2) == 0 }
	switch i % 3 {
	case 0:
		e := sendPick(r, sendEmails)
		u.Email(e.raw)
		w.norm(pinterest.FieldEmail, e.norm)
	case 1:
		m := sendPick(r, sendMAIDs)
		u.MobileAdID(m.raw)
		w.norm(pinterest.FieldMobileAdID, m.norm)
	case 2:
		ip, ua := sendPick(r, sendIPs), sendPick(r, sendUAs)
		u.ClientIP(ip.raw).UserAgent(ua.raw)
		w.u.ClientIPAddress, w.u.ClientUserAgent = ip.norm, ua.norm
	}
	if coin() { // two spellings of one address: one hash
		e := sendPick(r, sendEmails)
		u.Email(e.raw, " "+e.norm+" ")
		w.norm(pinterest.FieldEmail, e.norm)
	}
	if coin() {
		p := sendPick(r, sendPhones)
		u.Phone(p.raw)
		w.norm(pinterest.FieldPhone, p.norm)
	}
	if r.IntN(4) == 0 { // a national number with a default calling code
		u.DefaultPhoneCountryCode("+44").Phone("020 7946 0958")
		w.norm(pinterest.FieldPhone, "442079460958")
	}
	if coin() {
		g := sendPick(r, sendGenders)
		u.Gender(g.raw)
		w.norm(pinterest.FieldGender, g.norm)
	}
	if coin() { // a time late in the day west of UTC: its own calendar date counts
		y, m, d := 1940+r.IntN(60), 1+r.IntN(12), 1+r.IntN(28)
		u.DateOfBirth(time.Date(y, time.Month(m), d, 23, 30, 0, 0, time.FixedZone("PDT", -7*3600)))
		w.norm(pinterest.FieldDateOfBirth, fmt.Sprintf("%04d%02d%02d", y, m, d))
	}
	if coin() {
		d := sendPick(r, sendDOBStrings)
		u.DateOfBirthString(d.raw)
		w.norm(pinterest.FieldDateOfBirth, d.norm)
	}
	if coin() {
		n := sendPick(r, sendFirstNames)
		u.FirstName(n.raw)
		w.norm(pinterest.FieldFirstName, n.norm)
	}
	if coin() {
		n := sendPick(r, sendLastNames)
		u.LastName(n.raw)
		w.norm(pinterest.FieldLastName, n.norm)
	}
	if coin() {
		c := sendPick(r, sendCities)
		u.City(c.raw)
		w.norm(pinterest.FieldCity, c.norm)
	}
	if r.IntN(4) == 0 { // the generic setter
		u.Add(pinterest.FieldCity, "Palo Alto")
		w.norm(pinterest.FieldCity, "paloalto")
	}
	if coin() {
		s := sendPick(r, sendStates)
		u.State(s.raw)
		w.norm(pinterest.FieldState, s.norm)
	}
	if coin() {
		z := sendPick(r, sendZips)
		u.Zip(z.raw)
		w.norm(pinterest.FieldZip, z.norm)
	}
	if coin() {
		c := sendPick(r, sendCountries)
		u.Country(c.raw)
		w.norm(pinterest.FieldCountry, c.norm)
	}
	if coin() {
		x := sendPick(r, sendExternalIDs)
		u.ExternalID(x.raw)
		w.norm(pinterest.FieldExternalID, x.norm)
	}
	if r.IntN(4) == 0 { // pre-hashed, upper case: sent lowercased, not re-hashed
		h := pinterest.HashValue("pre-hashed-" + strconv.Itoa(i%5))
		u.Hashed(pinterest.FieldExternalID, strings.ToUpper(h))
		w.hash(pinterest.FieldExternalID, h)
	}
	if r.IntN(4) == 0 { // a 64-hex value given to a raw setter is taken as a hash
		h := pinterest.HashValue("already@hashed.example")
		u.Email(" " + strings.ToUpper(h) + " ")
		w.hash(pinterest.FieldEmail, h)
	}
	if coin() {
		m := sendPick(r, sendMAIDs)
		u.MobileAdID(m.raw)
		w.norm(pinterest.FieldMobileAdID, m.norm)
	}
	if coin() { // the last IP wins
		ip := sendPick(r, sendIPs)
		u.ClientIP(ip.raw)
		w.u.ClientIPAddress = ip.norm
	}
	if r.IntN(4) == 0 {
		u.ClientAddr(netip.MustParseAddr("::ffff:10.1.2.3"))
		w.u.ClientIPAddress = "10.1.2.3"
	}
	if coin() {
		ua := sendPick(r, sendUAs)
		u.UserAgent(ua.raw)
		w.u.ClientUserAgent = ua.norm
	}
	if coin() {
		c := sendPick(r, sendClickIDs)
		u.ClickID(c.raw)
		w.u.ClickID = c.norm
	}
	if coin() {
		p := sendPick(r, sendPartnerIDs)
		u.PartnerID(p.raw)
		w.u.PartnerID = p.norm
	}
	return u, w.u
}

// sendRandomEvent makes event i, with every part chosen at random, and the
// event the server must receive. Event i has name EventNames()[i%22] and
// source sendSources[(i/22)%4], so that 88 events cover every pair.
// brandID sets ItemBrandID on the contents (API 5.28).
func sendRandomEvent(r *rand.Rand, i int, now time.Time, brandID bool) (*pinterest.Event, pinteresttest.Event) {
	names := pinterest.EventNames()
	name, src := names[i%len(names)], sendSources[(i/len(names))%len(sendSources)]
	coin := func() bool { return r.IntN(2) == 0 }
	id := fmt.Sprintf("ev-%05d", i)
	if i%7 == 3 {
		id = fmt.Sprintf("ev-%05d/<order>&\"ü\"\u2028", i)
	}
	// Offline events up to 6 days old; web and app events within the hour in
	// which Pinterest still reports them as such (older ones get a warning).
	window := 6 * 24 * time.Hour
	if src != pinterest.SourceOffline {
		window = pinterest.RealTimeWindow - 5*time.Minute
	}
	at := now.Add(-time.Minute - time.Duration(r.Int64N(int64(window))))
	ev := pinterest.NewEvent(name, src).ID(id).At(at)
	want := pinteresttest.Event{EventName: string(name), ActionSource: string(src), EventTime: at.Unix(), EventID: id}

	u, wu := sendRandomUser(r, i)
	ev.User(u)
	want.UserData = wu

	if coin() {
		url := fmt.Sprintf("https://shop.example/p/%d?q=%s&x=<y>", i, sendPick(r, sendTexts))
		ev.URL(url)
		want.EventSourceURL = url
	}
	if k := r.IntN(3); k > 0 {
		ev.OptOut(k == 2)
		want.OptOut = sendBool(k == 2)
	}
	if coin() {
		ev.PartnerName("ss-partnername")
		want.PartnerName = "ss-partnername"
	}
	if coin() {
		l := sendPick(r, []string{"en", "de", "fr", "lt"})
		ev.Language(l)
		want.Language = l
	}
	if r.IntN(4) != 0 {
		cd, wc := sendRandomCustom(r, brandID)
		ev.Custom(cd)
		want.CustomData = wc
	}
	if coin() {
		ai := pinterest.AppInfo{
			AppID:          strconv.Itoa(400000000 + r.IntN(1000000)),
			AppName:        sendPick(r, sendTexts),
			AppPackageName: "com.example.shop",
			AppStore:       sendPick(r, []string{"Google Play Store", "Apple App Store", "F-Droid"}),
			AppVersion:     fmt.Sprintf("7.%d", r.IntN(20)),
			UserAgent:      sendPick(r, sendUAs).norm,
			WindowHeight:   r.IntN(30721),
			WindowWidth:    r.IntN(30721),
		}
		if coin() {
			ai.InstallTime = time.Unix(1600000000+r.Int64N(100000000), 0)
		}
		ev.App(ai)
		wa := &pinteresttest.AppInfo{
			AppID: ai.AppID, AppName: ai.AppName, AppPackageName: ai.AppPackageName, AppStore: ai.AppStore,
			AppVersion: ai.AppVersion, UserAgent: ai.UserAgent,
			WindowHeight: sendNZ(ai.WindowHeight), WindowWidth: sendNZ(ai.WindowWidth),
		}
		if !ai.InstallTime.IsZero() {
			wa.InstallTime = sendNZ(ai.InstallTime.Unix())
		}
		want.AppInfo = wa
	}
	if i%4 != 3 {
		di, wd := sendRandomDevice(r, i)
		ev.Device(di)
		want.DeviceInfo = wd
	}
	// The legacy top-level app and device fields.
	legacy := []struct {
		set  func(string) *pinterest.Event
		dst  *string
		vals []string
	}{
		{ev.AppID, &want.AppID, []string{"429047995", "com.example.app"}},
		{ev.AppName, &want.AppName, []string{"Pinterest", "Shop & Go"}},
		{ev.AppVersion, &want.AppVersion, []string{"7.9", "10.0.1"}},
		{ev.DeviceBrand, &want.DeviceBrand, []string{"Apple", "Samsung"}},
		{ev.DeviceCarrier, &want.DeviceCarrier, []string{"T-Mobile", "Vodafone"}},
		{ev.DeviceModel, &want.DeviceModel, []string{"iPhone X", "Galaxy S25 <Ultra>"}},
		{ev.DeviceType, &want.DeviceType, []string{"iPhone", "Android"}},
		{ev.OSVersion, &want.OSVersion, []string{"12.1.4", "16"}},
	}
	for _, l := range legacy {
		if coin() {
			v := sendPick(r, l.vals)
			l.set(v)
			*l.dst = v
		}
	}
	if k := r.IntN(3); k > 0 {
		ev.Wifi(k == 2)
		want.Wifi = sendBool(k == 2)
	}
	if k := r.IntN(3); k > 0 {
		ev.AdvertiserTrackingEnabled(k == 2)
		want.AdvertiserTrackingEnabled = sendBool(k == 2)
	}
	return ev, want
}

func sendRandomCustom(r *rand.Rand, brandID bool) (pinterest.CustomData, *pinteresttest.CustomData) {
	coin := func() bool { return r.IntN(2) == 0 }
	var cd pinterest.CustomData
	wc := &pinteresttest.CustomData{}
	if coin() {
		cd.Currency = sendPick(r, []string{"USD", "EUR", "jpy"})
	}
	if coin() {
		cd.Value = pinterest.FormatMinorUnits(r.Int64N(10000000), 2)
	}
	for range r.IntN(4) {
		cd.ContentIDs = append(cd.ContentIDs, "sku-"+strconv.Itoa(r.IntN(5000)))
	}
	for range r.IntN(4) {
		c := pinterest.Content{}
		wcont := pinteresttest.Content{}
		if coin() {
			c.ID = "sku-" + strconv.Itoa(r.IntN(5000))
		}
		if coin() {
			c.ItemPrice = pinterest.FormatMinorUnits(r.Int64N(100000), 2)
		}
		if coin() {
			c.Quantity = r.Int64N(5)
		}
		if coin() {
			c.ItemName = sendPick(r, sendTexts)
		}
		if coin() {
			c.ItemCategory = "pinterest-clothing-shirts"
		}
		if coin() {
			c.ItemBrand = sendPick(r, sendTexts)
		}
		if brandID && r.IntN(4) != 0 {
			c.ItemBrandID = "brand-" + strconv.Itoa(r.IntN(100))
		}
		wcont = pinteresttest.Content{
			ID: c.ID, ItemPrice: c.ItemPrice, Quantity: sendNZ(c.Quantity), ItemName: c.ItemName,
			ItemCategory: c.ItemCategory, ItemBrand: c.ItemBrand, ItemBrandID: c.ItemBrandID,
		}
		cd.Contents = append(cd.Contents, c)
		wc.Contents = append(wc.Contents, wcont)
	}
	if coin() {
		cd.NumItems = r.Int64N(20)
	}
	if coin() {
		cd.OrderID = "order-" + strconv.Itoa(r.IntN(1000000))
	}
	if coin() {
		cd.SearchString = sendPick(r, sendTexts)
	}
	if coin() {
		cd.ContentName = sendPick(r, sendTexts)
	}
	if coin() {
		cd.ContentCategory = "shirts"
	}
	if coin() {
		cd.ContentBrand = sendPick(r, sendTexts)
	}
	if coin() {
		cd.OptOutType = pinterest.OptOutLDP
	}
	if coin() {
		cd.PredictedLTV = pinterest.FormatAmount(r.Float64()*5000, 2)
	}
	if r.IntN(4) == 0 {
		cd.NP = "ss-company"
	}
	if r.IntN(4) == 0 {
		cd.ExternalMeasurementID = "rbos-cb7a9e56-4988-4ca0-801b-05c79b29785f"
		cd.ExternalMeasurementVendorID = r.Int64N(3)
	}
	wc.Currency, wc.Value, wc.ContentIDs = strings.ToUpper(cd.Currency), cd.Value, cd.ContentIDs // Custom upper-cases the currency
	wc.NumItems, wc.OrderID, wc.SearchString = sendNZ(cd.NumItems), cd.OrderID, cd.SearchString
	wc.ContentName, wc.ContentCategory, wc.ContentBrand = cd.ContentName, cd.ContentCategory, cd.ContentBrand
	wc.OptOutType, wc.PredictedLTV, wc.NP = cd.OptOutType, cd.PredictedLTV, cd.NP
	wc.ExternalMeasurementID, wc.ExternalMeasurementVendorID = cd.ExternalMeasurementID, sendNZ(cd.ExternalMeasurementVendorID)
	return cd, wc
}

func sendRandomDevice(r *rand.Rand, i int) (pinterest.DeviceInfo, *pinteresttest.DeviceInfo) {
	const gb = 1048576
	d := pinterest.DeviceInfo{
		BatteryLevel:             r.IntN(101),
		Brand:                    sendPick(r, []string{"Apple", "Samsung", "Motorola"}),
		Carrier:                  sendPick(r, []string{"T-Mobile", "Verizon", ""}),
		CPUCores:                 r.IntN(1153),
		ExternalStorageFreeSpace: r.IntN(gb + 1),
		ExternalStorageSize:      r.IntN(gb + 1),
		FormFactor:               append([]string{""}, sendFormFactors...)[(i/4)%(len(sendFormFactors)+1)],
		KernelVersion:            "6.15",
		Locale:                   sendPick(r, []string{"en-us", "de-DE", "zh-Hant-TW"}),
		Model:                    sendPick(r, []string{"16 Pro", "Galaxy S25 Ultra", sendTexts[0]}),
		NetworkType:              append([]string{""}, sendNetworks...)[(i/4)%(len(sendNetworks)+1)],
		OSFamily:                 append([]string{""}, sendOSFamilies...)[(i/4)%(len(sendOSFamilies)+1)],
		OSName:                   sendPick(r, []string{"18", "Debian"}),
		OSReleaseName:            sendPick(r, []string{"Dawn", "Plucky Puffin"}),
		OSVersion:                sendPick(r, []string{"18.3", "24H2"}),
		ScreenDensity:            r.IntN(100001),
		ScreenHeight:             r.IntN(30721),
		ScreenWidth:              r.IntN(30721),
		StorageFreeSpace:         r.IntN(gb + 1),
		StorageSize:              r.IntN(gb + 1),
		Timezone:                 sendPick(r, []string{"America/New_York", "Europe/Vilnius"}),
		TimezoneAbbr:             sendPick(r, []string{"PDT", "EEST"}),
		Type:                     sendPick(r, []string{"iPhone", "Android"}),
	}
	for _, l := range []string{"en", "de", "lt"} {
		if r.IntN(2) == 0 {
			d.Languages = append(d.Languages, l)
		}
	}
	if i%50 == 0 { // the extremes of every range
		d.BatteryLevel, d.CPUCores, d.ScreenDensity, d.ScreenHeight, d.ScreenWidth = 100, 1152, 100000, 30720, 30720
		d.ExternalStorageFreeSpace, d.ExternalStorageSize, d.StorageFreeSpace, d.StorageSize = gb, gb, gb, gb
	}
	w := &pinteresttest.DeviceInfo{
		BatteryLevel: sendNZ(d.BatteryLevel), Brand: d.Brand, Carrier: d.Carrier, CPUCores: sendNZ(d.CPUCores),
		ExternalStorageFreeSpace: sendNZ(d.ExternalStorageFreeSpace), ExternalStorageSize: sendNZ(d.ExternalStorageSize),
		FormFactor: d.FormFactor, KernelVersion: d.KernelVersion, Languages: d.Languages, Locale: d.Locale,
		Model: d.Model, NetworkType: d.NetworkType, OSFamily: d.OSFamily, OSName: d.OSName,
		OSReleaseName: d.OSReleaseName, OSVersion: d.OSVersion, ScreenDensity: sendNZ(d.ScreenDensity),
		ScreenHeight: sendNZ(d.ScreenHeight), ScreenWidth: sendNZ(d.ScreenWidth),
		StorageFreeSpace: sendNZ(d.StorageFreeSpace), StorageSize: sendNZ(d.StorageSize),
		Timezone: d.Timezone, TimezoneAbbr: d.TimezoneAbbr, Type: d.Type,
	}
	return d, w
}

// sendMarkFields records, under their Go field paths, the fields of v that
// are set (non-zero, non-nil, non-empty).
func sendMarkFields(path string, v reflect.Value, seen map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			seen[path] = true
			sendMarkFields(path, v.Elem(), seen)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sendMarkFields(path+"."+v.Type().Field(i).Name, v.Field(i), seen)
		}
	case reflect.Slice:
		if v.Len() > 0 {
			seen[path] = true
		}
		for i := range v.Len() {
			sendMarkFields(path, v.Index(i), seen)
		}
	default:
		if !v.IsZero() {
			seen[path] = true
		}
	}
}

// sendAllFields lists every field path of type t, as sendMarkFields names them.
func sendAllFields(path string, t reflect.Type, out map[string]bool) {
	switch t.Kind() {
	case reflect.Pointer:
		out[path] = true
		sendAllFields(path, t.Elem(), out)
	case reflect.Struct:
		for i := range t.NumField() {
			sendAllFields(path+"."+t.Field(i).Name, t.Field(i).Type, out)
		}
	case reflect.Slice:
		out[path] = true
		sendAllFields(path, t.Elem(), out)
	default:
		out[path] = true
	}
}

// ---------------------------------------------------------------------------
// 1. A wide random set of events arrives exactly as built.

func TestSendWideRandomEvents(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		seed    uint64
		brandID bool // set Content.ItemBrandID (API 5.28, accepted by the fake)
		perReq  int
	}{
		{name: "520 events without item_brand_id, 4 requests", n: 520, seed: 1, perReq: 130},
		{name: "100 events with item_brand_id, 1 request", n: 100, seed: 2, brandID: true, perReq: 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t, pinterest.WithMaxEventsPerRequest(tc.perReq))
			srv, c := env.srv, env.client
			r := rand.New(rand.NewPCG(tc.seed, 2024))
			now := time.Now()
			evs := make([]*pinterest.Event, tc.n)
			wants := make([]pinteresttest.Event, tc.n)
			for i := range evs {
				evs[i], wants[i] = sendRandomEvent(r, i, now, tc.brandID)
			}

			res, err := c.Send(context.Background(), testAccount, evs...)
			if err != nil {
				t.Fatalf("Send: %v; %s", err, sendFailures(res))
			}
			if res.Processed != tc.n || res.Failed != 0 || len(res.Results) != tc.n {
				t.Fatalf("Processed %d Failed %d Results %d, want %d 0 %d", res.Processed, res.Failed, len(res.Results), tc.n, tc.n)
			}
			for i, rr := range res.Results {
				if rr.Index != i || rr.EventID != wants[i].EventID || !rr.OK() || rr.Err != nil || rr.Attempts != 1 || len(rr.Warnings) != 0 {
					t.Errorf("Results[%d] = %+v, want index %d, id %q, processed in 1 attempt without warnings", i, rr, i, wants[i].EventID)
				}
			}
			// Offline events travel in requests of their own (they are not
			// retried after an ambiguous failure).
			offline := 0
			for _, ev := range evs {
				if ev.ActionSource() == pinterest.SourceOffline {
					offline++
				}
			}
			wantReqs := (tc.n-offline+tc.perReq-1)/tc.perReq + (offline+tc.perReq-1)/tc.perReq
			reqs := srv.Requests()
			if len(reqs) != wantReqs || res.Attempts != wantReqs {
				t.Errorf("server saw %d requests, Response.Attempts %d, want %d", len(reqs), res.Attempts, wantReqs)
			}
			for _, rq := range reqs {
				if rq.Status != 200 || rq.NumProcessed != rq.NumEvents {
					t.Errorf("request answered %d %q with %d of %d processed", rq.Status, rq.Message, rq.NumProcessed, rq.NumEvents)
				}
			}

			got := srv.Events()
			byID := func(s []pinteresttest.Event) {
				sort.Slice(s, func(i, j int) bool { return s[i].EventID < s[j].EventID })
			}
			byID(got)
			sorted := slices.Clone(wants)
			byID(sorted)
			if diff := cmp.Diff(sorted, got); diff != "" {
				t.Errorf("events received (-want +got):\n%s", diff)
			}

			// Spot checks that do not depend on the expectation builder.
			for _, e := range got {
				if e.EventID == "ev-00000" && len(e.UserData.Em) > 0 {
					found := false
					for _, p := range sendEmails {
						found = found || e.UserData.Em[0] == pinterest.HashValue(p.norm)
					}
					if !found {
						t.Errorf("ev-00000 em[0] = %s is the hash of none of the normalized e-mails", e.UserData.Em[0])
					}
				}
			}

			// Coverage: every name, source, pair, enum value and field.
			names, sources, pairs := map[string]bool{}, map[string]bool{}, map[string]bool{}
			enums := map[string]bool{}
			seen := map[string]bool{}
			for _, w := range wants {
				names[w.EventName], sources[w.ActionSource] = true, true
				pairs[w.EventName+"/"+w.ActionSource] = true
				if d := w.DeviceInfo; d != nil {
					enums["ff:"+d.FormFactor], enums["net:"+d.NetworkType], enums["os:"+d.OSFamily] = true, true, true
				}
				sendMarkFields("Event", reflect.ValueOf(w), seen)
			}
			if len(names) != 22 || len(sources) != 4 {
				t.Errorf("covered %d names and %d sources, want 22 and 4", len(names), len(sources))
			}
			if tc.n >= 88 && len(pairs) != 88 {
				t.Errorf("covered %d name/source pairs, want 88", len(pairs))
			}
			if tc.n >= 500 && len(enums) != len(sendFormFactors)+len(sendNetworks)+len(sendOSFamilies)+3 {
				t.Errorf("covered %d device enum values (with empty), want all: %v", len(enums), enums)
			}
			all := map[string]bool{}
			sendAllFields("Event", reflect.TypeFor[pinteresttest.Event](), all)
			for f := range all {
				if !seen[f] && !(f == "Event.CustomData.Contents.ItemBrandID" && !tc.brandID) {
					t.Errorf("no event sets %s", f)
				}
			}
			if !tc.brandID && seen["Event.CustomData.Contents.ItemBrandID"] {
				t.Errorf("item_brand_id sent although never set")
			}
		})
	}
}
