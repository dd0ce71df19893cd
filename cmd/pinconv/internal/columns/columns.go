// Package columns recognizes the columns of conversions files as they are
// written: the names of Pinterest's Ads Manager upload (email, email_1 to
// email_4, madid, event_time, event_type, source_type...), of Meta's offline
// events (email, phone, fn, ln, zip, ct, st, country, dob, doby, gen, madid,
// extern_id, event_name, event_time, value, currency, order_id), the API's own
// wire names, and common spellings of each (E-mail, Email Address, Phone
// Number, First Name, Postal Code, ZIP, Province, Order Total, Timestamp...).
package columns

import (
	"sort"
	"strings"
)

// Target is what a column holds: a wire name of the API ("em", "event_time",
// "value"...) or one of the helper targets DOBYear, DOBMonth, DOBDay.
type Target string

// Targets. The user_data ones are the API's wire keys.
const (
	Ignore Target = "-"

	Email       Target = "em"
	Phone       Target = "ph"
	FirstName   Target = "fn"
	LastName    Target = "ln"
	Gender      Target = "ge"
	DateOfBirth Target = "db"
	DOBYear     Target = "doby" // Meta's year of birth, joined with DOBMonth and DOBDay into db
	DOBMonth    Target = "dobm"
	DOBDay      Target = "dobd"
	City        Target = "ct"
	State       Target = "st"
	Zip         Target = "zp"
	Country     Target = "country"
	ExternalID  Target = "external_id"
	MobileAdID  Target = "hashed_maids"
	ClientIP    Target = "client_ip_address"
	UserAgent   Target = "client_user_agent"
	ClickID     Target = "click_id"
	PartnerID   Target = "partner_id"

	EventTime    Target = "event_time"
	EventName    Target = "event_name"
	ActionSource Target = "action_source"
	EventID      Target = "event_id"
	SourceURL    Target = "event_source_url"
	OptOut       Target = "opt_out"
	PartnerName  Target = "partner_name"
	Language     Target = "language"

	Value           Target = "value"
	Currency        Target = "currency"
	OrderID         Target = "order_id"
	ContentIDs      Target = "content_ids"
	NumItems        Target = "num_items"
	ContentName     Target = "content_name"
	ContentCategory Target = "content_category"
	ContentBrand    Target = "content_brand"
	SearchString    Target = "search_string"
	OptOutType      Target = "opt_out_type"
)

// Multi reports whether several columns may feed the target (every user_data
// field, and content ids); other targets take the first column that maps to
// them.
func (t Target) Multi() bool {
	switch t {
	case Email, Phone, FirstName, LastName, Gender, DateOfBirth, City, State, Zip, Country,
		ExternalID, MobileAdID, ContentIDs:
		return true
	}
	return false
}

// UserData reports whether the target is a user_data field.
func (t Target) UserData() bool {
	switch t {
	case Email, Phone, FirstName, LastName, Gender, DateOfBirth, DOBYear, DOBMonth, DOBDay, City, State, Zip,
		Country, ExternalID, MobileAdID, ClientIP, UserAgent, ClickID, PartnerID:
		return true
	}
	return false
}

// spellings lists, per target, the folded names (lowercase letters and digits
// only) that map to it. A name with a trailing number ("email_2", "Phone 3")
// maps like the name without it when the target is Multi.
var spellings = map[Target][]string{
	Email: {"em", "email", "emails", "emailaddress", "emailaddresses", "mail", "emailid", "customeremail",
		"useremail", "contactemail", "hashedemail", "sha256email", "emailsha256", "emailhash", "hashedem"},
	Phone: {"ph", "phone", "phones", "phonenumber", "phoneno", "mobile", "mobilephone", "mobilenumber",
		"cellphone", "cell", "telephone", "tel", "telephonenumber", "customerphone", "contactphone", "hashedphone"},
	FirstName:   {"fn", "firstname", "givenname", "forename", "fname", "first"},
	LastName:    {"ln", "lastname", "surname", "familyname", "lname", "last"},
	Gender:      {"ge", "gen", "gender", "sex"},
	DateOfBirth: {"db", "dob", "dateofbirth", "birthdate", "birthday", "birthdt"},
	DOBYear:     {"doby", "birthyear", "yearofbirth", "yob"},
	DOBMonth:    {"dobm", "birthmonth", "monthofbirth"},
	DOBDay:      {"dobd", "birthdayofmonth", "dayofbirth"},
	City:        {"ct", "city", "town", "cityname"},
	State:       {"st", "state", "province", "region", "stateprovince", "stateorprovince", "statecode", "provincecode"},
	Zip: {"zp", "zip", "zipcode", "postalcode", "postcode", "postal", "plz", "zippostalcode",
		"zipcodepostalcode"},
	Country:    {"country", "countrycode", "ctry", "countryname"},
	ExternalID: {"externalid", "externid", "customerid", "userid", "loyaltyid", "memberid", "crmid", "customernumber", "clientcustomerid"},
	MobileAdID: {"madid", "maid", "maids", "hashedmaids", "mobileadid", "mobileadvertisingid", "adid", "idfa", "gaid",
		"aaid", "advertisingid", "deviceadid"},
	ClientIP:  {"ip", "ipaddress", "clientip", "clientipaddress", "ipaddr"},
	UserAgent: {"ua", "useragent", "clientuseragent"},
	ClickID:   {"clickid", "epik", "pinterestclickid"},
	PartnerID: {"partnerid"},

	EventTime: {"eventtime", "timestamp", "time", "datetime", "date", "eventdate", "eventtimestamp", "orderdate",
		"orderdatetime", "ordertime", "purchasedate", "purchasetime", "transactiondate", "transactiontime",
		"conversiontime", "conversiondate", "saledate", "createdat", "occurredat"},
	EventName:    {"eventname", "eventtype", "event", "conversiontype", "conversionevent", "conversionname"},
	ActionSource: {"actionsource", "sourcetype", "source", "channel", "eventsource"},
	EventID:      {"eventid", "dedupid", "deduplicationid", "dedupeid"},
	SourceURL:    {"eventsourceurl", "url", "pageurl", "sourceurl"},
	OptOut:       {"optout"},
	PartnerName:  {"partnername"},
	Language:     {"language", "lang", "languagecode"},

	Value: {"value", "ordertotal", "total", "amount", "revenue", "ordervalue", "orderamount",
		"saleamount", "saleprice", "salevalue", "purchasevalue", "purchaseamount", "conversionvalue", "totalprice",
		"totalamount", "eventvalue", "price", "grandtotal", "subtotal"},
	Currency:        {"currency", "currencycode", "cur", "ordercurrency"},
	OrderID:         {"orderid", "ordernumber", "orderno", "order", "transactionid", "invoiceid", "invoicenumber", "receiptid", "receiptnumber", "purchaseid"},
	ContentIDs:      {"contentids", "contentid", "productids", "productid", "sku", "skus", "itemids", "itemid"},
	NumItems:        {"numitems", "quantity", "qty", "itemcount", "items", "units"},
	ContentName:     {"contentname", "productname", "itemname"},
	ContentCategory: {"contentcategory", "productcategory", "category"},
	ContentBrand:    {"contentbrand", "brand"},
	SearchString:    {"searchstring", "searchquery", "searchterm"},
	OptOutType:      {"optouttype"},
}

var byFolded = func() map[string]Target {
	m := make(map[string]Target)
	for t, names := range spellings {
		for _, n := range names {
			if old, dup := m[n]; dup {
				panic("columns: " + n + " maps to both " + string(old) + " and " + string(t))
			}
			m[n] = t
		}
	}
	return m
}()

// Fold reduces a column name to its comparable form: lowercase ASCII letters
// and digits, everything else dropped ("E-mail Address" is "emailaddress").
func Fold(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// Recognize maps a column name (or a JSON key; for a dotted path, its last
// part) to its target.
func Recognize(name string) (Target, bool) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i < len(name)-1 {
		if t, ok := Recognize(name[i+1:]); ok {
			return t, true
		}
	}
	f := Fold(name)
	if t, ok := byFolded[f]; ok {
		return t, true
	}
	base := strings.TrimRight(f, "0123456789")
	if base != f && base != "" {
		if t, ok := byFolded[base]; ok && t.Multi() {
			return t, true
		}
	}
	return "", false
}

// ParseTarget reads the FIELD of --map COLUMN=FIELD: a wire name or one of
// its spellings, or "-" to ignore the column.
func ParseTarget(s string) (Target, bool) {
	s = strings.TrimSpace(s)
	if s == string(Ignore) {
		return Ignore, true
	}
	if t, ok := byFolded[Fold(s)]; ok {
		return t, true
	}
	for t := range spellings {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// Targets returns every target, sorted.
func Targets() []Target {
	ts := make([]Target, 0, len(spellings))
	for t := range spellings {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts
}

// Spellings returns the folded names recognized for t, sorted.
func Spellings(t Target) []string {
	s := append([]string(nil), spellings[t]...)
	sort.Strings(s)
	return s
}

// Mapping says what each column of a CSV header holds.
type Mapping struct {
	// Columns holds the target of each header column, "" for a column that is
	// not recognized and Ignore for one ignored on request; both are skipped.
	Columns []Target
	// Notes explain choices a user may want to change with --map: columns not
	// recognized, and second columns for a target that takes one.
	Notes []string
}

// Map maps a CSV header. overrides (from --map) map column names, compared
// case-insensitively after trimming, to targets; a name that is no column of
// the header is an error.
func Map(header []string, overrides map[string]Target) (Mapping, error) {
	m := Mapping{Columns: make([]Target, len(header))}
	used := make(map[string]bool)
	for i, h := range header {
		for name, t := range overrides {
			if strings.EqualFold(strings.TrimSpace(name), h) {
				m.Columns[i] = t
				used[name] = true
			}
		}
	}
	for name := range overrides {
		if !used[name] {
			return Mapping{}, &UnknownColumnError{Name: name}
		}
	}
	taken := make(map[Target]string)
	for i, h := range header {
		if m.Columns[i] != "" {
			if t := m.Columns[i]; t != Ignore {
				taken[t] = h
			}
		}
	}
	for i, h := range header {
		if m.Columns[i] != "" {
			continue
		}
		t, ok := Recognize(h)
		if !ok {
			m.Notes = append(m.Notes, "column "+quote(h)+" is not recognized: ignored (map it with --map "+quote(h)+"=FIELD)")
			m.Columns[i] = Ignore
			continue
		}
		if first, dup := taken[t]; dup && !t.Multi() {
			m.Notes = append(m.Notes, "column "+quote(h)+" also looks like "+string(t)+": ignored, "+quote(first)+" is used (choose with --map)")
			m.Columns[i] = Ignore
			continue
		}
		taken[t] = h
		m.Columns[i] = t
	}
	return m, nil
}

// UnknownColumnError is a --map of a column the header does not have.
type UnknownColumnError struct{ Name string }

// Error names the column, which is no personal data.
func (e *UnknownColumnError) Error() string {
	return "--map: the header has no column " + quote(e.Name)
}

func quote(s string) string { return "\"" + s + "\"" }

// Has reports whether some column maps to t.
func (m Mapping) Has(t Target) bool {
	for _, c := range m.Columns {
		if c == t {
			return true
		}
	}
	return false
}

// KeyMapper maps the keys of JSON Lines rows, remembering each key's target.
type KeyMapper struct {
	overrides map[string]Target
	cache     map[string]Target
}

// NewKeyMapper returns a KeyMapper with --map overrides, compared with the
// keys case-insensitively.
func NewKeyMapper(overrides map[string]Target) *KeyMapper {
	o := make(map[string]Target, len(overrides))
	for k, v := range overrides {
		o[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return &KeyMapper{overrides: o, cache: make(map[string]Target)}
}

// Target returns the target of a key, Ignore when it is not recognized.
func (k *KeyMapper) Target(key string) Target {
	if t, ok := k.cache[key]; ok {
		return t
	}
	t, ok := k.overrides[strings.ToLower(key)]
	if !ok {
		if t, ok = Recognize(key); !ok {
			t = Ignore
		}
	}
	if len(k.cache) < 4096 { // keys are a schema's; bound the cache against a file of random keys
		k.cache[key] = t
	}
	return t
}
