package pinterest_test

// End-to-end tests of Client.Send against pinteresttest: wide random events,
// the wire JSON, request splitting, local validation, result mapping, every
// error answer, security (token, base URL, headers), raw PII and logging.
// Every helper of this file is prefixed with "send".

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

var sendUpdate = flag.Bool("send.update", false, "rewrite the golden files of send_test.go under testdata/send")

const (
	sendAdAccount = "549755885175"
	// sendToken is distinctive, so that a leak is found by a plain search.
	sendToken = "sEcReT-T0ken-7f3a9c1e5bQZ"
)

// sendClient returns a client of srv without rate limiting; opts come last
// and may override.
func sendClient(t testing.TB, srv *pinteresttest.Server, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	return sendClientToken(t, srv, sendToken, opts...)
}

func sendClientToken(t testing.TB, srv *pinteresttest.Server, token string, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	all := []pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}
	c, err := pinterest.NewClient(token, append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// sendValidEvent is a minimal valid event.
func sendValidEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID(id).
		At(time.Now().Add(-time.Minute)).
		User(pinterest.NewUserData().Email("someone." + id + "@example.com"))
}

// sendSimpleEvents makes n valid events with ids prefix-00000...
func sendSimpleEvents(n int, prefix string) ([]*pinterest.Event, []string) {
	names := pinterest.EventNames()
	at := time.Now().Add(-time.Hour)
	evs := make([]*pinterest.Event, n)
	ids := make([]string, n)
	for i := range evs {
		ids[i] = fmt.Sprintf("%s-%05d", prefix, i)
		evs[i] = pinterest.NewEvent(names[i%len(names)], pinterest.SourceWeb).ID(ids[i]).At(at).
			User(pinterest.NewUserData().Email(fmt.Sprintf("user%d@example.com", i)))
	}
	return evs, ids
}

// sendFailures describes the first failed results, for test messages.
func sendFailures(res *pinterest.Response) string {
	if res == nil {
		return "nil response"
	}
	var b strings.Builder
	for i, r := range res.Failures() {
		if i == 5 {
			fmt.Fprintf(&b, "... (%d failures in all)", res.Failed)
			break
		}
		fmt.Fprintf(&b, "[%d %q: %v] ", r.Index, r.EventID, r.Err)
	}
	return b.String()
}

// sendNZ returns a pointer to n, or nil when n is 0 (zero values are left
// out of the wire JSON).
func sendNZ[T int | int64](n T) *int64 {
	if n == 0 {
		return nil
	}
	v := int64(n)
	return &v
}

func sendBool(b bool) *bool { return &b }

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
	at := now.Add(-time.Minute - time.Duration(r.Int64N(int64(6*24*time.Hour))))
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
			srv := pinteresttest.NewServerT(t)
			c := sendClient(t, srv, pinterest.WithMaxEventsPerRequest(tc.perReq))
			r := rand.New(rand.NewPCG(tc.seed, 2024))
			now := time.Now()
			evs := make([]*pinterest.Event, tc.n)
			wants := make([]pinteresttest.Event, tc.n)
			for i := range evs {
				evs[i], wants[i] = sendRandomEvent(r, i, now, tc.brandID)
			}

			res, err := c.Send(context.Background(), sendAdAccount, evs...)
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
			wantReqs := (tc.n + tc.perReq - 1) / tc.perReq
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

// ---------------------------------------------------------------------------
// 2. The wire JSON: schema keys only, escaped exactly like encoding/json.

// sendSchemaKeys are the keys Pinterest's schema allows in each object, by
// path (spec 5.23, plus contents[].item_brand_id of 5.28).
var sendSchemaKeys = map[string][]string{
	"": {"event_name", "action_source", "event_time", "event_id", "event_source_url", "opt_out",
		"partner_name", "app_id", "app_name", "app_version", "device_brand", "device_carrier",
		"device_model", "device_type", "os_version", "wifi", "language", "user_data", "custom_data",
		"app_info", "device_info"},
	"user_data": {"em", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp", "country", "external_id",
		"hashed_maids", "client_ip_address", "client_user_agent", "click_id", "partner_id"},
	"custom_data": {"currency", "value", "content_ids", "contents", "num_items", "order_id",
		"search_string", "content_name", "content_category", "content_brand", "opt_out_type",
		"predicted_ltv", "np", "external_measurement_id", "external_measurement_vendor_id"},
	"custom_data.contents": {"id", "item_price", "quantity", "item_name", "item_category", "item_brand", "item_brand_id"},
	"app_info": {"app_id", "app_name", "app_package_name", "app_store", "app_version", "install_time",
		"user_agent", "window_height", "window_width"},
	"device_info": {"battery_level", "brand", "carrier", "cpu_cores", "external_storage_free_space",
		"external_storage_size", "form_factor", "kernel_version", "languages", "locale", "model",
		"network_type", "os_family", "os_name", "os_release_name", "os_version", "screen_density",
		"screen_height", "screen_width", "storage_free_space", "storage_size", "timezone",
		"timezone_abbr", "type"},
}

var sendHexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// sendCheckKeys checks that every object of v has only keys of the schema,
// and the JSON types of the fields the schema types strictly.
func sendCheckKeys(t *testing.T, path string, v any) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%q: not an object: %T", path, v)
		return
	}
	allowed, ok := sendSchemaKeys[path]
	if !ok {
		t.Errorf("object at %q is not in the schema", path)
		return
	}
	for k, val := range obj {
		if !slices.Contains(allowed, k) {
			t.Errorf("key %q at %q is not in the schema", k, path)
			continue
		}
		full := strings.TrimPrefix(path+"."+k, ".")
		switch val := val.(type) {
		case map[string]any:
			sendCheckKeys(t, full, val)
		case []any:
			for _, it := range val {
				switch it := it.(type) {
				case map[string]any:
					sendCheckKeys(t, full, it)
				case string:
					if path == "user_data" && !sendHexRE.MatchString(it) {
						t.Errorf("%s holds %q, not a lowercase SHA-256 hex", full, it)
					}
				default:
					t.Errorf("%s holds a %T", full, it)
				}
			}
		case json.Number:
			if _, err := strconv.ParseInt(string(val), 10, 64); err != nil {
				t.Errorf("%s = %s, not an int64", full, val)
			}
		case string, bool:
		default:
			t.Errorf("%s has type %T", full, val)
		}
	}
	if path == "" {
		for _, k := range []string{"event_name", "action_source", "event_time", "event_id", "user_data"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("required key %q missing", k)
			}
		}
		if _, ok := obj["event_time"].(json.Number); !ok {
			t.Errorf("event_time is %T, want a number", obj["event_time"])
		}
	}
}

func sendDecode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("wire JSON does not decode: %v\n%s", err, b)
	}
	return m
}

// sendMarshalCheck checks ev's wire JSON against encoding/json and returns it.
func sendMarshalCheck(t *testing.T, ev *pinterest.Event) []byte {
	t.Helper()
	wire, err := ev.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	if !json.Valid(wire) {
		t.Fatalf("MarshalJSON is not valid JSON:\n%s", wire)
	}
	if !utf8.Valid(wire) {
		t.Errorf("MarshalJSON is not valid UTF-8: %q", wire)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, wire); err != nil {
		t.Fatal(err)
	}
	std, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if !bytes.Equal(std, compact.Bytes()) {
		t.Errorf("json.Marshal(ev) differs from compacted MarshalJSON:\n std: %s\nwire: %s", std, compact.Bytes())
	}
	if !bytes.Equal(wire, compact.Bytes()) {
		t.Errorf("MarshalJSON is not compact:\n%s", wire)
	}
	sendCheckKeys(t, "", sendDecode(t, wire))
	return wire
}

func TestSendWireJSON(t *testing.T) {
	t.Run("random events have schema keys only", func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 3))
		now := time.Now()
		for i := range 150 {
			ev, _ := sendRandomEvent(r, i, now, i%2 == 0)
			sendMarshalCheck(t, ev)
			if t.Failed() {
				t.Fatalf("event %d", i)
			}
		}
	})

	specials := []struct{ name, s string }{
		{"html", "<script>alert('x')</script> a && b > c"},
		{"line separators", "a\u2028b\u2029c"},
		{"quotes and backslashes", `say "hi" \ back\\slash \"`},
		{"control characters", "nul\x00 bel\x07 bs\b ff\f nl\n cr\r tab\t us\x1f del\x7f"},
		{"backspace", "a\bb"},
		{"form feed", "a\fb"},
		{"invalid UTF-8", "bad \xff\xfe utf8 \xc3 end \xe2\x82"},
		{"non-ASCII", "Zoë 🎉 \u00a0 \ufeff 李"},
		{"slash and percent", "https://x.example/a/b?c=%20&d=e#f"},
		{"empty", ""},
	}
	for _, sp := range specials {
		t.Run("escaping "+sp.name, func(t *testing.T) {
			ev := sendValidEvent("esc").URL(sp.s).PartnerName(sp.s).
				Custom(pinterest.CustomData{ContentName: sp.s, Contents: []pinterest.Content{{ItemName: sp.s}}}).
				Device(pinterest.DeviceInfo{Model: sp.s, Languages: []string{sp.s}})
			wire := sendMarshalCheck(t, ev)
			if sp.s == "" {
				if bytes.Contains(wire, []byte("event_source_url")) {
					t.Errorf("empty URL sent: %s", wire)
				}
				return
			}
			ref, err := json.Marshal(sp.s) // encoding/json's escaping of the string
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"event_source_url", "partner_name", "content_name", "item_name", "model"} {
				if want := append([]byte(`"`+key+`":`), ref...); !bytes.Contains(wire, want) {
					t.Errorf("%s not escaped as encoding/json does: want %s in\n%s", key, want, wire)
				}
			}
			for _, b := range []string{"<", ">", "&", "\u2028", "\u2029"} {
				if strings.Contains(sp.s, b) && bytes.Contains(wire, []byte(b)) {
					t.Errorf("wire JSON has a raw %q: %s", b, wire)
				}
			}
			for _, c := range wire {
				if c < 0x20 {
					t.Errorf("wire JSON has a raw control byte %#x", c)
				}
			}
			var want string
			if err := json.Unmarshal(ref, &want); err != nil {
				t.Fatal(err)
			}
			m := sendDecode(t, wire)
			if got := m["event_source_url"]; got != want {
				t.Errorf("event_source_url decodes to %q, want %q", got, want)
			}
		})
	}

	t.Run("golden full event", func(t *testing.T) {
		wire := sendMarshalCheck(t, sendGoldenEvent())
		var got bytes.Buffer
		if err := json.Indent(&got, wire, "", "  "); err != nil {
			t.Fatal(err)
		}
		got.WriteByte('\n')
		path := filepath.Join("testdata", "send", "full_event.golden.json")
		if *sendUpdate {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -send.update to create it)", err)
		}
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("wire JSON differs from %s (-want +got):\n%s", path, diff)
		}
	})
}

// sendGoldenEvent is a fully populated event with fixed values.
func sendGoldenEvent() *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceAppIOS).
		ID("order-1001").
		At(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)).
		URL("https://shop.example/checkout?a=1&b=<2>").
		User(pinterest.NewUserData().
			Email(" Jane.Doe@Example.com ", "jane.doe@example.com").
			Phone("+1 (650) 555-0100").Gender("Female").
			DateOfBirth(time.Date(1985, 7, 4, 0, 0, 0, 0, time.UTC)).DateOfBirthString("1990-01-02").
			FirstName(" Jane ").LastName("O'Brien").City("Menlo Park").State("California").
			Zip("94025-1234").Country("United States").ExternalID("Cust-42").
			MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC").
			ClientIP("203.0.113.7:443").UserAgent("Mozilla/5.0 (X11)").
			ClickID("dj0yJnU9b2JD").PartnerID("BUJrTlRR")).
		Custom(pinterest.CustomData{
			Currency: "USD", Value: "72.39", ContentIDs: []string{"p1", "p2"},
			Contents: []pinterest.Content{
				{ID: "p1", ItemPrice: "14.99", Quantity: 3, ItemName: "shirt <girl>", ItemCategory: "shirts", ItemBrand: "pinterest", ItemBrandID: "b1"},
				{ID: "p2", ItemPrice: "13.71", Quantity: 2},
			},
			NumItems: 5, OrderID: "1001", SearchString: "blue & white", ContentName: "Zoë’s shirt",
			ContentCategory: "shirts", ContentBrand: "pinterest-brand", OptOutType: pinterest.OptOutLDP,
			PredictedLTV: "2794.82", NP: "ss-company", ExternalMeasurementID: "rbos-1", ExternalMeasurementVendorID: 1,
		}).
		OptOut(false).PartnerName("ss-partnername").Language("en").
		App(pinterest.AppInfo{
			AppID: "429047995", AppName: "MyAwesomeApp", AppPackageName: "com.company.myawesomeapp",
			AppStore: "Apple App Store", AppVersion: "7.9", InstallTime: time.Unix(1739222269, 0),
			UserAgent: "Mozilla/5.0", WindowHeight: 900, WindowWidth: 1678,
		}).
		Device(pinterest.DeviceInfo{
			BatteryLevel: 78, Brand: "Apple", Carrier: "T-Mobile", CPUCores: 8,
			ExternalStorageFreeSpace: 126, ExternalStorageSize: 512, FormFactor: pinterest.FormFactorCellphone,
			KernelVersion: "24.3.0", Languages: []string{"en", "de"}, Locale: "en-us", Model: "16 Pro",
			NetworkType: pinterest.NetworkCellular5G, OSFamily: pinterest.OSIOS, OSName: "18",
			OSReleaseName: "Dawn", OSVersion: "18.3", ScreenDensity: 460, ScreenHeight: 2868,
			ScreenWidth: 1320, StorageFreeSpace: 184, StorageSize: 256, Timezone: "America/Los_Angeles",
			TimezoneAbbr: "PDT", Type: "iPhone",
		}).
		AppID("429047995").AppName("Pinterest").AppVersion("7.9").DeviceBrand("Apple").
		DeviceCarrier("T-Mobile").DeviceModel("iPhone X").DeviceType("iPhone").OSVersion("18.3").
		Wifi(true)
}

// ---------------------------------------------------------------------------
// 3. Splitting into requests.

// sendRequestIDs decodes the event ids of a request body.
func sendRequestIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var req struct {
		Data []struct {
			EventID string `json:"event_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("request body: %v", err)
	}
	ids := make([]string, len(req.Data))
	for i, d := range req.Data {
		ids[i] = d.EventID
	}
	return ids
}

func TestSendSplitsIntoRequests(t *testing.T) {
	repeat := func(n, size int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = size
		}
		return s
	}
	cases := []struct {
		name      string
		n         int
		opts      []pinterest.Option
		wantSizes []int // in input order
	}{
		{"2500 events by default", 2500, nil, []int{1000, 1000, 500}},
		{"2500 events by 100", 2500, []pinterest.Option{pinterest.WithMaxEventsPerRequest(100)}, repeat(25, 100)},
		{"1001 events", 1001, nil, []int{1000, 1}},
		{"7 events by 3, one at a time", 7, []pinterest.Option{pinterest.WithMaxEventsPerRequest(3), pinterest.WithConcurrency(1)}, []int{3, 3, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			c := sendClient(t, srv, tc.opts...)
			evs, ids := sendSimpleEvents(tc.n, "split")
			res, err := c.Send(context.Background(), sendAdAccount, evs...)
			if err != nil {
				t.Fatalf("Send: %v; %s", err, sendFailures(res))
			}
			if res.Processed != tc.n || res.Failed != 0 || res.Attempts != len(tc.wantSizes) || len(res.Results) != tc.n {
				t.Errorf("Processed %d Failed %d Requests %d Results %d, want %d 0 %d %d",
					res.Processed, res.Failed, res.Attempts, len(res.Results), tc.n, len(tc.wantSizes), tc.n)
			}
			for i, r := range res.Results {
				if r.Index != i || r.EventID != ids[i] || r.Status != pinterest.StatusProcessed || r.Attempts != 1 {
					t.Fatalf("Results[%d] = %+v, want index %d id %q processed in 1 attempt", i, r, i, ids[i])
				}
			}

			// Each request carries a run of consecutive events, in input order.
			reqs := srv.Requests()
			var runs [][]string
			for _, rq := range reqs {
				if rq.Status != 200 || !rq.Authorized || rq.AdAccountID != sendAdAccount {
					t.Errorf("request answered %d (authorized %v, account %q)", rq.Status, rq.Authorized, rq.AdAccountID)
				}
				got := sendRequestIDs(t, rq.Body)
				if len(got) != rq.NumEvents {
					t.Errorf("body has %d events, server counted %d", len(got), rq.NumEvents)
				}
				runs = append(runs, got)
			}
			sort.Slice(runs, func(i, j int) bool { return runs[i][0] < runs[j][0] })
			var sizes []int
			var all []string
			for _, run := range runs {
				sizes = append(sizes, len(run))
				all = append(all, run...)
			}
			if diff := cmp.Diff(tc.wantSizes, sizes); diff != "" {
				t.Errorf("request sizes in input order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(ids, all); diff != "" {
				t.Errorf("events of the requests, in order (-want +got):\n%s", diff)
			}
			if got := srv.Events(); len(got) != tc.n {
				t.Errorf("server recorded %d events, want %d", len(got), tc.n)
			}
		})
	}
}

func TestSendConcurrentCalls(t *testing.T) {
	// One client, many Sends at once: each request must carry the events of
	// one call only, in order (request buffers are pooled), and every result
	// must be right.
	srv := pinteresttest.NewServerT(t)
	c := sendClient(t, srv, pinterest.WithMaxEventsPerRequest(25))
	const calls, n = 8, 60
	type out struct {
		res *pinterest.Response
		err error
		ids []string
	}
	outs := make(chan out, calls)
	for g := range calls {
		go func() {
			evs, ids := sendSimpleEvents(n, fmt.Sprintf("call%d", g))
			res, err := c.Send(context.Background(), sendAdAccount, evs...)
			outs <- out{res, err, ids}
		}()
	}
	for range calls {
		o := <-outs
		if o.err != nil || o.res.Processed != n || o.res.Attempts != 3 {
			t.Errorf("Send: %v, %+v", o.err, o.res)
			continue
		}
		for i, r := range o.res.Results {
			if r.Index != i || r.EventID != o.ids[i] || !r.OK() {
				t.Errorf("Results[%d] = %+v, want %q processed", i, r, o.ids[i])
			}
		}
	}
	reqs := srv.Requests()
	if len(reqs) != calls*3 {
		t.Errorf("%d requests, want %d", len(reqs), calls*3)
	}
	for _, rq := range reqs {
		ids := sendRequestIDs(t, rq.Body)
		prefix, first, _ := strings.Cut(ids[0], "-")
		start, _ := strconv.Atoi(first)
		for k, id := range ids {
			if want := fmt.Sprintf("%s-%05d", prefix, start+k); id != want {
				t.Errorf("request body mixes events: %q at %d, want %q", id, k, want)
				break
			}
		}
	}
	if got := len(srv.Events()); got != calls*n {
		t.Errorf("server recorded %d events, want %d", got, calls*n)
	}
}

func TestSendSameEventsTwice(t *testing.T) {
	// Events are not consumed by Send: sent again, they make the same body.
	srv := pinteresttest.NewServerT(t)
	c := sendClient(t, srv)
	r := rand.New(rand.NewPCG(9, 9))
	now := time.Now()
	evs := make([]*pinterest.Event, 50)
	for i := range evs {
		evs[i], _ = sendRandomEvent(r, i, now, true)
	}
	for range 2 {
		if res, err := c.Send(context.Background(), sendAdAccount, evs...); err != nil {
			t.Fatalf("Send: %v; %s", err, sendFailures(res))
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
		t.Errorf("%d requests; the two bodies differ", len(reqs))
	}
	if got := len(srv.Events()); got != 100 {
		t.Errorf("server recorded %d events, want 100", got)
	}
}

// ---------------------------------------------------------------------------
// 4. Valid and invalid events in one call.

func TestSendMixedValidAndInvalid(t *testing.T) {
	now := time.Now()
	user := func() *pinterest.UserData { return pinterest.NewUserData().Email("mixed@example.com") }
	ev := func(name pinterest.EventName, src pinterest.ActionSource, id string) *pinterest.Event {
		return pinterest.NewEvent(name, src).ID(id).At(now.Add(-time.Minute)).User(user())
	}
	co := pinterest.EventCheckout
	web := pinterest.SourceWeb
	// More values than a UserData holds inline, with a duplicate past that point.
	manyEmails := pinterest.NewUserData()
	var wantEm []string
	for k := range 30 {
		manyEmails.Email(fmt.Sprintf("Person%02d@Example.com", k))
		wantEm = append(wantEm, pinterest.HashValue(fmt.Sprintf("person%02d@example.com", k)))
	}
	manyEmails.Email("PERSON20@example.COM")
	cases := []struct {
		name      string
		ev        *pinterest.Event
		field     string // FieldError.Field of a local failure
		rejected  string // part of Pinterest's error_message when the fake fails it
		warning   string // part of a warning of the result
		processed bool
	}{
		{name: "valid e-mail", ev: ev(co, web, "ok-email"), processed: true},
		{name: "nil event", ev: nil, field: "event"},
		{name: "no user data", ev: pinterest.NewEvent(co, web).ID("no-user").At(now), field: "user_data"},
		{name: "only a phone", ev: ev(co, web, "phone-only").User(pinterest.NewUserData().Phone("+1 650 555 0100")), field: "user_data"},
		{name: "IP without user agent", ev: ev(co, web, "ip-only").User(pinterest.NewUserData().ClientIP("203.0.113.9")), field: "user_data"},
		{name: "only an invalid e-mail", ev: ev(co, web, "bad-email").User(pinterest.NewUserData().Email("not-an-email")), field: "user_data", warning: "user_data.em"},
		{name: "valid mobile ad id", ev: ev(co, pinterest.SourceAppAndroid, "ok-maid").User(pinterest.NewUserData().MobileAdID("38400000-8cf0-11bd-b23e-10b96e40000d")), processed: true},
		{name: "empty event name", ev: ev("", web, "no-name"), field: "event_name"},
		{name: "malformed name Checkout!", ev: ev("Checkout!", web, "bang"), field: "event_name"},
		{name: "malformed name CHECKOUT", ev: ev("CHECKOUT", web, "upper"), field: "event_name"},
		{name: "well-formed unknown name", ev: ev("future_event_name", web, "future"), rejected: "event_name", warning: "event_name"},
		{name: "valid IP and user agent", ev: ev(co, pinterest.SourceOffline, "ok-ipua").User(pinterest.NewUserData().ClientIP("203.0.113.9").UserAgent("UA/1.0")), processed: true},
		{name: "unknown action source", ev: ev(co, "email", "src"), field: "action_source"},
		{name: "empty action source", ev: ev(co, "", "nosrc"), field: "action_source"},
		{name: "empty id", ev: ev(co, web, ""), field: "event_id"},
		{name: "blank id", ev: ev(co, web, "  "), field: "event_id"},
		{name: "value -1", ev: ev(co, web, "neg").Custom(pinterest.CustomData{Value: "-1"}), field: "custom_data.value"},
		{name: "value abc", ev: ev(co, web, "abc").Custom(pinterest.CustomData{Value: "abc"}), field: "custom_data.value"},
		{name: "value NaN", ev: ev(co, web, "nan").Custom(pinterest.CustomData{Value: "NaN"}), field: "custom_data.value"},
		{name: "value 1e400", ev: ev(co, web, "inf").Custom(pinterest.CustomData{Value: "1e400"}), field: "custom_data.value"},
		{name: "predicted ltv -3", ev: ev(co, web, "ltv").Custom(pinterest.CustomData{PredictedLTV: "-3"}), field: "custom_data.predicted_ltv"},
		{name: "negative num_items", ev: ev(co, web, "items").Custom(pinterest.CustomData{NumItems: -1}), field: "custom_data.num_items"},
		{name: "currency US", ev: ev(co, web, "cur").Custom(pinterest.CustomData{Currency: "US"}), field: "custom_data.currency"},
		{name: "1001 contents", ev: ev(co, web, "contents").Custom(pinterest.CustomData{Contents: make([]pinterest.Content, 1001)}), field: "custom_data.contents"},
		{name: "1000 contents", ev: ev(co, web, "contents-1000").Custom(pinterest.CustomData{Contents: make([]pinterest.Content, 1000)}), processed: true},
		{name: "1001 content ids", ev: ev(co, web, "ids").Custom(pinterest.CustomData{ContentIDs: make([]string, 1001)}), field: "custom_data.content_ids"},
		{name: "item price abc", ev: ev(co, web, "price").Custom(pinterest.CustomData{Contents: []pinterest.Content{{ItemPrice: "abc"}}}), field: "custom_data.contents.item_price"},
		{name: "negative quantity", ev: ev(co, web, "qty").Custom(pinterest.CustomData{Contents: []pinterest.Content{{Quantity: -2}}}), field: "custom_data.contents.quantity"},
		{name: "invalid UTF-8 content name", ev: ev(co, web, "utf8-item").Custom(pinterest.CustomData{Contents: []pinterest.Content{{ItemName: "bad \xff"}}}), field: "custom_data.contents"},
		{name: "invalid UTF-8 URL", ev: ev(co, web, "utf8-url").URL("https://x.example/\xff"), field: "event_source_url"},
		{name: "event time 2 hours ahead", ev: ev(co, web, "future-time").At(now.Add(2 * time.Hour)), field: "event_time"},
		{name: "event time 30 minutes ahead", ev: ev(co, web, "soon").At(now.Add(30 * time.Minute)), processed: true},
		{name: "event time 1970", ev: ev(co, web, "epoch").At(time.Unix(0, 0)), field: "event_time"},
		{name: "event time 8 days ago", ev: ev(co, web, "old").At(now.Add(-8 * 24 * time.Hour)), rejected: "7 days", warning: "event_time"},
		{name: "form factor phone", ev: ev(co, web, "ff").Device(pinterest.DeviceInfo{FormFactor: "phone"}), field: "device_info.form_factor"},
		{name: "battery 101", ev: ev(co, web, "bat").Device(pinterest.DeviceInfo{BatteryLevel: 101}), field: "device_info.battery_level"},
		{name: "window width 30721", ev: ev(co, web, "win").App(pinterest.AppInfo{WindowWidth: 30721}), field: "app_info.window_width"},
		{name: "vendor id -1", ev: ev(co, web, "vendor").Custom(pinterest.CustomData{ExternalMeasurementVendorID: -1}), field: "custom_data.external_measurement_vendor_id"},
		{name: "30 e-mails, one twice", ev: ev(co, web, "many-emails").User(manyEmails), processed: true},
		{name: "valid last", ev: ev(pinterest.EventLead, pinterest.SourceAppIOS, "ok-last"), processed: true},
	}
	evs := make([]*pinterest.Event, len(cases))
	for i, tc := range cases {
		evs[i] = tc.ev
	}
	srv := pinteresttest.NewServerT(t)
	c := sendClient(t, srv)
	res, err := c.Send(context.Background(), sendAdAccount, evs...)
	if res == nil || len(res.Results) != len(cases) {
		t.Fatalf("Send returned %v results, want %d (err %v)", res, len(cases), err)
	}

	failed := 0
	var wantProcessed []string
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := res.Results[i]
			if r.Index != i {
				t.Errorf("Index %d, want %d", r.Index, i)
			}
			if tc.ev != nil && r.EventID != tc.ev.EventID() {
				t.Errorf("EventID %q, want %q", r.EventID, tc.ev.EventID())
			}
			if tc.warning != "" && !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, tc.warning) }) {
				t.Errorf("Warnings %q, want one mentioning %q", r.Warnings, tc.warning)
			}
			switch {
			case tc.processed:
				if !r.OK() || r.Err != nil {
					t.Errorf("status %s, err %v; want processed", r.Status, r.Err)
				}
			case tc.field != "":
				var fe *pinterest.FieldError
				if r.OK() || !errors.As(r.Err, &fe) {
					t.Fatalf("status %s, err %v (%T); want failed with a *FieldError", r.Status, r.Err, r.Err)
				}
				if fe.Field != tc.field || !errors.Is(r.Err, pinterest.ErrInvalidValue) {
					t.Errorf("FieldError.Field %q (%v), want %q", fe.Field, fe, tc.field)
				}
				if r.Attempts != 0 {
					t.Errorf("Attempts %d for a locally failed event, want 0", r.Attempts)
				}
			case tc.rejected != "":
				var ee *pinterest.EventError
				if r.OK() || !errors.As(r.Err, &ee) || !errors.Is(r.Err, pinterest.ErrEventRejected) {
					t.Fatalf("status %s, err %v (%T); want failed with an *EventError", r.Status, r.Err, r.Err)
				}
				if !strings.Contains(ee.Message, tc.rejected) {
					t.Errorf("EventError.Message %q, want it to mention %q", ee.Message, tc.rejected)
				}
				if r.Attempts != 1 {
					t.Errorf("Attempts %d, want 1", r.Attempts)
				}
			}
		})
		if tc.processed {
			wantProcessed = append(wantProcessed, tc.ev.EventID())
		} else {
			failed++
		}
	}

	var se *pinterest.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want a *SendError", err, err)
	}
	if se.Failed != failed || se.Total != len(cases) || res.Failed != failed || res.Processed != len(wantProcessed) {
		t.Errorf("SendError %d of %d failed, Response %d failed %d processed; want %d of %d, %d processed",
			se.Failed, se.Total, res.Failed, res.Processed, failed, len(cases), len(wantProcessed))
	}
	if len(res.Failures()) != failed {
		t.Errorf("Failures() has %d results, want %d", len(res.Failures()), failed)
	}
	var fe *pinterest.FieldError
	var ee *pinterest.EventError
	if !errors.As(err, &fe) || !errors.As(err, &ee) || !errors.Is(err, pinterest.ErrInvalidValue) || !errors.Is(err, pinterest.ErrEventRejected) {
		t.Errorf("errors.As/Is do not reach a *FieldError and an *EventError through %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%d of %d events failed", failed, len(cases))) {
		t.Errorf("error text %q does not count the failures", err)
	}
	if res.Attempts != 1 || len(srv.Requests()) != 1 {
		t.Errorf("Response.Attempts %d, server saw %d requests, want 1", res.Attempts, len(srv.Requests()))
	}
	var got []string
	for _, e := range srv.Events() {
		got = append(got, e.EventID)
		if e.EventID == "many-emails" {
			if diff := cmp.Diff(wantEm, e.UserData.Em); diff != "" {
				t.Errorf("em of many-emails (-want +got):\n%s", diff)
			}
		}
	}
	if diff := cmp.Diff(wantProcessed, got); diff != "" {
		t.Errorf("events recorded by the server (-want +got):\n%s", diff)
	}
}

// ---------------------------------------------------------------------------
// 5. No events, invalid ad account ids, a context already done.

func TestSendNoEvents(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	c := sendClient(t, srv)
	for _, tc := range []struct {
		name string
		evs  []*pinterest.Event
	}{{"no arguments", nil}, {"empty slice", []*pinterest.Event{}}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.Send(context.Background(), sendAdAccount, tc.evs...)
			if res != nil || !errors.Is(err, pinterest.ErrNoEvents) {
				t.Errorf("Send() = %v, %v; want nil, ErrNoEvents", res, err)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made, want 0", n)
	}
}

func TestSendInvalidAdAccountID(t *testing.T) {
	for _, id := range []string{"", "abc", "1234567890123456789", "12-3", " 123", "123 ", "١٢٣", "12/../3", "-1"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			c := sendClient(t, srv)
			evs, _ := sendSimpleEvents(3, "acct")
			res, err := c.Send(context.Background(), id, evs...)
			if res == nil || len(res.Results) != 3 {
				t.Fatalf("Send = %v, %v; want 3 results", res, err)
			}
			for i, r := range res.Results {
				var fe *pinterest.FieldError
				if r.OK() || !errors.As(r.Err, &fe) || fe.Field != "ad_account_id" {
					t.Errorf("Results[%d] = %+v, want failed with FieldError ad_account_id", i, r)
				}
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != 3 || !errors.Is(err, pinterest.ErrInvalidValue) {
				t.Errorf("err = %v, want a *SendError with 3 failed, reaching ErrInvalidValue", err)
			}
			if res.Attempts != 0 || len(srv.Requests()) != 0 {
				t.Errorf("requests made: %d (server saw %d), want 0", res.Attempts, len(srv.Requests()))
			}
		})
	}
	t.Run("18 digits is valid", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t)
		c := sendClient(t, srv)
		evs, _ := sendSimpleEvents(1, "acct18")
		if res, err := c.Send(context.Background(), "123456789012345678", evs...); err != nil {
			t.Errorf("Send: %v; %s", err, sendFailures(res))
		}
	})
}

// sendErrList is an error of an uncomparable type, as a context cause may be.
type sendErrList []string

func (e sendErrList) Error() string { return "shutdown: " + strings.Join(e, ", ") }

// sendCall runs Send, turning a panic into an error for the test.
func sendCall(ctx context.Context, c *pinterest.Client, evs []*pinterest.Event) (res *pinterest.Response, panicked any, err error) {
	defer func() { panicked = recover() }()
	res, err = c.Send(ctx, sendAdAccount, evs...)
	return res, nil, err
}

func TestSendContextDone(t *testing.T) {
	errShutdown := errors.New("shutting down")
	cases := []struct {
		name  string
		ctx   func() context.Context
		check func(error) bool
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"deadline passed", func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			t.Cleanup(cancel)
			return ctx
		}, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"cancelled with a cause", func() context.Context {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errShutdown)
			return ctx
		}, func(err error) bool { return errors.Is(err, errShutdown) }},
		{"cancelled with a cause of an uncomparable type", func() context.Context {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(sendErrList{"drain", "stop"})
			return ctx
		}, func(err error) bool { var l sendErrList; return errors.As(err, &l) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			c := sendClient(t, srv)
			evs, _ := sendSimpleEvents(4, "ctx")
			evs = append(evs, pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).User(pinterest.NewUserData().Email("a@b.example")))
			res, p, err := sendCall(tc.ctx(), c, evs)
			if p != nil {
				t.Fatalf("Send panicked: %v", p)
			}
			if res == nil || len(res.Results) != len(evs) {
				t.Fatalf("Send = %v, %v; want %d results", res, err, len(evs))
			}
			for i, r := range res.Results[:4] {
				if r.OK() || !tc.check(r.Err) || r.Attempts != 0 {
					t.Errorf("Results[%d] = %+v, want failed with the context's error, 0 attempts", i, r)
				}
			}
			var fe *pinterest.FieldError
			if last := res.Results[4]; !errors.As(last.Err, &fe) || fe.Field != "event_id" {
				t.Errorf("invalid event: err %v, want its own FieldError event_id", last.Err)
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != len(evs) || !tc.check(err) {
				t.Errorf("err = %v, want a *SendError with %d failed reaching the context's error", err, len(evs))
			}
			if res.Attempts != 0 || len(srv.Requests()) != 0 {
				t.Errorf("requests made: %d (server saw %d), want 0", res.Attempts, len(srv.Requests()))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 6. Pinterest's per-event verdicts mapped back to the results.

func TestSendServerEventFailures(t *testing.T) {
	num := func(id string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(id, "srv-"))
		if err != nil {
			panic(err)
		}
		return n
	}
	cases := []struct {
		name       string
		srvOpts    []pinteresttest.Option
		perReq     int
		failAll    bool
		wantStatus int // of requests with a failed event
	}{
		{name: "200 with per-event statuses", perReq: 7, wantStatus: 200},
		{name: "422 with details", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 7, wantStatus: 422},
		{name: "422, one request", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 1000, wantStatus: 422},
		{name: "200, every event failed", perReq: 5, failAll: true, wantStatus: 200},
		{name: "422, every event failed", srvOpts: []pinteresttest.Option{pinteresttest.WithPartialFailureStatus(422)}, perReq: 5, failAll: true, wantStatus: 422},
	}
	const n = 40
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t, tc.srvOpts...)
			srv.FailEvents(func(e pinteresttest.Event) string {
				if tc.failAll || num(e.EventID)%2 == 1 {
					return "bad thing"
				}
				return ""
			})
			srv.WarnEvents(func(e pinteresttest.Event) string {
				if num(e.EventID)%3 == 0 {
					return "warning for " + e.EventID
				}
				return ""
			})
			c := sendClient(t, srv, pinterest.WithMaxEventsPerRequest(tc.perReq))
			evs, ids := sendSimpleEvents(n, "srv")
			res, err := c.Send(context.Background(), sendAdAccount, evs...)
			if res == nil || len(res.Results) != n {
				t.Fatalf("Send = %v, %v", res, err)
			}
			var wantOK []string
			wantFailed := 0
			for i, r := range res.Results {
				fail := tc.failAll || i%2 == 1
				if r.Index != i || r.EventID != ids[i] || r.Attempts != 1 {
					t.Errorf("Results[%d] = %+v, want index %d id %q, 1 attempt", i, r, i, ids[i])
				}
				var ee *pinterest.EventError
				switch {
				case fail && (r.OK() || !errors.As(r.Err, &ee) || ee.Message != "bad thing" || !errors.Is(r.Err, pinterest.ErrEventRejected)):
					t.Errorf("Results[%d]: status %s err %v (%T), want failed with EventError \"bad thing\"", i, r.Status, r.Err, r.Err)
				case !fail && (!r.OK() || r.Err != nil):
					t.Errorf("Results[%d]: status %s err %v, want processed", i, r.Status, r.Err)
				}
				if fail {
					wantFailed++
				} else {
					wantOK = append(wantOK, ids[i])
				}
				var wantWarn []string
				if i%3 == 0 {
					wantWarn = []string{"warning for " + ids[i]}
				}
				if diff := cmp.Diff(wantWarn, r.Warnings); diff != "" {
					t.Errorf("Results[%d].Warnings (-want +got):\n%s", i, diff)
				}
			}
			if res.Processed != n-wantFailed || res.Failed != wantFailed {
				t.Errorf("Processed %d Failed %d, want %d %d", res.Processed, res.Failed, n-wantFailed, wantFailed)
			}
			var se *pinterest.SendError
			var ee *pinterest.EventError
			if !errors.As(err, &se) || se.Failed != wantFailed || !errors.As(err, &ee) || !errors.Is(err, pinterest.ErrEventRejected) {
				t.Errorf("err = %v, want a *SendError with %d failed reaching *EventError", err, wantFailed)
			}
			var ae *pinterest.APIError
			if errors.As(err, &ae) {
				t.Errorf("err reaches an *APIError (%v), want per-event errors only", ae)
			}
			wantReqs := (n + tc.perReq - 1) / tc.perReq
			reqs := srv.Requests()
			if res.Attempts != wantReqs || len(reqs) != wantReqs {
				t.Errorf("Response.Attempts %d, server saw %d, want %d (no retries)", res.Attempts, len(reqs), wantReqs)
			}
			for _, rq := range reqs {
				if rq.Status != tc.wantStatus {
					t.Errorf("a request was answered %d, want %d", rq.Status, tc.wantStatus)
				}
			}
			var got []string
			for _, e := range srv.Events() {
				got = append(got, e.EventID)
			}
			sort.Strings(got)
			if diff := cmp.Diff(wantOK, got); diff != "" {
				t.Errorf("events recorded (-want +got):\n%s", diff)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 7. Every error answer.

func TestSendErrorAnswers(t *testing.T) {
	html := "<html><body><h1>502 Bad Gateway</h1>oops</body></html>"
	noRetry := []pinterest.Option{pinterest.WithoutRetries()}
	// Retries stay on for the 4xx cases, to show they are not retried; the
	// clock jumps over any backoff, so a wrong retry would not slow the test.
	autoClock := []pinterest.Option{pinterest.WithClock(clock.NewAuto(time.Now()))}
	cases := []struct {
		name        string
		srvOpts     []pinteresttest.Option
		token       string
		fault       *pinteresttest.Fault
		opts        []pinterest.Option
		transport   bool // a *TransportError, no *APIError
		wantStatus  int
		wantCode    int
		wantIs      []error
		wantNotIs   []error
		wantText    []string
		wantDetails string
		wantRetry   time.Duration
	}{
		{name: "400", fault: &pinteresttest.Fault{Status: 400}, opts: autoClock, wantStatus: 400, wantCode: 4196,
			wantIs: []error{pinterest.ErrInvalidRequest}, wantNotIs: []error{pinterest.ErrMalformedResponse, pinterest.ErrServer},
			wantText: []string{"400", "4196", "The request was invalid."}},
		{name: "400 with message", fault: &pinteresttest.Fault{Status: 400, Message: "Invalid request: Additional properties are not allowed ('x' was unexpected)\nsecond line"},
			opts: autoClock, wantStatus: 400, wantCode: 4196, wantIs: []error{pinterest.ErrInvalidRequest},
			wantText: []string{"Additional properties are not allowed"}},
		{name: "401 wrong token", srvOpts: []pinteresttest.Option{pinteresttest.WithToken("right-token")}, token: "wrong-token",
			opts: autoClock, wantStatus: 401, wantCode: 2, wantIs: []error{pinterest.ErrUnauthorized},
			wantText: []string{"401", "Authentication failed."}},
		{name: "403", fault: &pinteresttest.Fault{Status: 403}, opts: autoClock, wantStatus: 403, wantCode: 29,
			wantIs: []error{pinterest.ErrForbidden}, wantText: []string{"403"}},
		{name: "403 ad account not permitted", srvOpts: []pinteresttest.Option{pinteresttest.WithAdAccounts("1")}, opts: autoClock,
			wantStatus: 403, wantCode: 29, wantIs: []error{pinterest.ErrForbidden}},
		{name: "404", fault: &pinteresttest.Fault{Status: 404}, opts: autoClock, wantStatus: 404, wantCode: 404,
			wantIs: []error{pinterest.ErrInvalidRequest}},
		{name: "422 with empty details", fault: &pinteresttest.Fault{Status: 422}, opts: autoClock, wantStatus: 422, wantCode: 4199,
			wantIs: []error{pinterest.ErrNotAllProcessed}, wantNotIs: []error{pinterest.ErrMalformedResponse}, wantDetails: `{}`},
		{name: "422 with unusable details", fault: &pinteresttest.Fault{Status: 422,
			Body: `{"code":4199,"message":"Not all events were successfully processed.","details":{"reason":"x","events":"n/a"}}`},
			opts: autoClock, wantStatus: 422, wantCode: 4199, wantIs: []error{pinterest.ErrNotAllProcessed},
			wantDetails: `{"reason":"x","events":"n/a"}`},
		{name: "422 with details for other events", fault: &pinteresttest.Fault{Status: 422,
			Body: `{"code":4199,"message":"Not all events were successfully processed.","details":{"num_events_received":1,"num_events_processed":0,"events":[{"status":"failed","error_message":"x"}]}}`},
			opts: autoClock, wantStatus: 422, wantCode: 4199, wantIs: []error{pinterest.ErrNotAllProcessed},
			wantDetails: `{"num_events_received":1,"num_events_processed":0,"events":[{"status":"failed","error_message":"x"}]}`},
		{name: "422 without a body", fault: &pinteresttest.Fault{Status: 422, Body: " "}, opts: autoClock, wantStatus: 422,
			wantIs: []error{pinterest.ErrNotAllProcessed}},
		{name: "200 with an HTML body", fault: &pinteresttest.Fault{Body: html}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200", "<html>"}},
		{name: "400 with an HTML body", fault: &pinteresttest.Fault{Status: 400, Body: html}, opts: autoClock, wantStatus: 400,
			wantIs: []error{pinterest.ErrInvalidRequest, pinterest.ErrMalformedResponse}, wantText: []string{"400", "<html>"}},
		{name: "502 with an HTML body", fault: &pinteresttest.Fault{Status: 502, Body: html}, opts: noRetry, wantStatus: 502,
			wantIs: []error{pinterest.ErrServer, pinterest.ErrMalformedResponse}, wantText: []string{"502", "<html>"}},
		{name: "200 with JSON without events", fault: &pinteresttest.Fault{Body: `{"ok":true}`}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200"}},
		{name: "200 with a wrong number of statuses", fault: &pinteresttest.Fault{Body: `{"num_events_received":3,"num_events_processed":1,"events":[{"status":"processed"}]}`},
			opts: noRetry, wantStatus: 200, wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200"}},
		{name: "200 truncated", fault: &pinteresttest.Fault{Truncate: true}, opts: noRetry, wantStatus: 200,
			wantIs: []error{pinterest.ErrMalformedResponse}, wantText: []string{"200", "cut short"}},
		{name: "400 truncated", fault: &pinteresttest.Fault{Status: 400, Truncate: true}, opts: autoClock, wantStatus: 400,
			wantIs: []error{pinterest.ErrInvalidRequest, pinterest.ErrMalformedResponse}, wantText: []string{"400", "cut short"}},
		{name: "429", fault: &pinteresttest.Fault{Status: 429, RetryAfter: "7"}, opts: noRetry, wantStatus: 429, wantCode: 8,
			wantIs: []error{pinterest.ErrRateLimited}, wantNotIs: []error{pinterest.ErrServer}, wantText: []string{"429"}, wantRetry: 7 * time.Second},
		{name: "503", fault: &pinteresttest.Fault{Status: 503}, opts: noRetry, wantStatus: 503, wantCode: 4197,
			wantIs: []error{pinterest.ErrUnavailable}, wantNotIs: []error{pinterest.ErrServer}, wantText: []string{"503"}},
		{name: "500", fault: &pinteresttest.Fault{Status: 500}, opts: noRetry, wantStatus: 500, wantCode: 500,
			wantIs: []error{pinterest.ErrServer}, wantText: []string{"500"}},
		{name: "502", fault: &pinteresttest.Fault{Status: 502}, opts: noRetry, wantStatus: 502, wantCode: 502, wantIs: []error{pinterest.ErrServer}},
		{name: "504", fault: &pinteresttest.Fault{Status: 504}, opts: noRetry, wantStatus: 504, wantCode: 504, wantIs: []error{pinterest.ErrServer}},
		{name: "connection dropped", fault: &pinteresttest.Fault{Drop: true}, opts: noRetry, transport: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t, tc.srvOpts...)
			if tc.fault != nil {
				srv.Enqueue(*tc.fault)
			}
			token := sendToken
			if tc.token != "" {
				token = tc.token
			}
			c := sendClientToken(t, srv, token, tc.opts...)
			evs, _ := sendSimpleEvents(3, "errs")
			res, err := c.Send(context.Background(), sendAdAccount, evs...)
			if res == nil || len(res.Results) != 3 {
				t.Fatalf("Send = %v, %v", res, err)
			}
			t.Logf("Send error: %v", err)
			first := res.Results[0].Err
			for i, r := range res.Results {
				if r.OK() || r.Err == nil || r.Err != first || r.Attempts != 1 {
					t.Errorf("Results[%d] = %+v, want failed with the request's error after 1 attempt", i, r)
				}
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != 3 || se.Total != 3 {
				t.Fatalf("err = %v (%T), want a *SendError with 3 of 3 failed", err, err)
			}
			if n := len(srv.Requests()); n != 1 || res.Attempts != 1 {
				t.Errorf("server saw %d requests, Response.Attempts %d, want 1 (not retried)", n, res.Attempts)
			}
			if n := len(srv.Events()); n != 0 {
				t.Errorf("server recorded %d events, want 0", n)
			}
			for _, s := range []string{err.Error(), first.Error(), fmt.Sprintf("%+v", err)} {
				if strings.Contains(s, token) {
					t.Errorf("error text has the token: %s", s)
				}
				if strings.ContainsAny(s, "\r\n") {
					t.Errorf("error text is not one line: %q", s)
				}
			}
			if tc.transport {
				var te *pinterest.TransportError
				var ae *pinterest.APIError
				if !errors.As(err, &te) || errors.As(err, &ae) {
					t.Errorf("err = %v, want a *TransportError and no *APIError", err)
				}
				return
			}
			var ae *pinterest.APIError
			if !errors.As(first, &ae) || !errors.As(err, new(*pinterest.APIError)) {
				t.Fatalf("event error %v (%T), want an *APIError reachable from Send's error too", first, first)
			}
			if ae.StatusCode != tc.wantStatus || ae.Code != tc.wantCode {
				t.Errorf("APIError status %d code %d, want %d %d (%v)", ae.StatusCode, ae.Code, tc.wantStatus, tc.wantCode, ae)
			}
			if string(ae.Details) != tc.wantDetails {
				t.Errorf("APIError.Details = %s, want %s", ae.Details, tc.wantDetails)
			}
			if ae.RetryAfter != tc.wantRetry {
				t.Errorf("APIError.RetryAfter = %v, want %v", ae.RetryAfter, tc.wantRetry)
			}
			for _, target := range tc.wantIs {
				if !errors.Is(first, target) || !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			for _, target := range tc.wantNotIs {
				if errors.Is(first, target) {
					t.Errorf("errors.Is(%v, %v) = true", first, target)
				}
			}
			for _, s := range tc.wantText {
				if !strings.Contains(first.Error(), s) || !strings.Contains(err.Error(), s) {
					t.Errorf("error text %q (Send: %q) does not contain %q", first, err, s)
				}
			}
			if len(ae.Excerpt) > 64*3 {
				t.Errorf("Excerpt is %d bytes long", len(ae.Excerpt))
			}
		})
	}

	t.Run("only the events of the failed request fail", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t)
		srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
		c := sendClient(t, srv, pinterest.WithMaxEventsPerRequest(2), pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewAuto(time.Now())))
		evs, _ := sendSimpleEvents(5, "part")
		res, err := c.Send(context.Background(), sendAdAccount, evs...)
		if res == nil {
			t.Fatalf("Send = nil, %v", err)
		}
		want := []pinterest.EventStatus{"processed", "processed", "failed", "failed", "processed"}
		var got []pinterest.EventStatus
		for _, r := range res.Results {
			got = append(got, r.Status)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		var se *pinterest.SendError
		if !errors.As(err, &se) || se.Failed != 2 || !errors.Is(err, pinterest.ErrInvalidRequest) || res.Attempts != 3 {
			t.Errorf("err = %v, Requests %d; want 2 failed by ErrInvalidRequest in 3 requests", err, res.Attempts)
		}
	})
}

// ---------------------------------------------------------------------------
// 8. Security: the token, the base URL, the headers, test mode.

// sendLogger returns a JSON logger at Debug level writing to buf, without
// timestamps.
func sendLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// sendErrTexts collects the texts of Send's error and every result.
func sendErrTexts(res *pinterest.Response, err error) []string {
	var out []string
	if err != nil {
		out = append(out, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
	}
	if res != nil {
		out = append(out, fmt.Sprintf("%v %+v", res, *res))
		for _, r := range res.Results {
			if r.Err != nil {
				out = append(out, r.Err.Error(), fmt.Sprintf("%+v", r.Err))
			}
			out = append(out, r.Warnings...)
		}
	}
	return out
}

func TestSendSecurity(t *testing.T) {
	t.Run("the token is only in the Authorization header", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(sendToken))
		var logs bytes.Buffer
		c := sendClient(t, srv, pinterest.WithLogger(sendLogger(&logs)), pinterest.WithMaxEventsPerRequest(2),
			pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewAuto(time.Now())), pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 2}))
		wrongToken := "wrong-" + sendToken
		wrong := sendClientToken(t, srv, wrongToken, pinterest.WithLogger(sendLogger(&logs)))
		srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{Status: 400}, pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Body: "<html>"})
		evs, _ := sendSimpleEvents(7, "sec")
		evs = append(evs, pinterest.NewEvent("bad!", pinterest.SourceWeb))
		res, err := c.Send(context.Background(), sendAdAccount, evs...)
		texts := sendErrTexts(res, err)
		res2, err2 := wrong.Send(context.Background(), sendAdAccount, evs[:2]...)
		texts = append(texts, sendErrTexts(res2, err2)...)
		if !errors.Is(err2, pinterest.ErrUnauthorized) {
			t.Errorf("wrong token: err %v, want ErrUnauthorized", err2)
		}
		if _, err := pinterest.NewClient("abc "+sendToken, pinterest.WithBaseURL(srv.URL)); err == nil {
			t.Errorf("NewClient accepted a token with a space")
		} else {
			texts = append(texts, err.Error())
		}
		texts = append(texts, logs.String(), c.String(), wrong.String(),
			fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v", wrong, wrong, wrong))
		reqs := srv.Requests()
		if len(reqs) < 6 {
			t.Fatalf("server saw %d requests, want at least 6", len(reqs))
		}
		for i, rq := range reqs {
			if (i < len(reqs)-1) != rq.Authorized {
				t.Errorf("request %d: Authorized %v", i, rq.Authorized)
			}
			texts = append(texts, string(rq.Body), rq.Path, rq.RawQuery, fmt.Sprint(rq.Header))
		}
		if logs.Len() == 0 {
			t.Errorf("nothing logged")
		}
		for _, s := range texts {
			for _, tok := range []string{sendToken, strings.ToLower(sendToken), wrongToken} {
				if strings.Contains(s, tok) {
					t.Errorf("the token appears in: %.300s", s)
				}
			}
		}
	})

	t.Run("base URL", func(t *testing.T) {
		for _, tc := range []struct {
			url string
			ok  bool
		}{
			{"http://example.com", false},
			{"http://example.com:80", false},
			{"http://0.0.0.0:1", false},
			{"http://10.0.0.1:1", false},
			{"http://127.0.0.1.example.com:1", false},
			{"http://localhost.example.com:1", false},
			{"ftp://x", false},
			{"ftp://127.0.0.1", false},
			{"//127.0.0.1:1", false},
			{"127.0.0.1:1", false},
			{"", false},
			{"https://user:pass@example.com", false},
			{"https://example.com?x=1", false},
			{"https://example.com#frag", false},
			{"http://127.0.0.1:1", true},
			{"http://127.9.8.7:1", true},
			{"http://[::1]:1", true},
			{"http://[::ffff:127.0.0.1]:1", true},
			{"http://localhost:1", true},
			{"http://LOCALHOST:1", true},
			{"https://example.com", true},
			{"https://example.com/", true},
			{"https://api.pinterest.com", true},
			{"https://proxy.example/pinterest", true},
		} {
			t.Run(tc.url, func(t *testing.T) {
				_, err := pinterest.NewClient(sendToken, pinterest.WithBaseURL(tc.url))
				if (err == nil) != tc.ok {
					t.Errorf("WithBaseURL(%q): err %v, want ok %v", tc.url, err, tc.ok)
				}
				if err != nil && strings.Contains(err.Error(), sendToken) {
					t.Errorf("error has the token: %v", err)
				}
			})
		}
	})

	t.Run("headers", func(t *testing.T) {
		for _, tc := range []struct {
			name, product string
		}{{"default", ""}, {"with product", "myshop/1.2"}} {
			t.Run(tc.name, func(t *testing.T) {
				srv := pinteresttest.NewServerT(t)
				var opts []pinterest.Option
				if tc.product != "" {
					opts = append(opts, pinterest.WithUserAgent(tc.product))
				}
				c := sendClient(t, srv, opts...)
				if _, err := c.Send(context.Background(), sendAdAccount, sendValidEvent("hdr")); err != nil {
					t.Fatal(err)
				}
				rq := srv.Requests()[0]
				sdk := "capisdk-pinterest-go/" + pinterest.Version
				wantPrefix := sdk
				if tc.product != "" {
					wantPrefix = tc.product + " " + sdk
				}
				if !strings.HasPrefix(rq.UserAgent, wantPrefix) {
					t.Errorf("User-Agent %q, want prefix %q", rq.UserAgent, wantPrefix)
				}
				if rq.ContentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", rq.ContentType)
				}
				if rq.Method != "POST" || rq.Path != "/v5/ad_accounts/"+sendAdAccount+"/events" || rq.RawQuery != "" || rq.Test {
					t.Errorf("request %s %s?%s (test %v), want POST /v5/ad_accounts/%s/events", rq.Method, rq.Path, rq.RawQuery, rq.Test, sendAdAccount)
				}
				if rq.Header.Get("Content-Encoding") != "" {
					t.Errorf("Content-Encoding %q", rq.Header.Get("Content-Encoding"))
				}
			})
		}
		for _, bad := range []string{"a\r\nX-Evil: 1", "a\nb", strings.Repeat("x", 257)} {
			if _, err := pinterest.NewClient(sendToken, pinterest.WithUserAgent(bad)); err == nil {
				t.Errorf("WithUserAgent(%.20q) accepted", bad)
			}
		}
	})

	t.Run("test mode", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t)
		c := sendClient(t, srv, pinterest.WithTestMode())
		evs, _ := sendSimpleEvents(3, "testmode")
		res, err := c.Send(context.Background(), sendAdAccount, evs...)
		if err != nil || res.Processed != 3 {
			t.Fatalf("Send: %v; %s", err, sendFailures(res))
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || !reqs[0].Test || reqs[0].RawQuery != "test=true" {
			t.Fatalf("requests %+v, want one with ?test=true", reqs)
		}
		if n := len(srv.Events()); n != 0 {
			t.Errorf("server recorded %d events of a test request", n)
		}
		if !strings.Contains(c.String(), "test=true") {
			t.Errorf("String() = %q does not show test mode", c.String())
		}
	})
}

// ---------------------------------------------------------------------------
// 9. No raw personal data leaves the builder, except the plain fields in the
// request body.

// sendPII is a raw value handed to a UserData setter and the strings that
// must not be found where it must not go (searched case-insensitively).
type sendPII struct {
	set     func(*pinterest.UserData, string)
	raw     string
	needles []string
}

var (
	sendSetEmail    = func(u *pinterest.UserData, v string) { u.Email(v) }
	sendSetPhone    = func(u *pinterest.UserData, v string) { u.Phone(v) }
	sendSetGender   = func(u *pinterest.UserData, v string) { u.Gender(v) }
	sendSetDOB      = func(u *pinterest.UserData, v string) { u.DateOfBirthString(v) }
	sendSetFirst    = func(u *pinterest.UserData, v string) { u.FirstName(v) }
	sendSetLast     = func(u *pinterest.UserData, v string) { u.LastName(v) }
	sendSetCity     = func(u *pinterest.UserData, v string) { u.City(v) }
	sendSetState    = func(u *pinterest.UserData, v string) { u.State(v) }
	sendSetZip      = func(u *pinterest.UserData, v string) { u.Zip(v) }
	sendSetCountry  = func(u *pinterest.UserData, v string) { u.Country(v) }
	sendSetExtID    = func(u *pinterest.UserData, v string) { u.ExternalID(v) }
	sendSetMAID     = func(u *pinterest.UserData, v string) { u.MobileAdID(v) }
	sendSetIP       = func(u *pinterest.UserData, v string) { u.ClientIP(v) }
	sendSetUA       = func(u *pinterest.UserData, v string) { u.UserAgent(v) }
	sendSetClickID  = func(u *pinterest.UserData, v string) { u.ClickID(v) }
	sendSetPartner  = func(u *pinterest.UserData, v string) { u.PartnerID(v) }
	sendSetHashedEm = func(u *pinterest.UserData, v string) { u.Hashed(pinterest.FieldEmail, v) }
)

var sendHashScrub = regexp.MustCompile(`[0-9a-f]{64}|"event_time":[0-9]+`)

func TestSendNoRawPII(t *testing.T) {
	// Hashed fields: never anywhere, in any form.
	hashed := []sendPII{
		{sendSetEmail, "Jane.Doe@Example.com", []string{"jane.doe@example.com", "jane.doe", "example.com"}},
		{sendSetPhone, "+1 (650) 555-0100", []string{"+1 (650) 555-0100", "16505550100", "6505550100", "555-0100"}},
		{sendSetGender, "Female", nil}, // "f" and "female" are too common to search for
		{sendSetDOB, "1985-07-04", []string{"1985-07-04", "19850704"}},
		{sendSetFirst, "Jane", []string{"jane"}},
		{sendSetLast, "O'Brien", []string{"o'brien", "brien"}},
		{sendSetCity, "Menlo Park", []string{"menlo park", "menlopark"}},
		{sendSetState, "California", []string{"california"}},
		{sendSetZip, "94025", []string{"94025"}},
		{sendSetCountry, "United States", []string{"united states"}},
		{sendSetExtID, "Cust-42", []string{"cust-42"}},
		{sendSetMAID, "6D92078A-8246-4BA4-AE5B-76104861E7DC", []string{"6d92078a-8246-4ba4-ae5b-76104861e7dc", "76104861e7dc"}},
	}
	// Invalid values: dropped with a warning; never anywhere either.
	invalid := []sendPII{
		{sendSetEmail, "not-an-email", []string{"not-an-email"}},
		{sendSetEmail, "jane@@Example.org", []string{"@@", "example.org"}},
		{sendSetPhone, "(555) 12", []string{"(555) 12", "55512"}},
		{sendSetGender, "Robotic", []string{"robotic"}},
		{sendSetDOB, "07/04/1985", []string{"07/04/1985"}},
		{sendSetFirst, "Zelda\x00Quux", []string{"zelda", "quux"}},
		{sendSetLast, strings.Repeat("Kowalczyk", 120), []string{"kowalczyk"}},
		{sendSetCity, "Springfield\x00Gotham", []string{"springfield", "gotham"}},
		{sendSetState, "Narnia Province", []string{"narnia"}},
		{sendSetZip, "ABCDEFGHIJK1", []string{"abcdefghijk1"}},
		{sendSetCountry, "Atlantis", []string{"atlantis"}},
		{sendSetExtID, "Loyalty\x07Walrus", []string{"walrus"}},
		{sendSetMAID, "00000000-0000-0000-0000-000000000000", []string{"00000000-0000"}},
		{sendSetIP, "999.1.1.1", []string{"999.1.1.1"}},
		{sendSetUA, "Mozilla\x01Sneaky", []string{"sneaky"}},
		{sendSetClickID, "Click\x02Zebra", []string{"zebra"}},
		{sendSetPartner, "Partner\x03Narwhal", []string{"narwhal"}},
		{sendSetHashedEm, "not-a-hash-Platypus", []string{"platypus"}},
	}
	// Plain fields: sent as they are, so only in request bodies.
	plain := []sendPII{
		{sendSetIP, "203.0.113.77", []string{"203.0.113.77"}},
		{sendSetUA, "Mozilla/5.0 (PIITest) Firefox/1.0", []string{"piitest"}},
		{sendSetClickID, "epik-Click-Heron", []string{"click-heron"}},
		{sendSetPartner, "RampID-Pelican", []string{"pelican"}},
	}
	build := func(sets ...[]sendPII) *pinterest.UserData {
		u := pinterest.NewUserData()
		for _, set := range sets {
			for _, p := range set {
				p.set(u, p.raw)
			}
		}
		u.DateOfBirth(time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)) // before 1900: a warning
		return u
	}
	users := []*pinterest.UserData{
		build(hashed, plain),          // pii-0: processed
		build(hashed, plain, invalid), // pii-1: processed with warnings
		build(invalid),                // pii-2: fails locally
		build(hashed, plain),          // pii-3: failed by the server
		build(hashed, plain, invalid), // pii-4: processed, with the server's warning
		build(hashed, invalid, plain), // pii-5: its request is answered 400
	}
	now := time.Now()
	evs := make([]*pinterest.Event, len(users))
	for i, u := range users {
		evs[i] = pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
			ID("pii-" + strconv.Itoa(i)).At(now.Add(-time.Hour)).User(u)
	}

	srv := pinteresttest.NewServerT(t)
	srv.FailEvents(func(e pinteresttest.Event) string {
		if e.EventID == "pii-3" {
			return "bad thing"
		}
		return ""
	})
	srv.WarnEvents(func(e pinteresttest.Event) string {
		if e.EventID == "pii-4" {
			return "a warning"
		}
		return ""
	})
	srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
	var logs bytes.Buffer
	c := sendClient(t, srv, pinterest.WithLogger(sendLogger(&logs)), pinterest.WithMaxEventsPerRequest(2),
		pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewFake(now)))
	res, err := c.Send(context.Background(), sendAdAccount, evs...)
	if res == nil {
		t.Fatalf("Send = nil, %v", err)
	}

	// The outcome is the one planned, so that every path was taken.
	wantStatus := []pinterest.EventStatus{"processed", "processed", "failed", "failed", "processed", "failed"}
	for i, r := range res.Results {
		if r.Status != wantStatus[i] {
			t.Errorf("Results[%d]: %s (%v), want %s", i, r.Status, r.Err, wantStatus[i])
		}
	}
	var fe *pinterest.FieldError
	var ee *pinterest.EventError
	var ae *pinterest.APIError
	if !errors.As(res.Results[2].Err, &fe) || !errors.As(res.Results[3].Err, &ee) || !errors.As(res.Results[5].Err, &ae) {
		t.Errorf("errors %v / %v / %v, want a FieldError, an EventError, an APIError", res.Results[2].Err, res.Results[3].Err, res.Results[5].Err)
	}
	wantWarnings := len(invalid) + 1 // + the date of birth of 1850
	if n := len(res.Results[1].Warnings); n != wantWarnings {
		t.Errorf("pii-1 has %d warnings, want %d: %q", n, wantWarnings, res.Results[1].Warnings)
	}
	for _, w := range res.Results[1].Warnings {
		if !strings.Contains(w, "user_data.") {
			t.Errorf("warning %q does not name a user_data field", w)
		}
	}
	if !slices.Contains(res.Results[4].Warnings, "a warning") {
		t.Errorf("pii-4 warnings %q lack the server's", res.Results[4].Warnings)
	}

	// Where personal data must not be.
	outside := sendErrTexts(res, err)
	outside = append(outside, logs.String(), c.String(), fmt.Sprintf("%v %+v %#v", c, c, c))
	for _, ev := range evs {
		outside = append(outside, ev.String(), fmt.Sprintf("%v %+v %#v %s", ev, ev, ev, ev), fmt.Sprintf("%v %+v", *ev, *ev))
	}
	var valueForms []string // print the struct fields: the plain fields are there
	for _, u := range users {
		outside = append(outside, u.String(), u.GoString(), fmt.Sprintf("%v %+v %#v %s", u, u, u, u))
		valueForms = append(valueForms, fmt.Sprintf("%v %+v", *u, *u))
		for _, w := range u.Warnings() {
			outside = append(outside, w.Error(), fmt.Sprintf("%#v", w))
		}
	}
	var bodies []string
	var allBodies string
	for _, rq := range srv.Requests() {
		allBodies += string(rq.Body)
		bodies = append(bodies, sendHashScrub.ReplaceAllString(string(rq.Body), "H"))
	}
	if logs.Len() == 0 || len(bodies) != 3 {
		t.Fatalf("%d log bytes and %d requests, want some and 3", logs.Len(), len(bodies))
	}
	// The checks below can see what they look for.
	if !strings.Contains(allBodies, pinterest.HashValue("jane.doe@example.com")) || !strings.Contains(allBodies, pinterest.HashValue("16505550100")) {
		t.Errorf("the bodies lack the expected hashes")
	}
	for _, p := range plain {
		for _, n := range p.needles {
			if !strings.Contains(strings.ToLower(allBodies), n) {
				t.Errorf("the bodies lack the plain value %q", n)
			}
		}
	}

	find := func(haystacks []string, sets ...[]sendPII) (hits []string) {
		for _, h := range haystacks {
			lh := strings.ToLower(h)
			for _, set := range sets {
				for _, p := range set {
					for _, n := range append([]string{strings.ToLower(p.raw)}, p.needles...) {
						if p.raw != "Female" && strings.Contains(lh, n) {
							hits = append(hits, fmt.Sprintf("%q in %.400s", n, h))
						}
					}
				}
			}
		}
		return hits
	}
	// The search finds what it must (a planted value, in another case).
	if hits := find([]string{"x JANE.doe@example.COM y", "pelican"}, hashed, plain); len(hits) < 2 {
		t.Fatalf("the search misses planted values: %q", hits)
	}
	for _, c := range []struct {
		kind      string
		haystacks []string
		sets      [][]sendPII
	}{
		{"a request body", bodies, [][]sendPII{hashed, invalid}},
		{"a log line, error, warning or printed value", outside, [][]sendPII{hashed, invalid, plain}},
		{"a printed UserData value", valueForms, [][]sendPII{hashed, invalid}},
	} {
		for _, hit := range find(c.haystacks, c.sets...) {
			t.Errorf("%s contains personal data: %s", c.kind, hit)
		}
	}
}

// ---------------------------------------------------------------------------
// 10. Logging.

// sendLogLines decodes JSON log lines.
func sendLogLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestSendLogging(t *testing.T) {
	path := "/v5/ad_accounts/" + sendAdAccount + "/events"
	type want struct {
		msg, level      string
		status, attempt int
		events          int
	}
	cases := []struct {
		name   string
		faults []pinteresttest.Fault
		opts   []pinterest.Option
		n      int
		want   []want
	}{
		{name: "one line per request", n: 4, want: []want{
			{"pinterest: request", "DEBUG", 200, 1, 2}, {"pinterest: request", "DEBUG", 200, 1, 2}}},
		{name: "a failed request", n: 2, faults: []pinteresttest.Fault{{Status: 400}}, want: []want{
			{"pinterest: request", "WARN", 400, 1, 2}}},
		{name: "a retried request", n: 2, faults: []pinteresttest.Fault{{Status: 503}},
			opts: []pinterest.Option{pinterest.WithClock(clock.NewAuto(time.Now()))}, want: []want{
				{"pinterest: request", "WARN", 503, 1, 2}, {"pinterest: retrying", "INFO", 0, 1, 0}, {"pinterest: request", "DEBUG", 200, 2, 2}}},
		{name: "a dropped connection", n: 1, faults: []pinteresttest.Fault{{Drop: true}}, opts: []pinterest.Option{pinterest.WithoutRetries()},
			want: []want{{"pinterest: request failed", "WARN", 0, 1, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			srv.Enqueue(tc.faults...)
			var buf bytes.Buffer
			opts := append([]pinterest.Option{pinterest.WithLogger(sendLogger(&buf)), pinterest.WithMaxEventsPerRequest(2), pinterest.WithConcurrency(1)}, tc.opts...)
			c := sendClient(t, srv, opts...)
			evs, _ := sendSimpleEvents(tc.n, "log")
			res, _ := c.Send(context.Background(), sendAdAccount, evs...)
			lines := sendLogLines(t, &buf)
			if len(lines) != len(tc.want) {
				t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(tc.want), buf.String())
			}
			attempts := 0
			for i, w := range tc.want {
				l := lines[i]
				if l["msg"] != w.msg || l["level"] != w.level || l["attempt"] != float64(w.attempt) || l["path"] != path {
					t.Errorf("line %d = %v, want msg %q level %s attempt %d path %s", i, l, w.msg, w.level, w.attempt, path)
				}
				if w.msg == "pinterest: retrying" {
					continue
				}
				attempts++
				if l["method"] != "POST" || l["status"] != float64(w.status) || l["events"] != float64(w.events) {
					t.Errorf("line %d = %v, want method POST status %d events %d", i, l, w.status, w.events)
				}
				if _, ok := l["duration"].(float64); !ok {
					t.Errorf("line %d has no duration: %v", i, l)
				}
			}
			if res == nil || res.Attempts != attempts {
				t.Errorf("Response.Attempts %v, want %d (one line per attempt)", res, attempts)
			}
		})
	}

	t.Run("silent without a logger", func(t *testing.T) {
		var buf bytes.Buffer
		oldSlog, oldOut, oldFlags := slog.Default(), log.Writer(), log.Flags()
		slog.SetDefault(sendLogger(&buf))
		t.Cleanup(func() {
			slog.SetDefault(oldSlog)
			log.SetOutput(oldOut)
			log.SetFlags(oldFlags)
		})
		srv := pinteresttest.NewServerT(t)
		srv.Enqueue(pinteresttest.Fault{Status: 503}, pinteresttest.Fault{}, pinteresttest.Fault{Status: 400})
		c := sendClient(t, srv, pinterest.WithMaxEventsPerRequest(1), pinterest.WithConcurrency(1),
			pinterest.WithClock(clock.NewAuto(time.Now())))
		evs, _ := sendSimpleEvents(3, "quiet")
		evs = append(evs, nil)
		if _, err := c.Send(context.Background(), sendAdAccount, evs...); err == nil {
			t.Errorf("Send succeeded, want failures")
		}
		if n := len(srv.Requests()); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
		// Only the SDK's own lines count: the fake's http.Server logs
		// through the log package too, which slog.SetDefault redirects.
		if out := buf.String(); strings.Contains(out, "pinterest") || strings.Contains(out, "ad_accounts") {
			t.Errorf("logged without a logger:\n%s", out)
		} else if out != "" {
			t.Logf("unrelated output of the default logger:\n%s", out)
		}
	})
}
