package pinterest

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// trickyInputs are seeds for every text fuzzer, beyond the golden inputs:
// case mappings that change the byte length, NFC compositions and
// decompositions, characters removed from every field, odd white space.
var trickyInputs = []string{
	"\u0130\u0301",                 // lowercasing enables a composition
	"A\u0308\u0301x",               // stacked marks
	"\u1100\u1161\u11a8",           // conjoining jamo compose to a syllable
	"\u0958\u0959",                 // NFC decomposes these
	"\u01c5\u01c4\u01c6",           // title-case digraphs
	"\u03a3\u0391\u03a3 \u03c2",    // capital sigma and final sigma
	"\u212a\u2126\u212b",           // Kelvin, Ohm, Angstrom signs (NFC singletons)
	"a\u200b\u0301",                // invisible between letter and mark
	"a-\u0301 b\u00ad\u0308",       // removed punctuation between letter and mark
	" \u0301x",                     // mark after white space
	"x\u00a0\u2003\u3000\u0085y",   // Unicode white space, NEL
	"\ufeff\u200c\u200d\u2060",     // only invisible
	"\x00", "\x7f", "\xff", "\xc3", // control and invalid bytes
	strings.Repeat("\u023a", 512),         // 1024 bytes that lowercase to 1536
	strings.Repeat("\u0958", 341),         // 1023 bytes that NFC makes 2046
	strings.Repeat("a", MaxValueLength),   // longest accepted
	strings.Repeat(" ", MaxValueLength+1), // too long even though blank
	upperHash, "\ufeff" + upperHash,
}

// seed adds the golden inputs of field and the tricky inputs to f.
func seed(f *testing.F, field UserField, extra ...string) {
	for _, c := range loadGolden(f) {
		if c.Field == string(field) {
			f.Add(c.input(f))
		}
	}
	for _, s := range append(extra, trickyInputs...) {
		f.Add(s)
	}
}

// checkNormalized asserts the properties shared by every normalizer: a
// *FieldError that holds no value, or valid UTF-8 output that normalizes to
// itself.
func checkNormalized(t *testing.T, field UserField, in, out string, err error, again func(string) (string, error)) {
	t.Helper()
	if err != nil {
		if out != "" {
			t.Fatalf("%q: output %q together with error %v", in, out, err)
		}
		checkFieldError(t, err, field, in)
		return
	}
	if !utf8.ValidString(out) {
		t.Fatalf("%q: output %q is not valid UTF-8", in, out)
	}
	if len(out) > MaxValueLength {
		t.Fatalf("%q: output of %d bytes", in, len(out))
	}
	if out == "" {
		return
	}
	got, err := again(out)
	if err != nil || got != out {
		t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, got, err)
	}
}

// checkFolded asserts that a lowercased text output is NFC and lowercase.
func checkFolded(t *testing.T, in, out string) {
	t.Helper()
	if !norm.NFC.IsNormalString(out) {
		t.Fatalf("%q: output %q is not NFC", in, out)
	}
	if strings.ToLower(out) != out {
		t.Fatalf("%q: output %q is not lowercase", in, out)
	}
	for _, r := range out {
		if isInvisible(r) {
			t.Fatalf("%q: output %q keeps an invisible character", in, out)
		}
	}
}

func fuzzText(f *testing.F, field UserField, fn func(string) (string, error), extra func(t *testing.T, in, out string), seeds ...string) {
	seed(f, field, seeds...)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := fn(in)
		checkNormalized(t, field, in, out, err, fn)
		if err == nil && out != "" && extra != nil {
			extra(t, in, out)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	fuzzText(f, FieldEmail, NormalizeEmail, func(t *testing.T, in, out string) {
		checkFolded(t, in, out)
		if strings.Count(out, "@") != 1 || strings.IndexFunc(out, isSpaceRune) >= 0 {
			t.Fatalf("%q: output %q is not one @ without spaces", in, out)
		}
	}, "a@b.c", "A@B.C ", "x@y..z", "\u00c9@\u00c9.\u00c9", "a @ b . c")
}

func FuzzNormalizePhone(f *testing.F) {
	for _, c := range loadGolden(f) {
		if c.Field == string(FieldPhone) {
			f.Add(c.input(f), c.cc())
		}
	}
	for _, s := range trickyInputs {
		f.Add(s, "44")
	}
	f.Add("0033 3 35 12 34 56", "33")
	f.Add("+\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "")
	f.Add("(0)(0)0 12 34 56 78", "1")
	f.Add("\U0001d7ce\U0001d7cf\U0001d7d8\U0001d7e2\U0001d7ec\U0001d7f6\U0001d7ff", "+1")
	f.Add("\uff10\uff10\uff14\uff14 20 7946 0958", "0")
	f.Fuzz(func(t *testing.T, in, cc string) {
		out, err := NormalizePhone(in, cc)
		checkNormalized(t, FieldPhone, in, out, err, func(s string) (string, error) { return NormalizePhone(s, "") })
		if err != nil || out == "" {
			return
		}
		if len(out) < 7 || len(out) > 15 || out[0] == '0' || strings.Trim(out, "0123456789") != "" {
			t.Fatalf("%q, %q: output %q is not 7-15 digits without a leading zero", in, cc, out)
		}
		// The output is international: with a + it is kept whatever the default.
		if got, err := NormalizePhone("+"+out, cc); err != nil || got != out {
			t.Fatalf("%q, %q: +%s -> %q, %v", in, cc, out, got, err)
		}
	})
}

func FuzzNormalizeGender(f *testing.F) {
	fuzzText(f, FieldGender, NormalizeGender, func(t *testing.T, in, out string) {
		if out != "f" && out != "m" && out != "n" {
			t.Fatalf("%q: output %q", in, out)
		}
	}, "NON\u00a0BINARY", "f\u0130male", "\u212a")
}

func FuzzNormalizeDateOfBirth(f *testing.F) {
	fuzzText(f, FieldDateOfBirth, NormalizeDateOfBirth, func(t *testing.T, in, out string) {
		if len(out) != 8 || strings.Trim(out, "0123456789") != "" || out < "19000101" {
			t.Fatalf("%q: output %q is not YYYYMMDD", in, out)
		}
	}, "2000-02-29T23:59:59+14:00", "1900-1-1", "0000-00-00", "9999-12-31", "2024-02-29T00:00:00.123456789Z", "20241301")
}

func FuzzNormalizeFirstName(f *testing.F) {
	fuzzText(f, FieldFirstName, NormalizeFirstName, checkName, "  Mary \t Ann  ", "Jos\u00e9 \u00a0 Mar\u00eda")
}

func FuzzNormalizeLastName(f *testing.F) {
	fuzzText(f, FieldLastName, NormalizeLastName, checkName, "O'Brien", "van\u2003der\u3000Berg")
}

func checkName(t *testing.T, in, out string) {
	t.Helper()
	checkFolded(t, in, out)
	if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
		t.Fatalf("%q: output %q has outer or doubled spaces", in, out)
	}
	for _, r := range out {
		if isSpaceRune(r) && r != ' ' {
			t.Fatalf("%q: output %q has white space other than a space", in, out)
		}
	}
}

func FuzzNormalizeCity(f *testing.F) {
	fuzzText(f, FieldCity, NormalizeCity, func(t *testing.T, in, out string) {
		checkFolded(t, in, out)
		for _, r := range out {
			if keepAlnum(r) < 0 {
				t.Fatalf("%q: output %q keeps %q", in, out, r)
			}
		}
	}, "Saint-\u00c9tienne", "a.\u0301b")
}

var (
	stateOut = regexp.MustCompile(`^[a-z]{2,3}$`)
	zipOut   = regexp.MustCompile(`^[a-z0-9]{1,10}$`)
	ctryOut  = regexp.MustCompile(`^[a-z]{2}$`)
)

func FuzzNormalizeState(f *testing.F) {
	fuzzText(f, FieldState, NormalizeState, func(t *testing.T, in, out string) {
		if !stateOut.MatchString(out) {
			t.Fatalf("%q: output %q is not a 2-3 letter code", in, out)
		}
	}, "N.Y.", "Qu\u00e9bec", "qu\u00e9bec")
}

func FuzzNormalizeZip(f *testing.F) {
	fuzzText(f, FieldZip, NormalizeZip, func(t *testing.T, in, out string) {
		if !zipOut.MatchString(out) || len(out) == 9 && strings.Trim(out, "0123456789") == "" {
			t.Fatalf("%q: output %q", in, out)
		}
	}, "12345-6789", "1234-56789", "12345\u00a06789", "ABCDE FGHIJ")
}

func FuzzNormalizeCountry(f *testing.F) {
	fuzzText(f, FieldCountry, NormalizeCountry, func(t *testing.T, in, out string) {
		if !ctryOut.MatchString(out) {
			t.Fatalf("%q: output %q", in, out)
		}
	}, "The UK", "the de", "Cote d'Ivoire", "\u00d6STERREICH")
}

func FuzzNormalizeExternalID(f *testing.F) {
	fuzzText(f, FieldExternalID, NormalizeExternalID, func(t *testing.T, in, out string) {
		if strings.TrimSpace(out) != out {
			t.Fatalf("%q: output %q is not trimmed", in, out)
		}
	}, "Cust-42", " \u00a0A\u00a0B\u00a0 ")
}

func FuzzNormalizeMobileAdID(f *testing.F) {
	fuzzText(f, FieldMobileAdID, NormalizeMobileAdID, func(t *testing.T, in, out string) {
		checkFolded(t, in, out)
		if strings.Trim(out, "0-") == "" {
			t.Fatalf("%q: all-zero output %q", in, out)
		}
	}, "0-0", "----")
}

func FuzzParseClientIP(f *testing.F) {
	seed(f, FieldClientIP, "[::ffff:1.2.3.4%eth0]:0", "1.2.3.4:00080", "[fe80::1%25eth0]", "::ffff:0:0", "[]:80", "[1.2.3.4]")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ParseClientIP(in)
		if err != nil {
			if a.IsValid() {
				t.Fatalf("%q: address %v together with error %v", in, a, err)
			}
			checkFieldError(t, err, FieldClientIP, in)
			return
		}
		if !a.IsValid() {
			return // blank
		}
		if a.IsUnspecified() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("%q: %v is unspecified, zoned or mapped", in, a)
		}
		again, err := ParseClientIP(a.String())
		if err != nil || again != a {
			t.Fatalf("not idempotent: %q -> %v -> %v, %v", in, a, again, err)
		}
	})
}

var stringOut = regexp.MustCompile(`^pinterest\.UserData\{([a-z_]+:[0-9]+( [a-z_]+:[0-9]+)*)?\}$`)

func FuzzUserData(f *testing.F) {
	f.Add(" Jane.Doe@Example.COM ", "+1 (650) 555-0100", "1", "Jos\u00e9", "Menlo Park", "94025-1234", "203.0.113.7:5123", chromeUA, " Cust-42 ")
	f.Add("", "", "", "", "", "", "", "", "")
	f.Add(upperHash, upperHash, "+44", upperHash, upperHash, upperHash, "[::1]:99999", "ua\x00", "\ufeff"+upperHash)
	f.Add("a@b@c", "555", "0", "\xff", "---", "#", "0.0.0.0", "a\"b\\c<>&\u2028", "00000000-0000-0000-0000-000000000000")
	for _, s := range trickyInputs {
		f.Add(s, s, "44", s, s, s, s, s, s)
	}
	f.Fuzz(func(t *testing.T, em, ph, cc, name, place, zip, ip, ua, id string) {
		u := NewUserData().DefaultPhoneCountryCode(cc).
			Email(em).Phone(ph).Gender(name).DateOfBirthString(zip).
			FirstName(name).LastName(name).City(place).State(place).Zip(zip).Country(place).
			ExternalID(id).MobileAdID(id).Hashed(FieldEmail, id).
			ClientIP(ip).UserAgent(ua).ClickID(id).PartnerID(name)
		js, err := u.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(js) {
			t.Fatalf("invalid JSON %s", js)
		}
		var wire map[string]json.RawMessage
		if err := json.Unmarshal(js, &wire); err != nil {
			t.Fatal(err)
		}
		for key, raw := range wire {
			if _, ok := hashedID(UserField(key)); !ok {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil || s == "" {
					t.Fatalf("%s: %s is not a non-empty string", key, raw)
				}
				continue
			}
			var hs []string
			if err := json.Unmarshal(raw, &hs); err != nil || len(hs) == 0 {
				t.Fatalf("%s: %s is not a non-empty array", key, raw)
			}
			if len(hs) != u.Count(UserField(key)) {
				t.Fatalf("%s: %d hashes, Count %d", key, len(hs), u.Count(UserField(key)))
			}
			seen := map[string]bool{}
			for _, h := range hs {
				if !isLowerHex64(h) || seen[h] {
					t.Fatalf("%s: %q is not a new 64 lowercase hex hash", key, h)
				}
				seen[h] = true
			}
		}
		// The builder agrees with the exported normalizer.
		if out, err := NormalizeEmail(em); err == nil && out != "" && !IsHashed(em) {
			if !strings.Contains(string(wire["em"]), sha256Hex(out)) {
				t.Fatalf("em %q: %s lacks the hash of %q", em, wire["em"], out)
			}
		}
		_, hasEm := wire["em"]
		_, hasMAID := wire["hashed_maids"]
		_, hasIP := wire["client_ip_address"]
		_, hasUA := wire["client_user_agent"]
		if want := hasEm || hasMAID || hasIP && hasUA; u.MeetsMinimum() != want {
			t.Fatalf("MeetsMinimum = %v for %s", !want, js)
		}
		if s := u.String(); !stringOut.MatchString(s) {
			t.Fatalf("String() = %q", s)
		}
		for _, w := range u.Warnings() {
			var fe *FieldError
			if !errors.As(w, &fe) || !errors.Is(w, ErrInvalidValue) || !knownReason(fe.Reason) {
				t.Fatalf("warning %v", w)
			}
		}
	})
}

func isSpaceRune(r rune) bool { return unicode.IsSpace(r) }
