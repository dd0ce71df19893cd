package geo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

func TestIndexConsistent(t *testing.T) {
	for _, c := range indexConflicts {
		t.Errorf("conflicting key: %s", c)
	}
}

func TestISOTable(t *testing.T) {
	const want = 249
	if len(countries) != want {
		t.Fatalf("len(countries) = %d, want %d", len(countries), want)
	}
	a2s := make(map[string]bool, want)
	a3s := make(map[string]bool, want)
	for i, c := range countries {
		if !isLowerASCII(c.a2) || len(c.a2) != 2 {
			t.Errorf("bad alpha-2 %q", c.a2)
		}
		if !isLowerASCII(c.a3) || len(c.a3) != 3 {
			t.Errorf("bad alpha-3 %q", c.a3)
		}
		if a2s[c.a2] {
			t.Errorf("duplicate alpha-2 %q", c.a2)
		}
		if a3s[c.a3] {
			t.Errorf("duplicate alpha-3 %q", c.a3)
		}
		a2s[c.a2], a3s[c.a3] = true, true
		if i > 0 && countries[i-1].a2 >= c.a2 {
			t.Errorf("countries not sorted by alpha-2 at %q", c.a2)
		}
		if c.names == "" {
			t.Errorf("%s: no names", c.a2)
		}
	}
	if len(a2s) != want || len(a3s) != want {
		t.Errorf("distinct alpha-2 = %d, alpha-3 = %d, want %d each", len(a2s), len(a3s), want)
	}
}

// TestISOTableMatchesSystemData cross-checks the table against the ISO 3166-1
// list of Debian's iso-codes package, copied into testdata (see its README).
func TestISOTableMatchesSystemData(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "iso_3166-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entries []struct {
			Alpha2 string `json:"alpha_2"`
			Alpha3 string `json:"alpha_3"`
		} `json:"3166-1"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := make(map[string]string, len(doc.Entries))
	for _, e := range doc.Entries {
		want[strings.ToLower(e.Alpha2)] = strings.ToLower(e.Alpha3)
	}
	got := make(map[string]string, len(countries))
	for _, c := range countries {
		got[c.a2] = c.a3
	}
	for a2, a3 := range want {
		if got[a2] != a3 {
			t.Errorf("%s: alpha-3 %q, iso-codes has %q", a2, got[a2], a3)
		}
	}
	for a2 := range got {
		if _, ok := want[a2]; !ok {
			t.Errorf("%s: not in iso-codes", a2)
		}
	}
}

func TestCodesRoundTrip(t *testing.T) {
	for _, c := range countries {
		if got, ok := Country(c.a2); !ok || got != c.a2 {
			t.Errorf("Country(%q) = %q, %v; want %q", c.a2, got, ok, c.a2)
		}
		if got, ok := Country(c.a3); !ok || got != c.a2 {
			t.Errorf("Country(%q) = %q, %v; want %q", c.a3, got, ok, c.a2)
		}
	}
}

// TestShortKeys guards against names or aliases that are short enough to be
// mistaken for codes: every 2-letter key is an assigned alpha-2 code or "uk",
// and every 3-letter ASCII key is an assigned alpha-3 code or a listed alias.
func TestShortKeys(t *testing.T) {
	a2s := map[string]bool{"uk": true}
	a3s := map[string]bool{"uae": true, "drc": true}
	for _, c := range countries {
		a2s[c.a2], a3s[c.a3] = true, true
	}
	var keys []string
	for k := range countryIndex {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case len(k) <= 1:
			t.Errorf("key %q too short", k)
		case len(k) == 2 && !a2s[k]:
			t.Errorf("2-letter key %q is not an assigned alpha-2 code", k)
		case len(k) == 3 && isLowerASCII(k) && !a3s[k]:
			t.Errorf("3-letter key %q is neither an alpha-3 code nor a listed alias", k)
		}
	}
}

func TestCountry(t *testing.T) {
	tests := []struct{ key, want string }{
		// Codes and code aliases.
		{"us", "us"}, {"gb", "gb"}, {"uk", "gb"}, {"aq", "aq"}, {"ax", "ax"}, {"bq", "bq"},
		{"cw", "cw"}, {"ss", "ss"}, {"sx", "sx"}, {"ps", "ps"}, {"tw", "tw"},
		{"usa", "us"}, {"gbr", "gb"}, {"deu", "de"}, {"zaf", "za"}, {"kor", "kr"},

		// English names.
		{"unitedstates", "us"}, {"unitedkingdom", "gb"}, {"germany", "de"}, {"southafrica", "za"},
		{"bosniaandherzegovina", "ba"}, {"bosniaherzegovina", "ba"},
		{"côtedivoire", "ci"}, {"cotedivoire", "ci"}, {"ivorycoast", "ci"},
		{"curaçao", "cw"}, {"curacao", "cw"}, {"réunion", "re"}, {"reunion", "re"},
		{"ålandislands", "ax"}, {"alandislands", "ax"},
		{"saintbarthélemy", "bl"}, {"saintbarthelemy", "bl"}, {"stbarthelemy", "bl"},
		{"saintlucia", "lc"}, {"stlucia", "lc"}, {"stkittsandnevis", "kn"}, {"stkittsnevis", "kn"},
		{"türkiye", "tr"}, {"turkiye", "tr"}, {"turkey", "tr"},
		{"czechia", "cz"}, {"czechrepublic", "cz"}, {"myanmar", "mm"}, {"burma", "mm"},
		{"eswatini", "sz"}, {"swaziland", "sz"}, {"northmacedonia", "mk"}, {"macedonia", "mk"},
		{"caboverde", "cv"}, {"capeverde", "cv"}, {"timorleste", "tl"}, {"easttimor", "tl"},
		{"vietnam", "vn"}, {"laos", "la"}, {"russia", "ru"}, {"russianfederation", "ru"},
		{"iran", "ir"}, {"syria", "sy"},
		{"southkorea", "kr"}, {"korearepublicof", "kr"}, {"republicofkorea", "kr"}, {"korea", "kr"},
		{"northkorea", "kp"}, {"taiwan", "tw"}, {"palestine", "ps"},
		{"vatican", "va"}, {"vaticancity", "va"}, {"holysee", "va"},
		{"bolivia", "bo"}, {"venezuela", "ve"}, {"tanzania", "tz"}, {"moldova", "md"}, {"micronesia", "fm"},
		{"congo", "cg"}, {"democraticrepublicofthecongo", "cd"}, {"drcongo", "cd"}, {"congokinshasa", "cd"},
		{"unitedarabemirates", "ae"}, {"uae", "ae"}, {"saudiarabia", "sa"},
		{"saotomeandprincipe", "st"}, {"sãotoméandpríncipe", "st"}, {"trinidadandtobago", "tt"},
		{"georgia", "ge"}, {"dominica", "dm"}, {"dominicanrepublic", "do"}, {"niger", "ne"}, {"nigeria", "ng"},
		{"britishvirginislands", "vg"}, {"usvirginislands", "vi"}, {"hongkong", "hk"}, {"macau", "mo"},

		// Leading "the".
		{"thenetherlands", "nl"}, {"thebahamas", "bs"}, {"thegambia", "gm"},
		{"theunitedstates", "us"}, {"theunitedkingdom", "gb"}, {"theus", "us"}, {"theusa", "us"},
		{"theuk", "gb"}, {"theuae", "ae"}, {"thephilippines", "ph"},

		// Common aliases.
		{"unitedstatesofamerica", "us"}, {"america", "us"},
		{"greatbritain", "gb"}, {"britain", "gb"}, {"england", "gb"}, {"scotland", "gb"},
		{"wales", "gb"}, {"northernireland", "gb"},
		{"holland", "nl"}, {"netherlands", "nl"},

		// Native names.
		{"deutschland", "de"}, {"españa", "es"}, {"espana", "es"},
		{"österreich", "at"}, {"osterreich", "at"}, {"oesterreich", "at"},
		{"schweiz", "ch"}, {"suisse", "ch"}, {"svizzera", "ch"}, {"france", "fr"}, {"italia", "it"},
		{"nederland", "nl"}, {"belgië", "be"}, {"belgie", "be"}, {"belgique", "be"}, {"belgien", "be"},
		{"polska", "pl"}, {"sverige", "se"}, {"norge", "no"}, {"danmark", "dk"}, {"suomi", "fi"},
		{"éire", "ie"}, {"eire", "ie"}, {"ireland", "ie"}, {"portugal", "pt"}, {"brasil", "br"}, {"brazil", "br"},
		{"méxico", "mx"}, {"mexico", "mx"}, {"日本", "jp"}, {"中国", "cn"}, {"대한민국", "kr"}, {"한국", "kr"},
		{"россия", "ru"}, {"ελλάδα", "gr"}, {"česko", "cz"}, {"ceskarepublika", "cz"}, {"českárepublika", "cz"},
		{"magyarország", "hu"}, {"magyarorszag", "hu"}, {"românia", "ro"}, {"romania", "ro"},
		{"ísland", "is"}, {"island", "is"}, {"iceland", "is"},
		{"भारत", "in"}, {"भरत", "in"}, {"india", "in"},
		{"indonesia", "id"}, {"australia", "au"}, {"canada", "ca"}, {"newzealand", "nz"},
		{"argentina", "ar"}, {"chile", "cl"}, {"colombia", "co"}, {"perú", "pe"}, {"peru", "pe"},
	}
	for _, tt := range tests {
		if got, ok := Country(tt.key); !ok || got != tt.want {
			t.Errorf("Country(%q) = %q, %v; want %q, true", tt.key, got, ok, tt.want)
		}
	}
}

func TestCountryUnknown(t *testing.T) {
	for _, key := range []string{
		// Unassigned, reserved, user-assigned and withdrawn 2-letter codes.
		"zz", "xx", "eu", "un", "ez", "aa", "qo", "xk", "an", "yu", "cs", "su", "tp", "fx",
		// Unknown names and malformed keys.
		"", "narnia", "atlantis", "the", "thede", "thedeu", "kosovo", "virginislands",
		"US", "United Kingdom", "u", "usaa",
	} {
		if got, ok := Country(key); ok || got != "" {
			t.Errorf("Country(%q) = %q, %v; want \"\", false", key, got, ok)
		}
	}
}

// TestFoldCoverage checks that every Latin-script name in the tables has an
// ASCII key, i.e. latinFold covers all accented letters used.
func TestFoldCoverage(t *testing.T) {
	var names []string
	for _, c := range countries {
		names = append(names, strings.Split(c.names, "|")...)
	}
	for _, c := range nativeNames {
		names = append(names, strings.Split(c.names, "|")...)
	}
	for _, s := range states {
		names = append(names, strings.Split(s.names, "|")...)
	}
	for _, n := range names {
		letters := normalizeName(n, false)
		if letters == "" {
			t.Errorf("name %q has no letters", n)
			continue
		}
		if !allLatin(letters) {
			continue
		}
		if f := foldASCII(letters); !isLowerASCII(f) {
			t.Errorf("foldASCII(%q) = %q, not ASCII", letters, f)
		}
	}
}

func TestState(t *testing.T) {
	tests := []struct{ key, want string }{
		{"alabama", "al"}, {"alaska", "ak"}, {"arizona", "az"}, {"arkansas", "ar"}, {"california", "ca"},
		{"colorado", "co"}, {"connecticut", "ct"}, {"delaware", "de"}, {"florida", "fl"}, {"georgia", "ga"},
		{"hawaii", "hi"}, {"idaho", "id"}, {"illinois", "il"}, {"indiana", "in"}, {"iowa", "ia"},
		{"kansas", "ks"}, {"kentucky", "ky"}, {"louisiana", "la"}, {"maine", "me"}, {"maryland", "md"},
		{"massachusetts", "ma"}, {"michigan", "mi"}, {"minnesota", "mn"}, {"mississippi", "ms"}, {"missouri", "mo"},
		{"montana", "mt"}, {"nebraska", "ne"}, {"nevada", "nv"}, {"newhampshire", "nh"}, {"newjersey", "nj"},
		{"newmexico", "nm"}, {"newyork", "ny"}, {"northcarolina", "nc"}, {"northdakota", "nd"}, {"ohio", "oh"},
		{"oklahoma", "ok"}, {"oregon", "or"}, {"pennsylvania", "pa"}, {"rhodeisland", "ri"}, {"southcarolina", "sc"},
		{"southdakota", "sd"}, {"tennessee", "tn"}, {"texas", "tx"}, {"utah", "ut"}, {"vermont", "vt"},
		{"virginia", "va"}, {"washington", "wa"}, {"westvirginia", "wv"}, {"wisconsin", "wi"}, {"wyoming", "wy"},

		{"districtofcolumbia", "dc"}, {"washingtondc", "dc"},

		{"puertorico", "pr"}, {"guam", "gu"}, {"americansamoa", "as"}, {"northernmarianaislands", "mp"},
		{"usvirginislands", "vi"}, {"unitedstatesvirginislands", "vi"}, {"virginislands", "vi"},
		{"unitedstatesminoroutlyingislands", "um"},

		{"alberta", "ab"}, {"britishcolumbia", "bc"}, {"manitoba", "mb"}, {"newbrunswick", "nb"},
		{"newfoundlandandlabrador", "nl"}, {"newfoundland", "nl"}, {"novascotia", "ns"}, {"ontario", "on"},
		{"princeedwardisland", "pe"}, {"québec", "qc"}, {"quebec", "qc"}, {"saskatchewan", "sk"},
		{"northwestterritories", "nt"}, {"nunavut", "nu"}, {"yukon", "yt"}, {"yukonterritory", "yt"},
	}
	for _, tt := range tests {
		if got, ok := State(tt.key); !ok || got != tt.want {
			t.Errorf("State(%q) = %q, %v; want %q, true", tt.key, got, ok, tt.want)
		}
	}
	if n := countStates(); n != 50 {
		t.Errorf("US states in the table: %d, want 50", n)
	}
}

// countStates counts the distinct codes in the "US states" block of states.
func countStates() int {
	n := 0
	for _, s := range states {
		if s.code == "dc" {
			break
		}
		n++
	}
	return n
}

func TestStateUnknown(t *testing.T) {
	for _, key := range []string{"", "ca", "ny", "qc", "on", "dc", "nyc", "labrador", "narnia", "California", "england"} {
		if got, ok := State(key); ok || got != "" {
			t.Errorf("State(%q) = %q, %v; want \"\", false", key, got, ok)
		}
	}
}

func TestLookupsDoNotAllocate(t *testing.T) {
	keys := []string{"us", "deu", "unitedkingdom", "thenetherlands", "narnia", "theunknown"}
	allocs := testing.AllocsPerRun(100, func() {
		for _, k := range keys {
			Country(k)
		}
		State("newyork")
		State("ca")
	})
	if allocs != 0 {
		t.Errorf("lookups allocate %v times per run, want 0", allocs)
	}
}

func BenchmarkCountry(b *testing.B) {
	for _, bb := range []struct{ name, key string }{
		{"alpha2", "de"},
		{"alpha3", "deu"},
		{"name", "unitedkingdom"},
		{"the-name", "thenetherlands"},
		{"unknown", "narnia"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := Country(bb.key); ok != (bb.name != "unknown") {
					b.Fatalf("Country(%q) ok = %v", bb.key, ok)
				}
			}
		})
	}
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func allLatin(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}
