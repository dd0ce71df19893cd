package pinterest

import (
	"crypto/sha256"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/capisdk/pinterest/internal/jsonw"
)

// hashedFields lists the hashed user_data fields in wire order. The index in
// this table is a field's id in UserData; UserData.normalize maps it to the
// field's normalizer.
var hashedFields = [...]struct{ field UserField }{
	{FieldEmail}, {FieldPhone}, {FieldGender}, {FieldDateOfBirth}, {FieldLastName}, {FieldFirstName},
	{FieldCity}, {FieldState}, {FieldZip}, {FieldCountry}, {FieldExternalID}, {FieldMobileAdID},
}

// Ids of the hashed fields, indexes into hashedFields.
const (
	idEmail uint8 = iota
	idPhone
	idGender
	idDateOfBirth
	idLastName
	idFirstName
	idCity
	idState
	idZip
	idCountry
	idExternalID
	idMobileAdID
	numHashed
)

func hashedID(f UserField) (uint8, bool) {
	for i, h := range hashedFields {
		if h.field == f {
			return uint8(i), true
		}
	}
	return 0, false
}

// MaxValuesPerField is the most distinct values one hashed user_data field
// (em, ph, external_id...) of a UserData holds. Further distinct values are
// dropped, with one warning for the field (see UserData.Warnings); repeated
// values are de-duplicated as always. Real records hold a handful of values
// per field; the cap bounds the request and the work of de-duplication.
const MaxValuesPerField = 100

// reasonTooManyValues is the warning of a field that reached MaxValuesPerField.
const reasonTooManyValues = "more than 100 distinct values; the others were dropped"

// entry is one hashed value of one field.
type entry struct {
	id  uint8
	sum digest
}

// inlineEntries is how many hashed values a UserData holds without a further
// allocation: enough for one value of every hashed field.
const inlineEntries = int(numHashed)

// UserData is the user_data of an event: who converted. Build it with
// NewUserData (or Client.NewUserData) and the chainable setters, which take raw
// personal data, normalize it (see the Normalize functions) and SHA-256 hash it
// at once. A UserData keeps only the hashes, never the raw values, and its
// String and GoString methods show field names and counts, never values.
//
// Setters take one or more values; values of one field are de-duplicated after
// normalization, in order, and a field keeps at most MaxValuesPerField of
// them (one warning says the others were dropped). A value of 64 hexadecimal
// digits is taken as an existing hash and sent lowercased, not hashed again. A
// blank value is ignored.
// An invalid value (an e-mail without @, a phone number of 3 digits...) is
// dropped and a warning naming the field, never the value, is recorded: see
// Warnings. The rest of the user data is kept.
//
// Pinterest requires at least one of: an e-mail, a mobile ad id, or the client
// IP address together with the user agent (see MeetsMinimum).
//
// A UserData is not safe for concurrent modification; once built it may be
// shared and read (sent, marshalled) from many goroutines.
type UserData struct {
	// Fields with pointers come first: the garbage collector scans an object
	// only up to its last pointer, so the digests below cost it nothing.
	more     []entry
	ip       netip.Addr
	ua       string
	clickID  string
	partner  string
	phoneCC  string
	warnings []error
	n        int
	// phoneNoCC records that a national-looking phone number was hashed
	// without a country calling code (errPhoneNoCountryCode was warned).
	phoneNoCC bool
	fields    uint16 // bit i: the hashed field of id i has a value (read by quality.go)
	capped    uint16 // bit i: the hashed field of id i reached MaxValuesPerField (warned once)
	inline    [inlineEntries]entry
}

// NewUserData returns an empty UserData without a default phone country
// code: phone numbers are taken as international, and a national-looking one
// (no + or 00, a trunk 0 or at most 10 digits) is sent as given with a
// warning. Prefer Client.NewUserData, which carries the client's
// WithDefaultPhoneCountryCode; a client's default never reaches user data
// made here, and its results say so.
func NewUserData() *UserData { return &UserData{} }

func (u *UserData) entries() []entry {
	if u.n <= inlineEntries {
		return u.inline[:u.n]
	}
	return u.more
}

// put adds a hash unless the field already has it. Entries are kept ordered
// by field id (values of one field in the order given), so that AppendJSON
// writes them in one pass.
//
// A field holds at most MaxValuesPerField values, so the scan for a
// duplicate and the insertion cost a bounded number of steps per value:
// adding n values is linear in n, not quadratic. A distinct value past the
// cap is dropped, and the first one dropped of a field records a warning.
func (u *UserData) put(id uint8, d digest) {
	es := u.entries()
	at := len(es) // insertion point: after the last entry of this field or an earlier one
	for at > 0 && es[at-1].id > id {
		at--
	}
	i := at - 1
	for ; i >= 0 && es[i].id == id; i-- {
		if es[i].sum == d {
			return
		}
	}
	if at-1-i >= MaxValuesPerField {
		if u.capped&(1<<id) == 0 {
			u.capped |= 1 << id
			u.warn(hashedFields[id].field, reasonTooManyValues)
		}
		return
	}
	e := entry{id, d}
	switch {
	case u.n < inlineEntries:
		copy(u.inline[at+1:u.n+1], u.inline[at:u.n])
		u.inline[at] = e
	case u.n == inlineEntries:
		if cap(u.more) < 2*inlineEntries {
			u.more = make([]entry, 0, 2*inlineEntries)
		}
		u.more = slices.Insert(append(u.more[:0], u.inline[:]...), at, e) // u.more's memory survives a reset (reuse.go)
	default:
		u.more = slices.Insert(u.more, at, e)
	}
	u.n++
	u.fields |= 1 << id
}

// errPhoneNoCountryCode is the warning for a phone number that looks
// national and got no country calling code. Send words it more precisely
// when the client has a default code (see Client.userDataWarning).
var errPhoneNoCountryCode = &FieldError{Field: "user_data.ph", Reason: reasonPhoneNoCC}

// userDataWarning returns the text of a user data warning as an EventResult
// carries it. When the client has a default country calling code that the
// user data did not get (it was made by NewUserData, not Client.NewUserData),
// the phone warning says so.
func (c *Client) userDataWarning(w error) string {
	if w == errPhoneNoCountryCode && c.cfg.phoneCC != "" {
		return "invalid user_data.ph: no country code (a national number?): hashed as given, it will not match; this client's WithDefaultPhoneCountryCode(" +
			strconv.Quote(c.cfg.phoneCC) + ") applies only to user data made by Client.NewUserData (or Batcher.NewUserData), not by pinterest.NewUserData"
	}
	return strings.TrimPrefix(w.Error(), "pinterest: ")
}

func (u *UserData) warn(f UserField, reason string) {
	u.warnings = append(u.warnings, fieldErr(f, reason))
}

// add normalizes and hashes values of one hashed field.
func (u *UserData) add(id uint8, values []string) *UserData {
	for _, v := range values {
		if d, ok := asHash(v); ok {
			u.put(id, d)
			continue
		}
		var buf [256]byte
		b, reason := capOutput(u.normalize(buf[:0], id, v))
		switch {
		case reason != "":
			u.warn(hashedFields[id].field, reason)
		case len(b) > 0:
			u.put(id, sha256.Sum256(b))
			if id == idPhone && u.phoneCC == "" && !u.phoneNoCC && phoneLooksNational(v) {
				u.phoneNoCC = true
				u.warnings = append(u.warnings, errPhoneNoCountryCode)
			}
		}
	}
	return u
}

// normalize runs the field's normalizer, with the user data's default phone
// country calling code.
func (u *UserData) normalize(dst []byte, id uint8, v string) ([]byte, string) {
	return normalizeField(dst, id, v, u.phoneCC)
}

// normalizeField runs the normalizer of the hashed field id on v, appending
// to dst. The calls are direct, not through a function value, so that the
// compiler can see dst does not escape and the caller's scratch buffer stays
// on the stack.
func normalizeField(dst []byte, id uint8, v, phoneCC string) ([]byte, string) {
	v, ascii, reason := prep(v, MaxValueLength)
	if reason != "" || v == "" {
		return dst, reason
	}
	switch id {
	case idEmail:
		return appendEmail(dst, v, ascii)
	case idPhone:
		return appendPhone(dst, v, ascii, phoneCC)
	case idGender:
		return appendGender(dst, v, ascii)
	case idDateOfBirth:
		return appendDOBString(dst, v, ascii)
	case idLastName, idFirstName:
		return appendName(dst, v, ascii)
	case idCity:
		return appendCity(dst, v, ascii)
	case idState:
		return appendState(dst, v, ascii)
	case idZip:
		return appendZip(dst, v, ascii)
	case idCountry:
		return appendCountry(dst, v, ascii)
	case idExternalID:
		return appendExternalID(dst, v, ascii)
	default:
		return appendMobileAdID(dst, v, ascii)
	}
}

// Email adds e-mail addresses (em). See NormalizeEmail.
func (u *UserData) Email(values ...string) *UserData { return u.add(idEmail, values) }

// Phone adds phone numbers (ph), with the default country calling code set by
// DefaultPhoneCountryCode, if any. See NormalizePhone. Without a default
// code, a number that looks national gets one warning naming ph and the fix;
// a value without digits (an e-mail address, "n/a") is dropped with a
// warning.
func (u *UserData) Phone(values ...string) *UserData { return u.add(idPhone, values) }

// DefaultPhoneCountryCode sets the country calling code ("1", "44", "+49")
// prefixed to national phone numbers passed to Phone afterwards. An invalid
// code is recorded as a warning and national numbers then keep their digits as
// given.
func (u *UserData) DefaultPhoneCountryCode(code string) *UserData {
	cc, ok := parseCallingCode(code)
	if !ok {
		u.warn(FieldPhone, reasonPhoneCC)
	}
	u.phoneCC = cc
	return u
}

// Gender adds genders (ge). See NormalizeGender.
func (u *UserData) Gender(values ...string) *UserData { return u.add(idGender, values) }

// DateOfBirth adds the calendar date of t (in t's own location) as a date of
// birth (db). See FormatDateOfBirth.
func (u *UserData) DateOfBirth(t time.Time) *UserData {
	var buf [8]byte
	y, m, d := t.Date()
	b, reason := appendDate(buf[:0], y, int(m), d)
	if reason != "" {
		u.warn(FieldDateOfBirth, reason)
		return u
	}
	u.put(idDateOfBirth, sha256.Sum256(b))
	return u
}

// DateOfBirthString adds dates of birth (db) given as year-first text, such as
// "1990-07-04". See NormalizeDateOfBirth.
func (u *UserData) DateOfBirthString(values ...string) *UserData {
	return u.add(idDateOfBirth, values)
}

// FirstName adds first names (fn). See NormalizeFirstName.
func (u *UserData) FirstName(values ...string) *UserData { return u.add(idFirstName, values) }

// LastName adds last names (ln). See NormalizeLastName.
func (u *UserData) LastName(values ...string) *UserData { return u.add(idLastName, values) }

// City adds cities (ct). See NormalizeCity.
func (u *UserData) City(values ...string) *UserData { return u.add(idCity, values) }

// State adds states or provinces (st). See NormalizeState.
func (u *UserData) State(values ...string) *UserData { return u.add(idState, values) }

// Zip adds postal codes (zp). See NormalizeZip.
func (u *UserData) Zip(values ...string) *UserData { return u.add(idZip, values) }

// Country adds countries (country). See NormalizeCountry.
func (u *UserData) Country(values ...string) *UserData { return u.add(idCountry, values) }

// ExternalID adds the advertiser's own ids for the user (external_id), such as
// a customer or loyalty number. See NormalizeExternalID.
func (u *UserData) ExternalID(values ...string) *UserData { return u.add(idExternalID, values) }

// MobileAdID adds mobile advertising ids, GAIDs or IDFAs (hashed_maids). See
// NormalizeMobileAdID.
func (u *UserData) MobileAdID(values ...string) *UserData { return u.add(idMobileAdID, values) }

// Hashed adds values that the caller has already normalized and hashed, to a
// hashed field (FieldEmail ... FieldMobileAdID). Each must be 64 hexadecimal
// digits; it is sent lowercased. Anything else is dropped with a warning.
func (u *UserData) Hashed(field UserField, hashes ...string) *UserData {
	id, ok := hashedID(field)
	if !ok {
		u.warnings = append(u.warnings, &FieldError{Field: "user_data." + string(field), Reason: "not a hashed field"})
		return u
	}
	for _, h := range hashes {
		if d, ok := asHash(h); ok {
			u.put(id, d)
			continue
		}
		if p, _, reason := prep(h, MaxValueLength); reason == "" && p == "" {
			continue // blank: ignored
		}
		u.warn(field, reasonHashExpected)
	}
	return u
}

// Add adds raw values to any user_data field, normalized by that field's rules.
// It is the generic form of the named setters, handy when the field comes from
// data (a CSV column, say). For the single-valued plain fields (client IP, user
// agent, click id, partner id) the last value wins.
func (u *UserData) Add(field UserField, values ...string) *UserData {
	if id, ok := hashedID(field); ok {
		return u.add(id, values)
	}
	for _, v := range values {
		switch field {
		case FieldClientIP:
			u.ClientIP(v)
		case FieldUserAgent:
			u.UserAgent(v)
		case FieldClickID:
			u.ClickID(v)
		case FieldPartnerID:
			u.PartnerID(v)
		default:
			u.warnings = append(u.warnings, &FieldError{Field: "user_data." + string(field), Reason: "unknown field"})
			return u
		}
	}
	return u
}

// ClientIP sets the user's IP address (client_ip_address, sent as plain text).
// It accepts the forms of http.Request.RemoteAddr; see ParseClientIP. An invalid
// address is dropped with a warning.
func (u *UserData) ClientIP(addr string) *UserData {
	a, reason := parseIP(addr)
	if reason != "" {
		u.warn(FieldClientIP, reason)
		return u
	}
	if a.IsValid() {
		u.ip = a
	}
	return u
}

// ClientAddr sets the user's IP address from a parsed address.
func (u *UserData) ClientAddr(a netip.Addr) *UserData {
	a = a.WithZone("").Unmap()
	if !a.IsValid() || a.IsUnspecified() {
		u.warn(FieldClientIP, reasonIPUnspec)
		return u
	}
	u.ip = a
	return u
}

// UserAgent sets the user agent of the user's browser or app
// (client_user_agent, sent as plain text, trimmed, at most MaxUserAgentLength
// bytes).
func (u *UserData) UserAgent(ua string) *UserData {
	u.ua = u.plain(FieldUserAgent, ua, MaxUserAgentLength, u.ua)
	return u
}

// ClickID sets the Pinterest click id (click_id, sent as plain text): the value
// of the _epik cookie on your domain, or of the epik query parameter of the
// landing URL.
func (u *UserData) ClickID(id string) *UserData {
	u.clickID = u.plain(FieldClickID, id, MaxValueLength, u.clickID)
	return u
}

// PartnerID sets a third-party partner's visitor id, such as a RampID
// (partner_id, sent as plain text).
func (u *UserData) PartnerID(id string) *UserData {
	u.partner = u.plain(FieldPartnerID, id, MaxValueLength, u.partner)
	return u
}

func (u *UserData) plain(f UserField, v string, max int, old string) string {
	v, reason := plainValue(v, max)
	switch {
	case reason != "":
		u.warn(f, reason)
		return old
	case v == "":
		return old
	}
	return v
}

// Count returns how many values field holds: the number of distinct hashes of a
// hashed field, or 0 or 1 for the plain fields.
func (u *UserData) Count(field UserField) int {
	if u == nil {
		return 0
	}
	if id, ok := hashedID(field); ok {
		n := 0
		for _, e := range u.entries() {
			if e.id == id {
				n++
			}
		}
		return n
	}
	var set bool
	switch field {
	case FieldClientIP:
		set = u.ip.IsValid()
	case FieldUserAgent:
		set = u.ua != ""
	case FieldClickID:
		set = u.clickID != ""
	case FieldPartnerID:
		set = u.partner != ""
	}
	if set {
		return 1
	}
	return 0
}

// MeetsMinimum reports whether the user data carries what Pinterest requires of
// every event: an e-mail, a mobile ad id, or the client IP address together with
// the user agent.
func (u *UserData) MeetsMinimum() bool {
	if u == nil {
		return false
	}
	if u.ip.IsValid() && u.ua != "" {
		return true
	}
	for _, e := range u.entries() {
		if e.id == idEmail || e.id == idMobileAdID {
			return true
		}
	}
	return false
}

// Warn records a warning on field, as the setters do when they drop an
// invalid value: Warnings then holds a *FieldError for "user_data.<field>"
// with reason. It is for code that vets a value itself before it would reach a
// setter, such as package pinteresthttp refusing a click id no cookie can
// hold. reason must say why, never contain the value.
func (u *UserData) Warn(field UserField, reason string) *UserData {
	u.warn(field, reason)
	return u
}

// Warnings returns one *FieldError for each value that was dropped as invalid,
// in the order the values were given. The errors name the field and the reason,
// never the value.
func (u *UserData) Warnings() []error {
	if u == nil || len(u.warnings) == 0 {
		return nil
	}
	return append([]error(nil), u.warnings...)
}

// MarshalJSON returns the user_data object exactly as it is sent: hashed fields
// as arrays of lowercase hex SHA-256, the plain fields as strings, empty fields
// left out.
func (u *UserData) MarshalJSON() ([]byte, error) {
	return u.AppendJSON(make([]byte, 0, u.jsonSize())), nil
}

// jsonSize estimates the encoded size, to allocate once.
func (u *UserData) jsonSize() int {
	if u == nil {
		return 2
	}
	return 2 + u.n*(64+3) + int(numHashed)*16 + len(u.ua) + len(u.clickID) + len(u.partner) + 128
}

// AppendJSON appends the user_data object, as MarshalJSON returns it, to dst.
func (u *UserData) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	if u == nil {
		return append(dst, '}')
	}
	first := true
	es := u.entries()
	for i := 0; i < len(es); {
		id := es[i].id
		dst = jsonw.Key(dst, string(hashedFields[id].field), first)
		first = false
		dst = append(dst, '[')
		for k := i; i < len(es) && es[i].id == id; i++ {
			if i > k {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = es[i].sum.appendHex(dst)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	if u.ip.IsValid() {
		dst = jsonw.Key(dst, string(FieldClientIP), first)
		first = false
		dst = append(dst, '"')
		dst = u.ip.AppendTo(dst)
		dst = append(dst, '"')
	}
	for _, p := range [...]struct {
		f UserField
		v string
	}{{FieldUserAgent, u.ua}, {FieldClickID, u.clickID}, {FieldPartnerID, u.partner}} {
		if p.v != "" {
			dst = jsonw.Key(dst, string(p.f), first)
			first = false
			dst = jsonw.String(dst, p.v)
		}
	}
	return append(dst, '}')
}

// String describes the user data by field names and counts, never values, for
// example "pinterest.UserData{em:1 ph:2 client_ip_address:1 warnings:1}". It
// has a value receiver so that printing a UserData value, not only a pointer,
// shows no values either (fmt prints a nil *UserData as <nil>).
func (u UserData) String() string {
	b := []byte("pinterest.UserData{")
	sep := false
	item := func(name string, n int) {
		if n == 0 {
			return
		}
		if sep {
			b = append(b, ' ')
		}
		sep = true
		b = append(b, name...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	for _, h := range hashedFields {
		item(string(h.field), u.Count(h.field))
	}
	for _, f := range [...]UserField{FieldClientIP, FieldUserAgent, FieldClickID, FieldPartnerID} {
		item(string(f), u.Count(f))
	}
	item("warnings", len(u.warnings))
	return string(append(b, '}'))
}

// GoString is String, so that %#v shows no values either.
func (u UserData) GoString() string { return u.String() }
