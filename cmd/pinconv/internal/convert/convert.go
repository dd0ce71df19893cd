// Package convert turns the rows of a conversions file into events of the
// SDK, with the SDK's normalizers and hashing: the CLI adds only what files
// need (column targets, times as files write them, money with thousands
// separators, default values) and says, for each row, why it cannot become an
// event or which values were dropped from it. Reasons never contain values.
package convert

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// Config holds the defaults and settings of a conversion.
type Config struct {
	AdAccountID      string                 // for derived event ids
	Event            pinterest.EventName    // event name of rows without one (--event)
	Source           pinterest.ActionSource // action source of rows without one (--source)
	Currency         string                 // currency of rows with a value and no currency (--currency)
	PhoneCountryCode string                 // prefixed to national phone numbers (--phone-country-code)
	Location         *time.Location         // of times without an offset (--time-zone)
	DateOrder        DateOrder              // of numeric dates (--date-order)
	Now              func() time.Time       // the clock for the age checks; time.Now if nil
}

// Problem is a reason a row or a value was refused: the column (or wire
// field) and why, never the value.
type Problem struct {
	Field  string
	Reason string
}

// Result is what became of one row.
type Result struct {
	Event   *pinterest.Event // the event; nil when the row is rejected
	Reject  *Problem         // why the row cannot become an event
	Stale   bool             // rejected for being older than the API's 7 days; Event is still built
	Dropped []Problem        // values left out of the event, which was still made
}

// Converter converts rows. It is not safe for concurrent use.
type Converter struct {
	cfg    Config
	header []string
	cols   []columns.Target
	keys   *columns.KeyMapper
	buf    *pinterest.EventBuffer // where events are made, if set
	// per-row scratch, reused
	contentIDs []string
	now        time.Time // the clock, read every nowEvery rows
	nowRows    int
}

// nowEvery is how many rows share one reading of the clock for the age
// checks: a second or so of rows at most.
const nowEvery = 256

// NewCSV returns a converter for the rows of a CSV file with this header and
// mapping.
func NewCSV(cfg Config, header []string, m columns.Mapping) *Converter {
	return &Converter{cfg: withDefaults(cfg), header: header, cols: m.Columns}
}

// NewJSON returns a converter for JSON Lines rows, mapping keys with km.
func NewJSON(cfg Config, km *columns.KeyMapper) *Converter {
	return &Converter{cfg: withDefaults(cfg), keys: km}
}

// UseBuffer makes the converter build its events in buf's memory (see
// pinterest.EventBuffer) until the next UseBuffer; nil makes each event anew.
// The caller resets buf once no Send or Batcher holds its events.
func (c *Converter) UseBuffer(buf *pinterest.EventBuffer) { c.buf = buf }

func withDefaults(c Config) Config {
	if c.Event == "" {
		c.Event = pinterest.EventCheckout
	}
	if c.Source == "" {
		c.Source = pinterest.SourceOffline
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Currency = strings.ToUpper(c.Currency)
	return c
}

// row is the state of one conversion.
type row struct {
	c        *Converter
	ev       *pinterest.Event // from the converter's buffer, if it has one
	u        *pinterest.UserData
	custom   pinterest.CustomData
	hasCust  bool
	name     pinterest.EventName
	source   pinterest.ActionSource
	id       string
	url      string
	optOut   int8
	partner  string
	language string
	timeCol  string
	timeVal  string
	dob      [3]string // year, month, day
	dropped  []Problem
	reject   *Problem
}

func (r *row) rejectf(field, reason string) {
	if r.reject == nil {
		r.reject = &Problem{Field: field, Reason: reason}
	}
}

// Convert makes the event of one row. A row read with an error is rejected
// with that error.
func (c *Converter) Convert(rec *input.Record) Result {
	if rec.Err != nil {
		field := rec.Err.Field
		if field == "" {
			field = "row"
		}
		return Result{Reject: &Problem{Field: field, Reason: rec.Err.Reason}}
	}
	r := row{c: c}
	if c.buf != nil {
		r.ev = c.buf.Event(c.cfg.Event, c.cfg.Source)
		r.u = r.ev.UserData()
	} else {
		r.u = pinterest.NewUserData()
	}
	if c.cfg.PhoneCountryCode != "" {
		r.u.DefaultPhoneCountryCode(c.cfg.PhoneCountryCode)
	}
	c.contentIDs = c.contentIDs[:0]
	for i, v := range rec.Values {
		var t columns.Target
		var col string
		if rec.Keys != nil {
			col = rec.Keys[i]
			t = c.keys.Target(col)
		} else {
			t, col = c.cols[i], c.header[i]
		}
		if t == "" || t == columns.Ignore {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		r.set(t, col, v)
	}
	return r.finish(rec)
}

// hashKinds are the user_data targets whose values may arrive hashed. A 32 or
// 40 hex digit value there is an MD5 or SHA-1 hash, which Ads Manager takes
// and this API does not. (External ids and mobile ad ids may be such hex
// strings in their own right.)
func hashKind(v string) string {
	if len(v) != 32 && len(v) != 40 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return ""
		}
	}
	if len(v) == 32 {
		return "an MD5 hash: this API takes only SHA-256 hashes or plain values"
	}
	return "a SHA-1 hash: this API takes only SHA-256 hashes or plain values"
}

// addUser hands a value to the UserData setter of its field (the named
// setters, which skip the generic Add's lookup of the field).
func (r *row) addUser(t columns.Target, v string) {
	u := r.u
	switch t {
	case columns.Email:
		u.Email(v)
	case columns.Phone:
		u.Phone(v)
	case columns.FirstName:
		u.FirstName(v)
	case columns.LastName:
		u.LastName(v)
	case columns.Gender:
		u.Gender(v)
	case columns.City:
		u.City(v)
	case columns.State:
		u.State(v)
	case columns.Zip:
		u.Zip(v)
	case columns.Country:
		u.Country(v)
	case columns.ExternalID:
		u.ExternalID(v)
	case columns.MobileAdID:
		u.MobileAdID(v)
	case columns.ClientIP:
		u.ClientIP(v)
	case columns.UserAgent:
		u.UserAgent(v)
	case columns.ClickID:
		u.ClickID(v)
	case columns.PartnerID:
		u.PartnerID(v)
	default:
		u.Add(pinterest.UserField(t), v)
	}
}

func (r *row) set(t columns.Target, col, v string) {
	switch t {
	case columns.Email, columns.Phone, columns.FirstName, columns.LastName, columns.Gender,
		columns.City, columns.State, columns.Zip, columns.Country:
		if reason := hashKind(v); reason != "" {
			r.dropped = append(r.dropped, Problem{Field: "user_data." + string(t), Reason: reason})
			return
		}
		r.addUser(t, v)
	case columns.DateOfBirth:
		if reason := hashKind(v); reason != "" {
			r.dropped = append(r.dropped, Problem{Field: "user_data.db", Reason: reason})
			return
		}
		if pinterest.IsHashed(v) {
			r.u.Add(pinterest.FieldDateOfBirth, v)
			return
		}
		if tm, err := ParseTime(v, time.UTC, r.c.cfg.DateOrder); err == nil {
			r.u.DateOfBirth(tm)
			return
		}
		r.u.DateOfBirthString(v) // records the SDK's own reason
	case columns.DOBYear:
		r.dob[0] = v
	case columns.DOBMonth:
		r.dob[1] = v
	case columns.DOBDay:
		r.dob[2] = v
	case columns.ExternalID, columns.MobileAdID, columns.ClientIP, columns.UserAgent, columns.ClickID, columns.PartnerID:
		r.addUser(t, v)
	case columns.EventTime:
		if r.timeVal == "" {
			r.timeCol, r.timeVal = col, v
		}
	case columns.EventName:
		if r.name != "" {
			return
		}
		n, ok := pinterest.ParseEventName(v)
		if !ok {
			r.rejectf(col, "unknown event name (pinconv --help lists the names recognized)")
			return
		}
		r.name = n
	case columns.ActionSource:
		if r.source != "" {
			return
		}
		s, ok := pinterest.ParseActionSource(v)
		if !ok {
			r.rejectf(col, "unknown action source: want offline, web, app_android or app_ios")
			return
		}
		r.source = s
	case columns.EventID:
		if r.id == "" {
			r.id = v
		}
	case columns.SourceURL:
		r.url = v
	case columns.OptOut:
		b, ok := parseBool(v)
		if !ok {
			r.rejectf(col, "not true or false")
			return
		}
		r.optOut = 1
		if b {
			r.optOut = 2
		}
	case columns.PartnerName:
		r.partner = v
	case columns.Language:
		r.language = strings.ToLower(v)
	default:
		r.setCustom(t, col, v)
	}
}

func (r *row) setCustom(t columns.Target, col, v string) {
	cd := &r.custom
	switch t {
	case columns.Value:
		if cd.Value != "" {
			return
		}
		m, reason := ParseMoney(v)
		if reason != "" {
			r.rejectf(col, reason)
			return
		}
		cd.Value = m
	case columns.Currency:
		if cd.Currency != "" {
			return
		}
		if !isCurrency(v) {
			r.rejectf(col, "not a 3-letter ISO 4217 currency code")
			return
		}
		cd.Currency = strings.ToUpper(v)
	case columns.OrderID:
		if cd.OrderID == "" {
			cd.OrderID = v
		}
	case columns.ContentIDs:
		r.c.contentIDs = appendList(r.c.contentIDs, v)
	case columns.NumItems:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			r.rejectf(col, "not a whole number of items")
			return
		}
		cd.NumItems = n
	case columns.ContentName:
		cd.ContentName = v
	case columns.ContentCategory:
		cd.ContentCategory = v
	case columns.ContentBrand:
		cd.ContentBrand = v
	case columns.SearchString:
		cd.SearchString = v
	case columns.OptOutType:
		cd.OptOutType = v
	default:
		return
	}
	r.hasCust = true
}

// finish validates the row and builds the event.
func (r *row) finish(rec *input.Record) Result {
	c := r.c
	if r.dob != [3]string{} {
		r.joinDOB()
	}
	for _, w := range r.u.Warnings() {
		var fe *pinterest.FieldError
		if errors.As(w, &fe) {
			r.dropped = append(r.dropped, Problem{Field: fe.Field, Reason: fe.Reason})
		}
	}
	res := Result{Dropped: r.dropped}
	if r.reject != nil {
		res.Reject = r.reject
		return res
	}
	if r.timeVal == "" {
		res.Reject = &Problem{Field: "event_time", Reason: "missing"}
		return res
	}
	at, err := ParseTime(r.timeVal, c.cfg.Location, c.cfg.DateOrder)
	if err != nil {
		res.Reject = &Problem{Field: r.timeCol, Reason: err.Error()}
		return res
	}
	if !r.u.MeetsMinimum() {
		reason := "no e-mail, mobile ad id, or IP address with user agent"
		if len(r.dropped) > 0 {
			reason += " (dropped: " + r.dropped[0].Field + ": " + r.dropped[0].Reason
			if len(r.dropped) > 1 {
				reason += "; and " + strconv.Itoa(len(r.dropped)-1) + " more"
			}
			reason += ")"
		}
		res.Reject = &Problem{Field: "user_data", Reason: reason}
		return res
	}
	if r.name == "" {
		r.name = c.cfg.Event
	}
	if r.source == "" {
		r.source = c.cfg.Source
	}
	if len(c.contentIDs) > 0 {
		if len(c.contentIDs) > pinterest.MaxContents {
			res.Reject = &Problem{Field: "content_ids", Reason: "more than 1000 ids"}
			return res
		}
		r.custom.ContentIDs = append([]string(nil), c.contentIDs...)
		r.hasCust = true
	}
	if r.custom.Value != "" && r.custom.Currency == "" && c.cfg.Currency != "" {
		r.custom.Currency = c.cfg.Currency
	}
	id := r.id
	if id == "" {
		switch {
		case r.custom.OrderID != "":
			id = pinterest.DeriveEventID(c.cfg.AdAccountID, r.name, at, r.custom.OrderID)
		case rec.Keys != nil:
			id = pinterest.DeriveEventID(c.cfg.AdAccountID, r.name, at, rec.Raw)
		default:
			id = pinterest.DeriveEventID(c.cfg.AdAccountID, r.name, at, rec.Values...)
		}
	}
	var ev *pinterest.Event
	if r.ev != nil {
		ev = r.ev.Reset(r.name, r.source).ID(id).At(at).User(r.u) // the buffer's event and its user data
	} else {
		ev = pinterest.NewEvent(r.name, r.source).ID(id).At(at).User(r.u)
	}
	if r.url != "" {
		ev.URL(r.url)
	}
	if r.optOut != 0 {
		ev.OptOut(r.optOut == 2)
	}
	if r.partner != "" {
		ev.PartnerName(r.partner)
	}
	if r.language != "" {
		ev.Language(r.language)
	}
	if r.hasCust {
		ev.Custom(r.custom)
	}
	res.Event = ev
	if c.nowRows%nowEvery == 0 {
		c.now = c.cfg.Now()
	}
	c.nowRows++
	now := c.now
	switch {
	case at.Before(now.Add(-pinterest.MaxEventAge)):
		res.Reject = &Problem{Field: r.timeCol, Reason: "older than 7 days: the API refuses it (Ads Manager's file upload takes up to 30 days: see --stale-out)"}
		res.Stale = true
	case at.After(now.Add(pinterest.MaxClockSkew)):
		res.Reject = &Problem{Field: r.timeCol, Reason: "more than 1 hour in the future"}
		res.Event = nil
	}
	return res
}

func (r *row) joinDOB() {
	y, m, d := r.dob[0], r.dob[1], r.dob[2]
	if y == "" || m == "" || d == "" {
		r.dropped = append(r.dropped, Problem{Field: "user_data.db", Reason: "year, month and day of birth are all needed"})
		return
	}
	yi, e1 := strconv.Atoi(y)
	mi, e2 := strconv.Atoi(m)
	di, e3 := strconv.Atoi(d)
	if e1 != nil || e2 != nil || e3 != nil || !validDate(yi, mi, di) {
		r.dropped = append(r.dropped, Problem{Field: "user_data.db", Reason: "year, month and day of birth do not make a date"})
		return
	}
	r.u.DateOfBirth(time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC))
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "y", "t":
		return true, true
	case "0", "false", "no", "n", "f":
		return false, true
	}
	return false, false
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// appendList splits a list of ids: a JSON array of strings, or values
// separated by commas, semicolons or pipes.
func appendList(dst []string, v string) []string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		v = v[1 : len(v)-1]
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		part = strings.Trim(strings.TrimSpace(part), `"'`)
		if part != "" {
			dst = append(dst, part)
		}
	}
	return dst
}

// ParseMoney reads an amount as files write it ("72.39", "$72.39", "72,39 €",
// "1,234.56", "1.234,56", "USD 10") and returns it as a decimal string with a
// dot, or the reason it cannot.
func ParseMoney(s string) (string, string) {
	s = strings.TrimFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && r != '-' && r != '.' && r != ','
	})
	if s == "" {
		return "", "not an amount"
	}
	if s[0] == '-' {
		return "", "negative amount (refunds cannot be sent as conversions)"
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1
		}
		return r
	}, s)
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots > 0 && commas > 0: // the later one is the decimal separator
		if lastComma > lastDot {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	case commas == 1 && len(s)-lastComma-1 != 3: // 72,39: a decimal comma
		s = strings.Replace(s, ",", ".", 1)
	case commas > 0: // 1,234 or 1,234,567: thousands
		s = strings.ReplaceAll(s, ",", "")
	case dots > 1: // 1.234.567: thousands
		s = strings.ReplaceAll(s, ".", "")
	}
	if strings.Count(s, ".") > 1 || !utf8.ValidString(s) {
		return "", "not an amount"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.') {
			return "", "not an amount"
		}
	}
	if s == "." {
		return "", "not an amount"
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return "", "not an amount"
	}
	return s, ""
}
