package pinterest_test

import (
	"testing"

	"github.com/capisdk/pinterest"
)

// The benchmarks below measure the normalizers and the UserData builder on
// realistic, messy input. Run them on one core:
//
//	go test -run XXX -bench 'Normalize|UserData' -benchmem -cpu 1 .

const benchUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

var (
	benchOut string
	benchErr error
)

func benchNormalize(b *testing.B, fn func(string) (string, error), in string) {
	b.Helper()
	if _, err := fn(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchOut, benchErr = fn(in)
	}
}

func BenchmarkNormalizeEmail(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeEmail, " Jane.Doe@Example.COM ")
}

func BenchmarkNormalizeEmailNonASCII(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeEmail, " Jose\u0301.Mu\u0308ller@Example.COM ")
}

func BenchmarkNormalizePhone(b *testing.B) {
	benchNormalize(b, func(s string) (string, error) { return pinterest.NormalizePhone(s, "") }, "+1 (650) 555-0100")
}

func BenchmarkNormalizePhoneDefaultCode(b *testing.B) {
	benchNormalize(b, func(s string) (string, error) { return pinterest.NormalizePhone(s, "44") }, "020 7946 0958")
}

func BenchmarkNormalizeGender(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeGender, "Female")
}

func BenchmarkNormalizeDateOfBirth(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeDateOfBirth, "1990-07-04")
}

func BenchmarkNormalizeFirstName(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeFirstName, " Jane ")
}

func BenchmarkNormalizeFirstNameNonASCII(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeFirstName, " Jose\u0301 Mari\u0301a ")
}

func BenchmarkNormalizeLastName(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeLastName, "O'Brien")
}

func BenchmarkNormalizeLastNameNonASCII(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeLastName, "M\u00dcLLER-L\u00dcDENSCHEID")
}

func BenchmarkNormalizeCity(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeCity, "Menlo Park")
}

func BenchmarkNormalizeCityNonASCII(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeCity, "Saint-\u00c9tienne")
}

func BenchmarkNormalizeState(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeState, "California")
}

func BenchmarkNormalizeZip(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeZip, "94025-1234")
}

func BenchmarkNormalizeCountry(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeCountry, "United States")
}

func BenchmarkNormalizeExternalID(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeExternalID, " Cust-42 ")
}

func BenchmarkNormalizeMobileAdID(b *testing.B) {
	benchNormalize(b, pinterest.NormalizeMobileAdID, "38400000-8CF0-11BD-B23E-10B96E40000D")
}

func BenchmarkNormalizeClientIP(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		a, err := pinterest.ParseClientIP("203.0.113.7:5123")
		if err != nil || !a.IsValid() {
			b.Fatal(err)
		}
	}
}

// benchUser builds the user data of a typical web checkout from messy raw
// values: nine hashed fields plus the client IP and user agent.
func benchUser() *pinterest.UserData {
	return pinterest.NewUserData().
		Email(" Jane.Doe@Example.COM ").
		Phone("+1 (650) 555-0100").
		Gender("Female").
		DateOfBirthString("1990-07-04").
		FirstName(" Jane ").
		LastName("O'Brien").
		City("Menlo Park").
		State("California").
		Zip("94025-1234").
		Country("United States").
		ClientIP("203.0.113.7:5123").
		UserAgent(benchUA)
}

var benchJSON []byte

// BenchmarkUserDataBuild builds the user data and appends its JSON to a
// reused buffer.
func BenchmarkUserDataBuild(b *testing.B) {
	if u := benchUser(); len(u.Warnings()) != 0 || !u.MeetsMinimum() {
		b.Fatal(u.Warnings())
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = benchUser().AppendJSON(buf[:0])
	}
	benchJSON = buf
	b.ReportMetric(float64(len(buf)), "bytes/json")
}

// BenchmarkUserDataBuildMarshal builds the user data and marshals it with
// MarshalJSON, which allocates the result.
func BenchmarkUserDataBuildMarshal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		js, err := benchUser().MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		benchJSON = js
	}
}

// BenchmarkUserDataMarshal marshals an already built user data.
func BenchmarkUserDataMarshal(b *testing.B) {
	u := benchUser()
	b.ReportAllocs()
	for b.Loop() {
		benchJSON, _ = u.MarshalJSON()
	}
}
