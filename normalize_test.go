package pinterest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// goldenCase is one vector of testdata/normalize.json. Every expected value
// in that file was derived by hand from docs/normalization.md; the hashes are
// SHA-256 of the hand-written normalized values, computed outside the SDK.
type goldenCase struct {
	Field     string  `json:"field"`
	Input     *string `json:"input"`     // the raw value
	InputHex  string  `json:"input_hex"` // the raw value as hex bytes (for invalid UTF-8)
	Repeat    int     `json:"repeat"`    // Input repeated this many times
	CC        *string `json:"cc"`        // default country calling code (ph only)
	Norm      string  `json:"norm"`      // expected normalizer output; "" for blank or invalid
	Err       string  `json:"err"`       // substring of the expected reason; "" when valid or blank
	Prehashed bool    `json:"prehashed"` // 64 hex: UserData sends it lowercased, not hashed again
	Hash      string  `json:"hash"`      // expected wire hash; "" when nothing is sent
	Note      string  `json:"note"`
}

func (c goldenCase) input(t testing.TB) string {
	t.Helper()
	if c.InputHex != "" {
		b, err := hex.DecodeString(c.InputHex)
		if err != nil {
			t.Fatalf("bad input_hex %q: %v", c.InputHex, err)
		}
		return string(b)
	}
	if c.Input == nil {
		t.Fatal("golden case without input")
	}
	if c.Repeat > 0 {
		return strings.Repeat(*c.Input, c.Repeat)
	}
	return *c.Input
}

func (c goldenCase) cc() string {
	if c.CC == nil {
		return ""
	}
	return *c.CC
}

func (c goldenCase) name(i int) string {
	s := c.Field
	if c.CC != nil {
		s += "+cc" + *c.CC
	}
	return fmt.Sprintf("%03d_%s", i, s)
}

func loadGolden(t testing.TB) []goldenCase {
	t.Helper()
	b, err := os.ReadFile("testdata/normalize.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("testdata/normalize.json: %v", err)
	}
	return cases
}

// normalizerFor returns the exported normalizer of a field as a function of
// (value, default country code). The client IP is returned in its canonical
// text form, "" for the zero Addr.
func normalizerFor(f UserField) func(s, cc string) (string, error) {
	one := func(fn func(string) (string, error)) func(string, string) (string, error) {
		return func(s, _ string) (string, error) { return fn(s) }
	}
	switch f {
	case FieldEmail:
		return one(NormalizeEmail)
	case FieldPhone:
		return NormalizePhone
	case FieldGender:
		return one(NormalizeGender)
	case FieldDateOfBirth:
		return one(NormalizeDateOfBirth)
	case FieldFirstName:
		return one(NormalizeFirstName)
	case FieldLastName:
		return one(NormalizeLastName)
	case FieldCity:
		return one(NormalizeCity)
	case FieldState:
		return one(NormalizeState)
	case FieldZip:
		return one(NormalizeZip)
	case FieldCountry:
		return one(NormalizeCountry)
	case FieldExternalID:
		return one(NormalizeExternalID)
	case FieldMobileAdID:
		return one(NormalizeMobileAdID)
	case FieldClientIP:
		return func(s, _ string) (string, error) {
			a, err := ParseClientIP(s)
			if err != nil || !a.IsValid() {
				return "", err
			}
			return a.String(), nil
		}
	}
	return nil
}

// checkFieldError asserts that err is a *FieldError naming field, matching
// ErrInvalidValue, and not containing the raw input.
func checkFieldError(t *testing.T, err error, field UserField, input string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if want := "user_data." + string(field); fe.Field != want {
		t.Errorf("FieldError.Field = %q, want %q", fe.Field, want)
	}
	if !errors.Is(err, ErrInvalidValue) {
		t.Errorf("errors.Is(%v, ErrInvalidValue) = false", err)
	}
	if !knownReason(fe.Reason) {
		t.Errorf("FieldError.Reason %q is not one of the fixed reasons", fe.Reason)
	}
	fixed := "pinterest: invalid user_data." + string(field) + ": " + fe.Reason
	if err.Error() != fixed {
		t.Errorf("error text %q, want %q", err.Error(), fixed)
	}
	for _, s := range []string{input, strings.TrimSpace(input)} {
		// An input such as "unknown" or "0.0.0.0" may be part of the fixed
		// reason text; anything else must not appear.
		if len(s) > 3 && strings.Contains(err.Error(), s) && !strings.Contains(fixed, s) {
			t.Errorf("error text %q contains the raw input %q", err.Error(), s)
		}
	}
}

// knownReason reports whether r is one of the fixed reasons of normalize.go.
func knownReason(r string) bool {
	switch r {
	case reasonTooLong, reasonUTF8, reasonControl, reasonEmailAt, reasonEmailLocal, reasonEmailDomain,
		reasonPhoneNone, reasonPhoneZeros, reasonPhoneNoCC, reasonPhoneShort, reasonPhoneLong, reasonPhoneCC, reasonGender, reasonDateForm,
		reasonDateInvalid, reasonDateRange, reasonNoLetters, reasonState, reasonZip, reasonCountry,
		reasonZeroMAID, reasonIP, reasonIPPort, reasonIPUnspec, reasonHashExpected:
		return true
	}
	return false
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestGoldenNormalize drives every normalizer and the UserData builder with
// the vectors of testdata/normalize.json.
func TestGoldenNormalize(t *testing.T) {
	cases := loadGolden(t)
	perField := map[string]int{}
	for _, c := range cases {
		perField[c.Field]++
	}
	if len(cases) < 150 {
		t.Errorf("only %d golden cases, want at least 150", len(cases))
	}
	for _, f := range []UserField{FieldEmail, FieldPhone, FieldGender, FieldDateOfBirth, FieldFirstName, FieldLastName,
		FieldCity, FieldState, FieldZip, FieldCountry, FieldExternalID, FieldMobileAdID, FieldClientIP} {
		if perField[string(f)] < 10 {
			t.Errorf("field %s has %d golden cases, want at least 10", f, perField[string(f)])
		}
	}

	type result struct {
		Value   string
		Invalid bool
	}
	for i, c := range cases {
		t.Run(c.name(i), func(t *testing.T) {
			field := UserField(c.Field)
			in := c.input(t)
			norm := normalizerFor(field)
			if norm == nil {
				t.Fatalf("unknown field %q", c.Field)
			}

			// The golden file checks itself: hashes are SHA-256 of the
			// normalized value, or the lowercased input for pre-hashed values.
			switch {
			case c.Prehashed:
				if want := strings.ToLower(strings.Trim(in, " \t\n\u00a0\ufeff")); c.Hash != want || !isLowerHex64(c.Hash) {
					t.Fatalf("golden: prehashed case has hash %q, want %q", c.Hash, want)
				}
			case c.Err != "" || c.Norm == "" || field == FieldClientIP:
				if c.Hash != "" {
					t.Fatalf("golden: hash %q for a value that is not sent hashed", c.Hash)
				}
			default:
				if c.Hash != sha256Hex(c.Norm) {
					t.Fatalf("golden: hash %q is not SHA-256 of %q", c.Hash, c.Norm)
				}
			}

			// (a) the exported normalizer.
			got, err := norm(in, c.cc())
			if diff := cmp.Diff(result{c.Norm, c.Err != ""}, result{got, err != nil}); diff != "" {
				t.Errorf("normalize %q (%s): mismatch (-want +got):\n%s\nerr: %v", in, c.Note, diff, err)
			}
			// (b) the error.
			if err != nil {
				checkFieldError(t, err, field, in)
				if c.Err != "" && !strings.Contains(err.Error(), c.Err) {
					t.Errorf("error %q does not mention %q", err, c.Err)
				}
			}

			// (c) through UserData, on the wire.
			u := NewUserData()
			if c.CC != nil {
				u.DefaultPhoneCountryCode(*c.CC).Phone(in)
			} else {
				u.Add(field, in)
			}
			js, jerr := u.MarshalJSON()
			if jerr != nil {
				t.Fatal(jerr)
			}
			want := "{}"
			wantWarnings := 0
			switch {
			case c.Hash != "":
				want = `{"` + c.Field + `":["` + c.Hash + `"]}`
				if field == FieldPhone && c.CC == nil && phoneLooksNational(in) {
					wantWarnings = 1 // no country code: kept, with a warning
				}
			case field == FieldClientIP && c.Norm != "":
				want = `{"client_ip_address":"` + c.Norm + `"}`
			case c.Err != "":
				wantWarnings = 1
			}
			if diff := cmp.Diff(want, string(js)); diff != "" {
				t.Errorf("wire JSON for %q (%s) mismatch (-want +got):\n%s", in, c.Note, diff)
			}
			ws := u.Warnings()
			if len(ws) != wantWarnings {
				t.Errorf("got %d warnings %v, want %d", len(ws), ws, wantWarnings)
			}
			for _, w := range ws {
				checkFieldError(t, w, field, in)
			}
			if n := u.Count(field); (n == 1) != (want != "{}") {
				t.Errorf("Count(%s) = %d for wire %s", field, n, js)
			}
		})
	}
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// TestGoldenIdempotent checks that every valid golden output normalizes to
// itself.
func TestGoldenIdempotent(t *testing.T) {
	for i, c := range loadGolden(t) {
		if c.Norm == "" || c.Err != "" || c.Prehashed {
			continue
		}
		norm := normalizerFor(UserField(c.Field))
		// A normalized phone number is international: without the +, a default
		// code would be prefixed again, so re-normalize it without one.
		got, err := norm(c.Norm, "")
		if err != nil || got != c.Norm {
			t.Errorf("%s: normalize(%q) = %q, %v; want it unchanged", c.name(i), c.Norm, got, err)
		}
		if c.CC != nil {
			if got, err := NormalizePhone("+"+c.Norm, *c.CC); err != nil || got != c.Norm {
				t.Errorf("%s: NormalizePhone(+%q, %q) = %q, %v", c.name(i), c.Norm, *c.CC, got, err)
			}
		}
	}
}

// TestNormalizeLengthAfterFolding covers values whose byte length grows when
// lowercased or converted to NFC: their output must stay within
// MaxValueLength, or normalizing the output again would fail.
func TestNormalizeLengthAfterFolding(t *testing.T) {
	// U+023A (2 bytes) lowercases to U+2C65 (3 bytes); U+0958 (3 bytes) is
	// decomposed by NFC into two 3-byte runes.
	for _, tc := range []struct {
		field UserField
		in    string
	}{
		{FieldFirstName, strings.Repeat("\u023a", MaxValueLength/2)},
		{FieldLastName, strings.Repeat("\u0958", MaxValueLength/3)},
		{FieldCity, strings.Repeat("\u023a", MaxValueLength/2)},
		{FieldMobileAdID, strings.Repeat("\u023a", MaxValueLength/2)},
		{FieldEmail, strings.Repeat("\u023a", MaxValueLength/2-5) + "@x.io"},
		{FieldState, strings.Repeat("\u023a", MaxValueLength/2)},
	} {
		norm := normalizerFor(tc.field)
		out, err := norm(tc.in, "")
		if err != nil {
			checkFieldError(t, err, tc.field, tc.in)
			continue
		}
		if len(out) > MaxValueLength {
			t.Errorf("%s: output of %d bytes is longer than MaxValueLength", tc.field, len(out))
		}
		if again, err := norm(out, ""); err != nil || again != out {
			t.Errorf("%s: not idempotent: %v", tc.field, err)
		}
	}
}

// upperHash is a SHA-256 in upper case, as some CRMs export them.
const upperHash = "A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3"

func TestHashedPassThrough(t *testing.T) {
	lower := strings.ToLower(upperHash)
	setters := []struct {
		field UserField
		set   func(u *UserData, v string)
	}{
		{FieldEmail, func(u *UserData, v string) { u.Email(v) }},
		{FieldPhone, func(u *UserData, v string) { u.Phone(v) }},
		{FieldPhone, func(u *UserData, v string) { u.DefaultPhoneCountryCode("44").Phone(v) }},
		{FieldGender, func(u *UserData, v string) { u.Gender(v) }},
		{FieldDateOfBirth, func(u *UserData, v string) { u.DateOfBirthString(v) }},
		{FieldFirstName, func(u *UserData, v string) { u.FirstName(v) }},
		{FieldLastName, func(u *UserData, v string) { u.LastName(v) }},
		{FieldCity, func(u *UserData, v string) { u.City(v) }},
		{FieldState, func(u *UserData, v string) { u.State(v) }},
		{FieldZip, func(u *UserData, v string) { u.Zip(v) }},
		{FieldCountry, func(u *UserData, v string) { u.Country(v) }},
		{FieldExternalID, func(u *UserData, v string) { u.ExternalID(v) }},
		{FieldMobileAdID, func(u *UserData, v string) { u.MobileAdID(v) }},
	}
	for _, s := range setters {
		for _, how := range []string{"setter", "Add", "Hashed"} {
			for _, in := range []string{upperHash, " " + upperHash + "\n", lower, "\ufeff" + upperHash} {
				u := NewUserData()
				switch how {
				case "setter":
					s.set(u, in)
				case "Add":
					u.Add(s.field, in)
				case "Hashed":
					u.Hashed(s.field, in)
				}
				js, _ := u.MarshalJSON()
				want := `{"` + string(s.field) + `":["` + lower + `"]}`
				if diff := cmp.Diff(want, string(js)); diff != "" {
					t.Errorf("%s via %s(%q): (-want +got):\n%s", s.field, how, in, diff)
				}
				if w := u.Warnings(); len(w) != 0 {
					t.Errorf("%s via %s: warnings %v", s.field, how, w)
				}
			}
		}
	}
	for in, want := range map[string]bool{
		upperHash: true, lower: true, " " + upperHash + " ": true, "\ufeff" + upperHash: true,
		upperHash[:63]: false, upperHash + "0": false, "": false, strings.Repeat("g", 64): false,
	} {
		if got := IsHashed(in); got != want {
			t.Errorf("IsHashed(%q) = %v, want %v", in, got, want)
		}
	}
	if got, want := HashValue("jane@example.com"), "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"; got != want {
		t.Errorf("HashValue = %s, want %s", got, want)
	}
}

func TestHashedRejectsNonHex(t *testing.T) {
	for _, tc := range []struct {
		name     string
		field    UserField
		in       []string
		want     string
		warnings int
	}{
		{"raw e-mail", FieldEmail, []string{"jane@example.com"}, `{}`, 1},
		{"63 hex", FieldEmail, []string{upperHash[:63]}, `{}`, 1},
		{"65 hex", FieldEmail, []string{upperHash + "a"}, `{}`, 1},
		{"non-hex letters", FieldPhone, []string{strings.Repeat("g", 64)}, `{}`, 1},
		{"hex with inner space", FieldPhone, []string{upperHash[:32] + " " + upperHash[32:]}, `{}`, 1},
		{"blank ignored", FieldEmail, []string{"", "  "}, `{}`, 0},
		{"good and bad", FieldCity, []string{"Menlo Park", upperHash}, `{"ct":["` + strings.ToLower(upperHash) + `"]}`, 1},
		{"not a hashed field", FieldClientIP, []string{upperHash}, `{}`, 1},
		{"unknown field", UserField("nope"), []string{upperHash}, `{}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := NewUserData().Hashed(tc.field, tc.in...)
			js, _ := u.MarshalJSON()
			if diff := cmp.Diff(tc.want, string(js)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			ws := u.Warnings()
			if len(ws) != tc.warnings {
				t.Fatalf("warnings = %v, want %d", ws, tc.warnings)
			}
			for _, w := range ws {
				var fe *FieldError
				if !errors.As(w, &fe) || !errors.Is(w, ErrInvalidValue) || !strings.Contains(fe.Field, string(tc.field)) {
					t.Errorf("warning %v does not name %s", w, tc.field)
				}
				for _, in := range tc.in {
					if len(in) > 3 && strings.Contains(w.Error(), in) {
						t.Errorf("warning %q contains the value", w)
					}
				}
			}
		})
	}
}

func TestDeduplication(t *testing.T) {
	h := sha256Hex
	for _, tc := range []struct {
		name  string
		field UserField
		in    []string
		want  []string
	}{
		{"same e-mail after normalization", FieldEmail, []string{" Jane@Example.com", "jane@example.com", "JANE@EXAMPLE.COM "},
			[]string{h("jane@example.com")}},
		{"two distinct in input order", FieldEmail, []string{"Zed@example.com", "amy@example.com", "zed@EXAMPLE.com"},
			[]string{h("zed@example.com"), h("amy@example.com")}},
		{"hash and raw of the same value", FieldEmail, []string{"jane@example.com", strings.ToUpper(h("jane@example.com"))},
			[]string{h("jane@example.com")}},
		{"NFD and NFC names", FieldFirstName, []string{"Jose\u0301", "Jos\u00e9", " JOSÉ "},
			[]string{h("jos\u00e9")}},
		{"phones in three spellings", FieldPhone, []string{"+1 (650) 555-0100", "001 650 555 0100", "16505550100", "+44 20 7946 0958"},
			[]string{h("16505550100"), h("442079460958")}},
		{"state name and code", FieldState, []string{"California", "CA", "ca.", "Texas"},
			[]string{h("ca"), h("tx")}},
		{"country aliases", FieldCountry, []string{"UK", "United Kingdom", "GBR", "England", "US"},
			[]string{h("gb"), h("us")}},
		{"external ids keep case", FieldExternalID, []string{"Cust-42", " Cust-42 ", "cust-42"},
			[]string{h("Cust-42"), h("cust-42")}},
		{"invalid and blank in between", FieldEmail, []string{"b@example.com", "", "nope", "a@example.com", "B@example.com"},
			[]string{h("b@example.com"), h("a@example.com")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := NewUserData().Add(tc.field, tc.in...)
			js, _ := u.MarshalJSON()
			var got map[string][]string
			if err := json.Unmarshal(js, &got); err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			if diff := cmp.Diff(map[string][]string{string(tc.field): tc.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got := u.Count(tc.field); got != len(tc.want) {
				t.Errorf("Count = %d, want %d", got, len(tc.want))
			}
		})
	}
}

func TestFormatDateOfBirth(t *testing.T) {
	pdt := time.FixedZone("PDT", -7*3600)
	jst := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		name    string
		t       time.Time
		want    string
		invalid bool
	}{
		{"UTC", time.Date(1990, 7, 4, 12, 0, 0, 0, time.UTC), "19900704", false},
		{"Los Angeles late evening (next day in UTC)", time.Date(1990, 7, 4, 23, 30, 0, 0, pdt), "19900704", false},
		{"Tokyo just after midnight (previous day in UTC)", time.Date(1990, 7, 5, 0, 30, 0, 0, jst), "19900705", false},
		{"Local", time.Date(1985, 12, 31, 23, 59, 59, 0, time.Local), "19851231", false},
		{"leap day", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), "20000229", false},
		{"1900-01-01", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "19000101", false},
		{"1899-12-31", time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), "", true},
		{"zero time", time.Time{}, "", true},
		{"future", time.Now().AddDate(1, 0, 0), "", true},
		{"year 2999", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FormatDateOfBirth(tc.t)
			if diff := cmp.Diff(tc.want, got); diff != "" || (err != nil) != tc.invalid {
				t.Errorf("FormatDateOfBirth(%v) = %q, %v (-want +got):\n%s", tc.t, got, err, diff)
			}
			if err != nil {
				checkFieldError(t, err, FieldDateOfBirth, "")
			}
			u := NewUserData().DateOfBirth(tc.t)
			js, _ := u.MarshalJSON()
			want := "{}"
			if !tc.invalid {
				want = `{"db":["` + sha256Hex(tc.want) + `"]}`
			}
			if diff := cmp.Diff(want, string(js)); diff != "" {
				t.Errorf("DateOfBirth wire (-want +got):\n%s", diff)
			}
			if n := len(u.Warnings()); n != map[bool]int{false: 0, true: 1}[tc.invalid] {
				t.Errorf("%d warnings", n)
			}
		})
	}
	// The time.Time and the string forms of one date hash the same.
	a, _ := NewUserData().DateOfBirth(time.Date(1990, 7, 4, 23, 30, 0, 0, pdt)).MarshalJSON()
	b, _ := NewUserData().DateOfBirthString("1990/7/4").MarshalJSON()
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("time.Time and string forms differ:\n%s", diff)
	}
}

func TestNormalizePhoneDefaultCode(t *testing.T) {
	for _, cc := range []string{"0", "01", "1234", "x1", "++1", "4 4"} {
		if _, err := NormalizePhone("020 7946 0958", cc); err == nil {
			t.Errorf("NormalizePhone with default code %q: no error", cc)
		} else {
			checkFieldError(t, err, FieldPhone, "020 7946 0958")
		}
	}
	for _, cc := range []string{"1", "+44", " 49 ", "353"} {
		if _, err := NormalizePhone("+1 650 555 0100", cc); err != nil {
			t.Errorf("NormalizePhone with default code %q: %v", cc, err)
		}
	}
	// An invalid default code is a warning, and national numbers then keep
	// their digits as given, with the warning that they lack a country code.
	u := NewUserData().DefaultPhoneCountryCode("0x").Phone("(650) 555-0100")
	js, _ := u.MarshalJSON()
	if diff := cmp.Diff(`{"ph":["`+sha256Hex("6505550100")+`"]}`, string(js)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantWarnings := []string{"pinterest: invalid user_data.ph: " + reasonPhoneCC, "pinterest: invalid user_data.ph: " + reasonPhoneNoCC}
	if diff := cmp.Diff(wantWarnings, errTexts(u.Warnings())); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// The default code applies to phones added after it, also through Add.
	u = NewUserData().Phone("020 7946 0958").DefaultPhoneCountryCode("44").Add(FieldPhone, "020 7946 0958")
	js, _ = u.MarshalJSON()
	if diff := cmp.Diff(`{"ph":["`+sha256Hex("2079460958")+`","`+sha256Hex("442079460958")+`"]}`, string(js)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func errTexts(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
