package pinterest

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/capisdk/pinterest/internal/geo"
	"github.com/capisdk/pinterest/internal/swar"
)

// UserField names a user_data field by its wire key: the keys UserData.Add,
// UserData.Hashed and UserData.Count take. (FieldError.Field is a different
// thing: the wire path of any field, such as "user_data.em" or "event_id".)
type UserField string

// The user_data fields, by wire key. The first twelve are sent as arrays of
// SHA-256 hashes; the last four are sent as plain strings.
const (
	FieldEmail       UserField = "em"
	FieldPhone       UserField = "ph"
	FieldGender      UserField = "ge"
	FieldDateOfBirth UserField = "db"
	FieldLastName    UserField = "ln"
	FieldFirstName   UserField = "fn"
	FieldCity        UserField = "ct"
	FieldState       UserField = "st"
	FieldZip         UserField = "zp"
	FieldCountry     UserField = "country"
	FieldExternalID  UserField = "external_id"
	FieldMobileAdID  UserField = "hashed_maids"
	FieldClientIP    UserField = "client_ip_address"
	FieldUserAgent   UserField = "client_user_agent"
	FieldClickID     UserField = "click_id"
	FieldPartnerID   UserField = "partner_id"
)

// MaxValueLength is the longest raw value, in bytes, that a normalizer accepts.
// Longer values are refused as invalid rather than hashed: no real e-mail, name
// or id is that long, and a cap bounds the work done per value.
// The user agent has its own, larger cap, MaxUserAgentLength.
const MaxValueLength = 1024

// MaxUserAgentLength is the longest user agent, in bytes, that is sent. It is
// the maxLength Pinterest's schema gives app_info.user_agent.
const MaxUserAgentLength = 16384

// Reasons given in FieldError.Reason. They never contain the value.
const (
	reasonTooLong     = "value too long"
	reasonUTF8        = "not valid UTF-8"
	reasonControl     = "contains a control character"
	reasonEmailAt     = "not an e-mail address: needs exactly one @"
	reasonEmailLocal  = "not an e-mail address: empty local part"
	reasonEmailDomain = "not an e-mail address: domain needs a dot and no empty labels"
	reasonPhoneNone   = "no digits"
	reasonPhoneZeros  = "only zeros"
	reasonPhoneNoCC   = "no country code (a national number?): hashed as given, it will not match; write it with + and the country code, " +
		"or set a default code (WithDefaultPhoneCountryCode and Client.NewUserData, or UserData.DefaultPhoneCountryCode)"
	reasonPhoneShort   = "fewer than 7 digits"
	reasonPhoneLong    = "more than 15 digits"
	reasonPhoneCC      = "default country calling code must be 1 to 3 digits, not starting with 0"
	reasonGender       = "unknown gender: want f, m or n (or female, male, non-binary)"
	reasonDateForm     = "not a year-first date (YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD or RFC 3339)"
	reasonDateInvalid  = "no such date"
	reasonDateRange    = "date before 1900 or in the future"
	reasonNoLetters    = "no letters or digits"
	reasonState        = "not a 2-3 letter code or a known US/Canadian state or province name"
	reasonZip          = "not a postal code: only letters and digits, at most 10"
	reasonCountry      = "not an ISO 3166-1 country code or known country name"
	reasonZeroMAID     = "all-zero advertising id (limited ad tracking) carries no signal"
	reasonIP           = "not an IP address"
	reasonIPPort       = "port out of range"
	reasonIPUnspec     = "unspecified address (0.0.0.0 or ::)"
	reasonHashExpected = "not a SHA-256 hash: want 64 hexadecimal digits"
)

// asciiSpace marks the ASCII bytes for which unicode.IsSpace is true.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isInvisible reports the characters removed from every field before anything
// else: zero-width space, non-joiner and joiner, word joiner, the byte order mark
// (zero-width no-break space) and the soft hyphen.
func isInvisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

// prep checks a raw value and returns it without invisible characters and
// surrounding white space. ascii tells whether the result is pure ASCII. A
// non-empty reason means the value is invalid: longer than max bytes, not valid
// UTF-8, or containing a control character that is not white space.
func prep(s string, max int) (out string, ascii bool, reason string) {
	if len(s) > max {
		return "", false, reasonTooLong
	}
	ascii = true
	i := 0
	for ; i+8 <= len(s); i += 8 { // 8 bytes at a time while they are printable ASCII
		if w := swar.Load8(s, i); w&swar.Msb != 0 || swar.Below(w, 0x20) != 0 || swar.Equal(w, 0x7f) != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c == 0x7f || (c < 0x20 && !asciiSpace[c]) {
			return "", false, reasonControl
		}
	}
	if ascii {
		return trimASCII(s), true, ""
	}
	if !utf8.ValidString(s) {
		return "", false, reasonUTF8
	}
	strip := false
	for _, r := range s {
		switch {
		case isInvisible(r):
			strip = true
		case unicode.IsControl(r) && !unicode.IsSpace(r):
			return "", false, reasonControl
		}
	}
	if strip {
		s = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimFunc(s, unicode.IsSpace)
	return s, isASCII(s), ""
}

func trimASCII(s string) string {
	for len(s) > 0 && asciiSpace[s[0]] {
		s = s[1:]
	}
	for len(s) > 0 && asciiSpace[s[len(s)-1]] {
		s = s[:len(s)-1]
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// appendFolded is the general (non-ASCII) path shared by the text fields: it
// converts s to NFC, lowercases it rune by rune as strings.ToLower does, and
// passes each rune through keep (which returns the rune to write, or -1 to drop
// it). When a combining mark or conjoining jamo was kept, dropping a rune may
// have brought a letter and a mark together, and lowercasing a letter may have
// given it a precomposed form with its mark, so the written text is converted
// to NFC again. The result is therefore NFC and the normalizers stay
// idempotent.
func appendFolded(dst []byte, s string, keep func(r rune) rune) []byte {
	start := len(dst)
	s = norm.NFC.String(s)
	marks := false
	for _, r := range s {
		if r = keep(unicode.ToLower(r)); r < 0 {
			continue
		}
		if r >= 0x300 && (unicode.IsMark(r) || 0x1100 <= r && r <= 0x11FF || 0xA960 <= r && r <= 0xA97F || 0xD7B0 <= r && r <= 0xD7FF) {
			marks = true
		}
		dst = utf8.AppendRune(dst, r)
	}
	// The check works on a copy: handing dst itself to the norm package would
	// make it escape, and with it every caller's stack buffer, ASCII or not.
	// Lowercasing alone can also enable a composition: NFC keeps "\u0130\u0301"
	// (no precomposed form), but its lowercase "i\u0301" composes to "\u00ed".
	if marks {
		if out := string(dst[start:]); !norm.NFC.IsNormalString(out) {
			dst = append(dst[:start], norm.NFC.String(out)...)
		}
	}
	return dst
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) {
		return -1
	}
	return r
}

// keepAlnum keeps letters, combining marks and digits of any script.
func keepAlnum(r rune) rune {
	if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
		return r
	}
	return -1
}

// keepLetters keeps letters and combining marks of any script.
func keepLetters(r rune) rune {
	if unicode.IsLetter(r) || unicode.IsMark(r) {
		return r
	}
	return -1
}

// capOutput refuses a normalized value longer than MaxValueLength: the input
// is capped, but lowercasing and NFC can lengthen text (U+023A lowercases to
// a 3-byte letter), and a value refused on a second pass would make the
// normalizers not idempotent. Every normalizer's output passes through it.
func capOutput(b []byte, reason string) ([]byte, string) {
	if reason == "" && len(b) > MaxValueLength {
		return b[:0], reasonTooLong
	}
	return b, reason
}

// normString runs the normalizer of the hashed field id (with phoneCC, the
// default country calling code, for phones) and returns its result as a
// string. It calls the normalizer directly, through normalizeField, not
// through a function value, so that its scratch buffer stays on the stack:
// the string is the call's one allocation.
func normString(id uint8, phoneCC, s string) (string, error) {
	var buf [128]byte
	b, reason := capOutput(normalizeField(buf[:0], id, s, phoneCC))
	if reason != "" {
		return "", fieldErr(hashedFields[id].field, reason)
	}
	return string(b), nil
}

// NormalizeEmail normalizes an e-mail address for the em field: it trims it,
// converts it to NFC, lowercases it and removes all white space inside it. The
// result must have exactly one @, a non-empty local part and a domain with at
// least one dot and no empty labels. No provider-specific rewriting is done
// (dots in Gmail addresses stay). A blank input returns "" and no error.
func NormalizeEmail(s string) (string, error) { return normString(idEmail, "", s) }

func appendEmail(dst []byte, s string, ascii bool) ([]byte, string) {
	start := len(dst)
	if ascii {
		for i := 0; i < len(s); i++ {
			if c := s[i]; !asciiSpace[c] {
				dst = append(dst, lowerASCII(c))
			}
		}
	} else {
		dst = appendFolded(dst, s, dropSpace)
	}
	e := dst[start:]
	at := -1
	for i, c := range e {
		if c == '@' {
			if at >= 0 {
				return dst[:start], reasonEmailAt
			}
			at = i
		}
	}
	switch {
	case at < 0:
		return dst[:start], reasonEmailAt
	case at == 0:
		return dst[:start], reasonEmailLocal
	}
	domain := e[at+1:]
	dots := 0
	for i, c := range domain {
		if c == '.' {
			if i == 0 || i == len(domain)-1 || domain[i-1] == '.' {
				return dst[:start], reasonEmailDomain
			}
			dots++
		}
	}
	if dots == 0 {
		return dst[:start], reasonEmailDomain
	}
	return dst, ""
}

// NormalizePhone normalizes a phone number for the ph field, following
// Pinterest's rule "only digits with country code, area code, and number;
// remove any symbols, letters, spaces and leading zeros":
//
//   - an extension (x, ext, ext. or # and everything after it) is cut off;
//   - a "(0)" trunk marker, as in "+44 (0)20 7946 0958", is removed;
//   - only digits are kept; a decimal digit of any script counts as its ASCII digit;
//   - input that starts with + or 00 is international: its leading zeros are removed;
//   - other input, when defaultCountryCode is set (1 to 3 digits, with or
//     without +), gets the code prefixed: after removing its leading trunk 0
//     if it has one, otherwise unless its digits already start with that
//     code; without a default code, leading zeros are removed and the digits
//     are sent as given, so callers must pass numbers with their country code;
//   - the final number must have 7 to 15 digits (E.164).
//
// A blank input returns "" and no error; a non-blank one without digits
// ("n/a", an e-mail address) or with only zeros is invalid.
func NormalizePhone(s, defaultCountryCode string) (string, error) {
	cc, ok := parseCallingCode(defaultCountryCode)
	if !ok {
		return "", fieldErr(FieldPhone, reasonPhoneCC)
	}
	return normString(idPhone, cc, s)
}

// parseCallingCode validates a default country calling code ("44", "+44" or "").
func parseCallingCode(cc string) (string, bool) {
	cc = strings.TrimPrefix(strings.TrimSpace(cc), "+")
	if cc == "" {
		return "", true
	}
	if len(cc) > 3 || cc[0] == '0' {
		return "", false
	}
	for i := 0; i < len(cc); i++ {
		if cc[i] < '0' || cc[i] > '9' {
			return "", false
		}
	}
	return cc, true
}

// digitValue returns the value of a decimal digit of any script. Unicode
// encodes every set of decimal digits as runs of ten consecutive code points
// starting at zero, so the value is the distance from the start of the run,
// modulo ten.
func digitValue(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		if '0' <= r && r <= '9' {
			return byte(r - '0'), true
		}
		return 0, false
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	start := r
	for start > 0 && r-start < 60 && unicode.IsDigit(start-1) {
		start--
	}
	return byte((r - start) % 10), true
}

// maxPhoneDigits bounds the digits collected before the length check.
const maxPhoneDigits = 32

func appendPhone(dst []byte, s string, _ bool, cc string) ([]byte, string) {
	if i := strings.IndexAny(s, "xX#"); i >= 0 {
		s = s[:i]
	}
	intl := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "\uFF0B") // + or fullwidth +
	var buf [maxPhoneDigits]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '(' && strings.HasPrefix(s[i:], "(0)") {
			i += 3
			continue
		}
		var d byte
		var ok bool
		if c < utf8.RuneSelf {
			d, ok = c-'0', '0' <= c && c <= '9'
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			d, ok = digitValue(r)
			i += size
		}
		if !ok {
			continue
		}
		if n == len(buf) {
			return dst, reasonPhoneLong
		}
		buf[n] = '0' + d
		n++
	}
	digits := buf[:n]
	if !intl && n >= 2 && digits[0] == '0' && digits[1] == '0' {
		intl = true
	}
	start := len(dst)
	switch {
	case intl || cc == "":
		for len(digits) > 0 && digits[0] == '0' {
			digits = digits[1:]
		}
	case len(digits) > 0 && digits[0] == '0':
		// A trunk 0 marks a national number: the code is always added, even
		// when the rest happens to start with it (French 03 3..., German 0491).
		digits = digits[1:]
		if len(digits) > 0 {
			dst = append(dst, cc...)
		}
	case !strings.HasPrefix(string(digits), cc): // no allocation: the conversion does not escape
		dst = append(dst, cc...)
	}
	if len(digits) == 0 {
		// A value such as "n/a" or an e-mail in the phone column is a
		// mistake worth a warning, not silence.
		if n == 0 {
			return dst[:start], reasonPhoneNone
		}
		return dst[:start], reasonPhoneZeros
	}
	dst = append(dst, digits...)
	switch l := len(dst) - start; {
	case l < 7:
		return dst[:start], reasonPhoneShort
	case l > 15:
		return dst[:start], reasonPhoneLong
	}
	return dst, ""
}

// maxNationalDigits is the most digits a phone number written without + or
// 00 may have and still be taken for a national number: a North American
// number without its 1 has 10, as have most European ones without their
// trunk 0. Numbers of 11 or more digits are taken to start with their
// country code.
const maxNationalDigits = 10

// phoneLooksNational reports whether a phone value, given without a default
// country calling code, looks like a national number that lacks its country
// code: it is not written with + or 00, and it starts with a trunk 0 or has
// at most maxNationalDigits digits. Such a number is hashed as given and
// will not match what Pinterest holds.
func phoneLooksNational(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "\uFF0B") {
		return false
	}
	if i := strings.IndexAny(s, "xX#"); i >= 0 {
		s = s[:i]
	}
	n := 0
	var first [2]byte
	for _, r := range s {
		d, ok := digitValue(r)
		if !ok {
			continue
		}
		if n < 2 {
			first[n] = d
		}
		n++
	}
	switch {
	case n == 0:
		return false
	case n >= 2 && first[0] == 0 && first[1] == 0:
		return false // 00: international
	case first[0] == 0:
		return true // a trunk 0
	}
	return n <= maxNationalDigits
}

// NormalizeGender normalizes a gender for the ge field: it trims and lowercases
// the value and removes white space, - and _ inside it, then maps m, male and
// man to "m"; f, female and woman to "f"; n, non-binary, nonbinary and
// non binary to "n". Anything else is invalid. A blank input (or one of only
// -, _ and white space) returns "" and no error.
func NormalizeGender(s string) (string, error) { return normString(idGender, "", s) }

func appendGender(dst []byte, s string, ascii bool) ([]byte, string) {
	if len(s) > 64 {
		return dst, reasonGender
	}
	var buf [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !ascii && c >= utf8.RuneSelf {
			// Non-ASCII: white space such as a no-break space is removed like
			// ASCII white space; any other rune must lowercase to ASCII.
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1
			if unicode.IsSpace(r) {
				continue
			}
			if r = unicode.ToLower(r); r >= utf8.RuneSelf {
				return dst, reasonGender
			}
			c = byte(r)
		}
		if asciiSpace[c] || c == '-' || c == '_' {
			continue
		}
		if n == len(buf) {
			return dst, reasonGender
		}
		buf[n] = lowerASCII(c)
		n++
	}
	switch string(buf[:n]) {
	case "":
		return dst, "" // only - or _: empty after normalization, ignored
	case "m", "male", "man":
		return append(dst, 'm'), ""
	case "f", "female", "woman":
		return append(dst, 'f'), ""
	case "n", "nonbinary":
		return append(dst, 'n'), ""
	}
	return dst, reasonGender
}

// NormalizeDateOfBirth normalizes a date of birth given as text for the db
// field, to YYYYMMDD. It accepts year-first dates only: YYYY-MM-DD, YYYY/MM/DD
// and YYYY.MM.DD (month and day of one or two digits, one kind of separator),
// YYYYMMDD, and RFC 3339 timestamps, which count by the date they spell
// ("1985-07-04T10:00:00Z" is 19850704). Day-first and month-first orders such as
// 01/02/1990 are ambiguous and invalid, as are 6-digit and 2-digit-year forms:
// pass a time.Time to UserData.DateOfBirth instead. The date must exist, and lie
// between 1900-01-01 and today. A blank input returns "" and no error.
func NormalizeDateOfBirth(s string) (string, error) {
	return normString(idDateOfBirth, "", s)
}

// FormatDateOfBirth formats the calendar date of t (in t's own location) as
// YYYYMMDD for the db field. A date before 1900 or in the future is invalid.
func FormatDateOfBirth(t time.Time) (string, error) {
	y, m, d := t.Date()
	var buf [8]byte
	b, reason := appendDate(buf[:0], y, int(m), d)
	if reason != "" {
		return "", fieldErr(FieldDateOfBirth, reason)
	}
	return string(b), nil
}

func appendDOBString(dst []byte, s string, ascii bool) ([]byte, string) {
	if !ascii {
		return dst, reasonDateForm
	}
	if len(s) > 10 {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return dst, reasonDateForm
		}
		y, m, d := t.Date()
		return appendDate(dst, y, int(m), d)
	}
	if len(s) == 8 && allDigits(s) {
		return appendDate(dst, atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
	}
	if len(s) < 8 || !allDigits(s[:4]) {
		return dst, reasonDateForm
	}
	sep := s[4]
	if sep != '-' && sep != '/' && sep != '.' {
		return dst, reasonDateForm
	}
	rest := s[5:]
	i := strings.IndexByte(rest, sep)
	if i < 1 || i > 2 || len(rest)-i-1 < 1 || len(rest)-i-1 > 2 {
		return dst, reasonDateForm
	}
	m, d := rest[:i], rest[i+1:]
	if !allDigits(m) || !allDigits(d) {
		return dst, reasonDateForm
	}
	return appendDate(dst, atoi(s[:4]), atoi(m), atoi(d))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi converts a short string of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// pastYear is a year all of whose dates are in the past whenever this code
// runs: dates before it need no look at the clock (time.Now is costly enough
// to show in BenchmarkPrepare1000).
const pastYear = 2026

// appendDate validates a calendar date and appends it as YYYYMMDD.
func appendDate(dst []byte, y, m, d int) ([]byte, string) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return dst, reasonDateInvalid
	}
	if y < 1900 {
		return dst, reasonDateRange
	}
	// "Today" is taken in the furthest time zone (UTC+14), so that nobody born
	// today anywhere on Earth is refused.
	if y >= pastYear && time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).After(time.Now().UTC().Add(14*time.Hour)) {
		return dst, reasonDateRange
	}
	dst = append(dst, '0'+byte(y/1000), '0'+byte(y/100%10), '0'+byte(y/10%10), '0'+byte(y%10))
	dst = append(dst, '0'+byte(m/10), '0'+byte(m%10), '0'+byte(d/10), '0'+byte(d%10))
	return dst, ""
}

// daysIn returns the number of days of month m of year y (Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// NormalizeFirstName normalizes a first name for the fn field: trimmed, NFC,
// lowercased, with runs of inner white space collapsed to one space. Inner
// spaces, hyphens, apostrophes and other punctuation are kept. A blank input
// returns "" and no error.
func NormalizeFirstName(s string) (string, error) {
	return normString(idFirstName, "", s)
}

// NormalizeLastName normalizes a last name for the ln field, by the same rules
// as NormalizeFirstName ("O'Brien" becomes "o'brien").
func NormalizeLastName(s string) (string, error) {
	return normString(idLastName, "", s)
}

func appendName(dst []byte, s string, ascii bool) ([]byte, string) {
	space := false
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if asciiSpace[c] {
				space = true
				continue
			}
			if space {
				dst = append(dst, ' ')
				space = false
			}
			dst = append(dst, lowerASCII(c))
		}
		return dst, ""
	}
	// s is trimmed, so a space is only written between two other runes.
	return appendFolded(dst, s, func(r rune) rune {
		if unicode.IsSpace(r) {
			if space {
				return -1
			}
			space = true
			return ' '
		}
		space = false
		return r
	}), ""
}

// NormalizeCity normalizes a city for the ct field: NFC, lowercased, and only
// letters, combining marks and digits of any script kept (white space,
// punctuation and symbols are removed): "Menlo Park" becomes "menlopark",
// "Saint-Étienne" "saintétienne". A blank input, or one with no letter or
// digit, returns "" and no error.
func NormalizeCity(s string) (string, error) { return normString(idCity, "", s) }

func appendCity(dst []byte, s string, ascii bool) ([]byte, string) {
	dst = appendAlnum(dst, s, ascii, keepAlnum)
	// No letter or digit (only punctuation or symbols): empty after
	// normalization, ignored.
	return dst, ""
}

// appendAlnum lowercases s and keeps what keep keeps, with an ASCII fast path
// for keepAlnum and keepLetters.
func appendAlnum(dst []byte, s string, ascii bool, keep func(rune) rune) []byte {
	if !ascii {
		return appendFolded(dst, s, keep)
	}
	digits := keep(rune('0')) >= 0
	for i := 0; i < len(s); i++ {
		c := lowerASCII(s[i])
		if ('a' <= c && c <= 'z') || (digits && '0' <= c && c <= '9') {
			dst = append(dst, c)
		}
	}
	return dst
}

// NormalizeState normalizes a state or province for the st field: trimmed,
// lowercased, white space and punctuation removed. Full names of US states, the
// District of Columbia, US territories and Canadian provinces and territories
// map to their codes ("California" to "ca", "Québec" to "qc"); a code of 2 or 3
// letters is kept as given, real or not (" n.y. " becomes "ny"); other text is
// invalid. A blank input returns "" and no error.
func NormalizeState(s string) (string, error) { return normString(idState, "", s) }

func appendState(dst []byte, s string, ascii bool) ([]byte, string) {
	start := len(dst)
	dst = appendAlnum(dst, s, ascii, keepAlnum)
	key := dst[start:]
	if len(key) == 0 {
		return dst, "" // only punctuation: empty after normalization, ignored
	}
	if code, ok := geo.State(string(key)); ok { // no allocation: map lookup by converted key
		return append(dst[:start], code...), ""
	}
	if l := len(key); l < 2 || l > 3 {
		return dst[:start], reasonState
	}
	for _, c := range key {
		if c < 'a' || c > 'z' {
			return dst[:start], reasonState
		}
	}
	return dst, ""
}

// NormalizeZip normalizes a postal code for the zp field: trimmed, lowercased,
// with white space and - removed. A US ZIP+4 (12345-6789, 12345 6789 or nine
// digits once white space and - are removed) keeps its first five digits. The
// result must be at most 10 ASCII letters and digits ("SW1A 1AA" becomes
// "sw1a1aa"). A blank input, or one of only - and white space, returns "" and
// no error.
func NormalizeZip(s string) (string, error) { return normString(idZip, "", s) }

func appendZip(dst []byte, s string, _ bool) ([]byte, string) {
	start := len(dst)
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
		case r < utf8.RuneSelf && ('0' <= r && r <= '9' || 'a' <= r && r <= 'z'):
			dst = append(dst, byte(r))
		case 'A' <= r && r <= 'Z':
			dst = append(dst, byte(r)+('a'-'A'))
		default:
			return dst[:start], reasonZip
		}
		if len(dst)-start > 10 {
			return dst[:start], reasonZip
		}
	}
	// Nine digits once white space and - are gone is a US ZIP+4 (12345-6789,
	// 12345 6789, 123456789, and also 94025 1234 with a tab or no-break space):
	// keep the first five. Cutting every such result keeps the normalizer
	// idempotent, as its output is never a 9-digit string.
	if z := dst[start:]; len(z) == 9 {
		nine := true
		for _, c := range z {
			nine = nine && '0' <= c && c <= '9'
		}
		if nine {
			dst = dst[:start+5]
		}
	}
	// Empty (only -): empty after normalization, ignored.
	return dst, ""
}

// NormalizeCountry normalizes a country for the country field to its lowercase
// ISO 3166-1 alpha-2 code. It accepts alpha-2 codes of assigned countries,
// alpha-3 codes, English names (with or without a leading "The"), common
// aliases (UK, England, Great Britain, U.S.A., Holland, South Korea...) and the
// native names of the largest markets (Deutschland, España, Österreich...).
// Case, white space and punctuation do not matter. Unassigned codes (ZZ, XX,
// EU) and unknown names are invalid. A blank input returns "" and no error.
func NormalizeCountry(s string) (string, error) {
	return normString(idCountry, "", s)
}

func appendCountry(dst []byte, s string, ascii bool) ([]byte, string) {
	var buf [64]byte
	key := appendAlnum(buf[:0], s, ascii, keepLetters)
	if code, ok := geo.Country(string(key)); ok {
		return append(dst, code...), ""
	}
	return dst, reasonCountry
}

// NormalizeExternalID normalizes the advertiser's own user id for the
// external_id field: it is only trimmed, and its case is kept. (Like every
// hashed field, a value of 64 hex digits given to UserData is taken as a hash.)
// A blank input returns "" and no error.
func NormalizeExternalID(s string) (string, error) {
	return normString(idExternalID, "", s)
}

func appendExternalID(dst []byte, s string, _ bool) ([]byte, string) {
	return append(dst, s...), ""
}

// NormalizeMobileAdID normalizes a mobile advertising id (a Google Advertising
// ID or Apple IDFA) for the hashed_maids field: trimmed and lowercased. The
// all-zero id that devices report under limited ad tracking carries no signal
// and is invalid; other forms are not validated. A blank input returns "" and
// no error.
func NormalizeMobileAdID(s string) (string, error) {
	return normString(idMobileAdID, "", s)
}

func appendMobileAdID(dst []byte, s string, ascii bool) ([]byte, string) {
	start := len(dst)
	if ascii {
		for i := 0; i < len(s); i++ {
			dst = append(dst, lowerASCII(s[i]))
		}
	} else {
		dst = appendFolded(dst, s, func(r rune) rune { return r })
	}
	zero := true
	for _, c := range dst[start:] {
		if c != '0' && c != '-' {
			zero = false
			break
		}
	}
	if zero {
		return dst[:start], reasonZeroMAID
	}
	return dst, ""
}

// ParseClientIP parses the client_ip_address field. It accepts an IPv4 or IPv6
// address, optionally with a port as in http.Request.RemoteAddr ("1.2.3.4:5678",
// "[2001:db8::1]:443") and IPv6 in brackets without a port; it trims white space,
// drops an IPv6 zone (%eth0) and unmaps IPv4-in-IPv6 addresses. A port out of
// range, the unspecified addresses 0.0.0.0 and :: and anything else are invalid.
// The canonical text form is Addr.String. A blank input returns the zero Addr
// and no error.
func ParseClientIP(s string) (netip.Addr, error) {
	a, reason := parseIP(s)
	if reason != "" {
		return netip.Addr{}, fieldErr(FieldClientIP, reason)
	}
	return a, nil
}

func parseIP(s string) (netip.Addr, string) {
	s, ascii, reason := prep(s, MaxValueLength)
	if reason != "" || s == "" {
		return netip.Addr{}, reason
	}
	if !ascii {
		return netip.Addr{}, reasonIP
	}
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, reasonIP
		}
		host = s[1:end]
		if rest := s[end+1:]; rest != "" {
			if rest[0] != ':' {
				return netip.Addr{}, reasonIP
			}
			if reason := checkPort(rest[1:]); reason != "" {
				return netip.Addr{}, reason
			}
		}
	} else if i := strings.IndexByte(s, ':'); i >= 0 && strings.LastIndexByte(s, ':') == i {
		// Exactly one colon: IPv4 with a port.
		host = s[:i]
		if reason := checkPort(s[i+1:]); reason != "" {
			return netip.Addr{}, reason
		}
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, reasonIP
	}
	a = a.WithZone("").Unmap()
	if a.IsUnspecified() {
		return netip.Addr{}, reasonIPUnspec
	}
	return a, ""
}

func checkPort(p string) string {
	if !allDigits(p) || len(p) > 5 {
		return reasonIP
	}
	if n, _ := strconv.Atoi(p); n > 65535 {
		return reasonIPPort
	}
	return ""
}

// plainValue trims a value sent as a plain string (user agent, click id,
// partner id) and checks it is valid UTF-8 without control characters, at most
// max bytes long.
func plainValue(s string, max int) (string, string) {
	s, _, reason := prep(s, max)
	return s, reason
}
