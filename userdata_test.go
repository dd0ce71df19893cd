package pinterest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const chromeUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// fullInputs are the raw values of fullUserData, for the leak checks.
var fullInputs = []string{
	" Jane.Doe@Example.COM ", "jane.doe@example.com", "j.doe@work.example",
	"(650) 555-0100", "+1 650 555 0100", "+44 20 7946 0958",
	"Female", "1990-07-04", "O'Brien", "Doe-Smith", " Jane ", "Janet",
	"Menlo Park", "Saint-Étienne", "California", "Québec", "94025-1234", "SW1A 1AA",
	"United States", " Cust-42 ", "cust-42", "6D92078A-8246-4BA4-AE5B-76104861E7DC",
	upperHash, "[2001:db8::1]:443", chromeUA, "dj0yJnU9aGVsbG8-", "Ramp<ID>&42",
	// and their normalized forms
	"jane.doe@example.com", "16505550100", "442079460958", "19900704", "o'brien", "doe-smith",
	"menlopark", "saintétienne", "94025", "sw1a1aa", "Cust-42", "6d92078a-8246-4ba4-ae5b-76104861e7dc",
	"2001:db8::1",
}

// fullUserData sets every field, most of them twice, with duplicates that
// collapse after normalization.
func fullUserData() *UserData {
	return NewUserData().
		Email(" Jane.Doe@Example.COM ", "jane.doe@example.com", "j.doe@work.example").
		DefaultPhoneCountryCode("1").
		Phone("(650) 555-0100", "+1 650 555 0100", "+44 20 7946 0958").
		Gender("Female", "f").
		DateOfBirthString("1990-07-04").
		DateOfBirth(time.Date(1990, 7, 4, 23, 0, 0, 0, time.FixedZone("PDT", -7*3600))).
		LastName("O'Brien", "Doe-Smith").
		FirstName(" Jane ", "Janet", "JANE").
		City("Menlo Park", "Saint-E\u0301tienne", "Saint-Étienne").
		State("California", "CA", "Québec").
		Zip("94025-1234", "SW1A 1AA", "94025").
		Country("United States", "GB", "USA").
		ExternalID(" Cust-42 ", "cust-42").
		MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC").
		Hashed(FieldEmail, upperHash).
		ClientIP("[2001:db8::1]:443").
		UserAgent(chromeUA).
		ClickID("dj0yJnU9aGVsbG8-").
		PartnerID("Ramp<ID>&42")
}

func TestUserDataFullWire(t *testing.T) {
	golden, err := os.ReadFile("testdata/userdata_full.json")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, golden); err != nil { // keeps key order and escapes
		t.Fatal(err)
	}
	u := fullUserData()
	got, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), string(got)); diff != "" {
		t.Errorf("wire JSON (-want +got):\n%s", diff)
	}
	if ws := u.Warnings(); len(ws) != 0 {
		t.Errorf("warnings: %v", ws)
	}
	// AppendJSON appends the same bytes after a prefix.
	if diff := cmp.Diff("prefix"+want.String(), string(u.AppendJSON([]byte("prefix")))); diff != "" {
		t.Errorf("AppendJSON (-want +got):\n%s", diff)
	}
	// encoding/json uses MarshalJSON, for a field and for the value itself.
	wrapped, err := json.Marshal(struct {
		U *UserData `json:"user_data"`
	}{u})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"user_data":`+want.String()+`}`, string(wrapped)); diff != "" {
		t.Errorf("json.Marshal (-want +got):\n%s", diff)
	}
	wantCounts := map[UserField]int{
		FieldEmail: 3, FieldPhone: 2, FieldGender: 1, FieldDateOfBirth: 1, FieldLastName: 2, FieldFirstName: 2,
		FieldCity: 2, FieldState: 2, FieldZip: 2, FieldCountry: 2, FieldExternalID: 2, FieldMobileAdID: 1,
		FieldClientIP: 1, FieldUserAgent: 1, FieldClickID: 1, FieldPartnerID: 1, UserField("nope"): 0,
	}
	gotCounts := map[UserField]int{}
	for f := range wantCounts {
		gotCounts[f] = u.Count(f)
	}
	if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
		t.Errorf("Count (-want +got):\n%s", diff)
	}
}

func TestUserDataEmptyAndPartial(t *testing.T) {
	var nilUD *UserData
	for _, tc := range []struct {
		name string
		u    *UserData
		want string
	}{
		{"new", NewUserData(), `{}`},
		{"nil", nilUD, `{}`},
		{"only blanks", NewUserData().Email("", " ").Phone("\t").City("\u00a0").ClientIP("").UserAgent("  ").ClickID("").PartnerID(""), `{}`},
		{"only invalid", NewUserData().Email("nope").Phone("555").ClientIP("garbage"), `{}`},
		{"one field", NewUserData().Email("jane@example.com"),
			`{"em":["8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"]}`},
		{"plain fields only", NewUserData().ClientIP("203.0.113.7:5123").UserAgent(" UA/1.0 "),
			`{"client_ip_address":"203.0.113.7","client_user_agent":"UA/1.0"}`},
		{"last plain value wins, blank keeps it", NewUserData().Add(FieldUserAgent, "A/1", "B/2", " ").Add(FieldClickID, "c1", "c2").
			Add(FieldPartnerID, "p1").Add(FieldClientIP, "203.0.113.7", "198.51.100.1", "garbage"),
			`{"client_ip_address":"198.51.100.1","client_user_agent":"B/2","click_id":"c2","partner_id":"p1"}`},
		{"ClientAddr unmaps", NewUserData().ClientAddr(netip.MustParseAddr("::ffff:203.0.113.7")),
			`{"client_ip_address":"203.0.113.7"}`},
		{"ClientAddr unspecified", NewUserData().ClientAddr(netip.IPv4Unspecified()), `{}`},
		{"ClientAddr zero", NewUserData().ClientAddr(netip.Addr{}), `{}`},
		{"user agent escaped like encoding/json", NewUserData().UserAgent("a\"b\\c<d>&\u2028e"),
			`{"client_user_agent":"a\"b\\c\u003cd\u003e\u0026\u2028e"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.u.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !json.Valid(got) {
				t.Errorf("invalid JSON %s", got)
			}
		})
	}
}

func TestUserDataMeetsMinimum(t *testing.T) {
	var nilUD *UserData
	for _, tc := range []struct {
		name string
		u    *UserData
		want bool
	}{
		{"e-mail only", NewUserData().Email("jane@example.com"), true},
		{"pre-hashed e-mail only", NewUserData().Hashed(FieldEmail, upperHash), true},
		{"mobile ad id only", NewUserData().MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC"), true},
		{"ip and user agent", NewUserData().ClientIP("203.0.113.7").UserAgent(chromeUA), true},
		{"ip alone", NewUserData().ClientIP("203.0.113.7"), false},
		{"user agent alone", NewUserData().UserAgent(chromeUA), false},
		{"invalid e-mail", NewUserData().Email("jane"), false},
		{"all-zero mobile ad id", NewUserData().MobileAdID("00000000-0000-0000-0000-000000000000"), false},
		{"invalid ip and user agent", NewUserData().ClientIP("0.0.0.0").UserAgent(chromeUA), false},
		{"everything else", NewUserData().Phone("+16505550100").FirstName("Jane").LastName("Doe").ExternalID("42").ClickID("x"), false},
		{"empty", NewUserData(), false},
		{"nil", nilUD, false},
	} {
		if got := tc.u.MeetsMinimum(); got != tc.want {
			t.Errorf("%s: MeetsMinimum = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestUserDataNoValuesInText formats a UserData in every way fmt offers and
// checks that no raw value and no hash shows.
func TestUserDataNoValuesInText(t *testing.T) {
	u := fullUserData().Email("broken-address").Phone("12")
	js, _ := u.MarshalJSON()
	var wire map[string]any
	if err := json.Unmarshal(js, &wire); err != nil {
		t.Fatal(err)
	}
	secrets := append([]string{"broken-address"}, fullInputs...)
	for _, v := range wire {
		switch v := v.(type) {
		case []any:
			for _, h := range v {
				secrets = append(secrets, h.(string), h.(string)[:16])
			}
		case string:
			secrets = append(secrets, v)
		}
	}
	want := "pinterest.UserData{em:3 ph:2 ge:1 db:1 ln:2 fn:2 ct:2 st:2 zp:2 country:2 external_id:2 hashed_maids:1 " +
		"client_ip_address:1 client_user_agent:1 click_id:1 partner_id:1 warnings:2}"
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		got := fmt.Sprintf(format, u)
		if format == "%q" {
			got, _ = strconv.Unquote(got)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", format, diff)
		}
		for _, s := range secrets {
			if len(s) > 3 && strings.Contains(got, s) {
				t.Errorf("%s output %q contains %q", format, got, s)
			}
		}
	}
	if got := u.String(); got != want {
		t.Errorf("String() = %q", got)
	}
	if got := u.GoString(); got != want {
		t.Errorf("GoString() = %q", got)
	}
	for _, w := range u.Warnings() {
		for _, s := range secrets {
			if len(s) > 3 && strings.Contains(w.Error(), s) {
				t.Errorf("warning %q contains %q", w, s)
			}
		}
	}
	// Inside other values, through %v of a struct or a slice, too.
	got := fmt.Sprintf("%v %+v", struct{ U *UserData }{u}, []*UserData{u})
	for _, s := range secrets {
		if len(s) > 3 && strings.Contains(got, s) {
			t.Errorf("nested output %q contains %q", got, s)
		}
	}
	// A value, not only a pointer, prints by String: no digest, no user agent.
	got = fmt.Sprintf("%v %+v %#v %s", *u, *u, *u, *u)
	for _, s := range secrets {
		if len(s) > 3 && strings.Contains(got, s) {
			t.Errorf("value output %q contains %q", got, s)
		}
	}
	if want := u.String(); !strings.HasPrefix(got, want+" ") {
		t.Errorf("value output %q does not start with %q", got, want)
	}
	var nilUD *UserData
	if got := fmt.Sprint(nilUD); got != "<nil>" {
		t.Errorf("nil: %q", got)
	}
	if got := NewUserData().String(); got != "pinterest.UserData{}" {
		t.Errorf("empty: %q", got)
	}
	if !regexp.MustCompile(`^pinterest\.UserData\{([a-z_]+:[0-9]+( [a-z_]+:[0-9]+)*)?\}$`).MatchString(u.String()) {
		t.Errorf("String() = %q: not only names and counts", u.String())
	}
}

func TestUserDataWarnings(t *testing.T) {
	u := NewUserData().
		Email("jane.doe.example.com").
		Phone("555").
		Gender("Alien").
		DateOfBirthString("04/07/1990").
		DateOfBirth(time.Time{}).
		State("Bavaria").
		Zip("#94025").
		Country("Narnia").
		MobileAdID("00000000-0000-0000-0000-000000000000").
		ClientIP("203.0.113.7:99999").
		UserAgent("Bad\x00Agent").
		ClickID("click\xffid").
		PartnerID(strings.Repeat("p", MaxValueLength+1)).
		Hashed(FieldExternalID, "not-a-hash-value").
		DefaultPhoneCountryCode("0044").
		FirstName("Valid")
	wantFields := []string{"em", "ph", "ge", "db", "db", "st", "zp", "country", "hashed_maids",
		"client_ip_address", "client_user_agent", "click_id", "partner_id", "external_id", "ph"}
	ws := u.Warnings()
	var gotFields []string
	values := []string{"jane.doe.example.com", "Alien", "04/07/1990", "Bavaria", "#94025", "Narnia",
		"00000000-0000-0000-0000-000000000000", "203.0.113.7:99999", "99999", "Bad\x00Agent", "Agent",
		"not-a-hash-value", "0044", "pppp"}
	for _, w := range ws {
		var fe *FieldError
		if !errors.As(w, &fe) || !errors.Is(w, ErrInvalidValue) {
			t.Errorf("warning %v (%T) is not a *FieldError", w, w)
			continue
		}
		gotFields = append(gotFields, strings.TrimPrefix(fe.Field, "user_data."))
		if !strings.HasPrefix(fe.Field, "user_data.") || !strings.Contains(w.Error(), fe.Field) {
			t.Errorf("warning %q does not name its field", w)
		}
		for _, v := range values {
			if strings.Contains(w.Error(), v) {
				t.Errorf("warning %q contains the value %q", w, v)
			}
		}
	}
	if diff := cmp.Diff(wantFields, gotFields); diff != "" {
		t.Errorf("warning fields, in input order (-want +got):\n%s", diff)
	}
	// The valid value is kept, and Warnings returns a copy.
	if u.Count(FieldFirstName) != 1 {
		t.Errorf("valid first name dropped")
	}
	ws[0] = nil
	if u.Warnings()[0] == nil {
		t.Errorf("Warnings exposes its internal slice")
	}
	if got := NewUserData().Email("jane@example.com").Warnings(); got != nil {
		t.Errorf("no warnings: got %v, want nil", got)
	}
}

// TestUserDataManyValues documents the cap on a field's values: of 1,001
// distinct e-mails the first MaxValuesPerField are kept, in order
// (Pinterest's schema sets no maxItems on user_data arrays; the SDK does).
func TestUserDataManyValues(t *testing.T) {
	const n = MaxValuesPerField
	emails := make([]string, 1001)
	for i := range emails {
		emails[i] = fmt.Sprintf("user%d@example.com", i)
	}
	u := NewUserData().Email(emails...).Email(emails[:10]...) // the repeats collapse
	if got := u.Count(FieldEmail); got != n {
		t.Fatalf("Count = %d, want %d", got, n)
	}
	js, _ := u.MarshalJSON()
	var wire struct{ Em []string }
	if err := json.Unmarshal(js, &wire); err != nil {
		t.Fatal(err)
	}
	if len(wire.Em) != n {
		t.Fatalf("%d hashes on the wire, want %d", len(wire.Em), n)
	}
	for i, h := range wire.Em { // input order kept
		if want := sha256Hex(emails[i]); h != want {
			t.Fatalf("hash %d = %s, want %s", i, h, want)
		}
	}
	// Many values over several fields keep the per-field grouping.
	u.Phone("+16505550100").City("Menlo Park")
	js, _ = u.MarshalJSON()
	var all map[string][]string
	if err := json.Unmarshal(js, &all); err != nil {
		t.Fatal(err)
	}
	if len(all["em"]) != n || len(all["ph"]) != 1 || len(all["ct"]) != 1 {
		t.Errorf("em %d, ph %d, ct %d", len(all["em"]), len(all["ph"]), len(all["ct"]))
	}
}

// TestUserDataConcurrentRead reads one built UserData from 8 goroutines; run
// it with -race.
func TestUserDataConcurrentRead(t *testing.T) {
	u := fullUserData()
	want, _ := u.MarshalJSON()
	wantString := u.String()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 64)
			for i := 0; i < 200; i++ {
				got, err := u.MarshalJSON()
				if err != nil || !bytes.Equal(got, want) {
					errs <- fmt.Sprintf("MarshalJSON: %v %s", err, got)
					return
				}
				buf = u.AppendJSON(buf[:0])
				if !bytes.Equal(buf, want) {
					errs <- "AppendJSON differs"
					return
				}
				if u.String() != wantString || !u.MeetsMinimum() || u.Count(FieldEmail) != 3 || len(u.Warnings()) != 0 {
					errs <- "String/MeetsMinimum/Count/Warnings differ"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
