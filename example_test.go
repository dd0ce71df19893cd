package pinterest_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/capisdk/pinterest"
)

// Raw personal data goes in; only normalized SHA-256 hashes (and the plain
// client IP and user agent) come out.
func ExampleNewUserData() {
	u := pinterest.NewUserData().
		Email(" Jane.Doe@Example.COM ", "jane.doe@example.com"). // one value after normalization
		Phone("+1 (650) 555-0100").
		ClientIP("203.0.113.7:5123"). // http.Request.RemoteAddr works as is
		UserAgent("Mozilla/5.0")
	js, err := json.MarshalIndent(u, "", "  ")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(js))
	fmt.Println("meets minimum:", u.MeetsMinimum())
	// Output:
	// {
	//   "em": [
	//     "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"
	//   ],
	//   "ph": [
	//     "43b63f22d478442e6d58c9ba5eef8a8b378b9990aafb681d11e231e3ceab6294"
	//   ],
	//   "client_ip_address": "203.0.113.7",
	//   "client_user_agent": "Mozilla/5.0"
	// }
	// meets minimum: true
}

// An invalid value is dropped with a warning that names the field, never the
// value; the rest of the user data is kept.
func ExampleUserData_Warnings() {
	u := pinterest.NewUserData().
		Email("jane@example.com").
		Phone("555")
	for _, w := range u.Warnings() {
		fmt.Println(w)
		var fe *pinterest.FieldError
		if errors.As(w, &fe) {
			fmt.Println("field:", fe.Field, "invalid:", errors.Is(w, pinterest.ErrInvalidValue))
		}
	}
	fmt.Println("phones:", u.Count(pinterest.FieldPhone), "e-mails:", u.Count(pinterest.FieldEmail))
	// Output:
	// pinterest: invalid user_data.ph: fewer than 7 digits
	// field: user_data.ph invalid: true
	// phones: 0 e-mails: 1
}

func ExampleNormalizeEmail() {
	e, err := pinterest.NormalizeEmail(" Jane.Doe@Example.COM ")
	fmt.Println(e, err)
	fmt.Println(pinterest.HashValue(e))

	_, err = pinterest.NormalizeEmail("jane.doe.example.com")
	fmt.Println(err)

	e, err = pinterest.NormalizeEmail("   ") // blank: nothing to send, not an error
	fmt.Printf("%q %v\n", e, err)
	// Output:
	// jane.doe@example.com <nil>
	// 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d
	// pinterest: invalid user_data.em: not an e-mail address: needs exactly one @
	// "" <nil>
}

func ExampleNormalizePhone() {
	for _, p := range []struct{ number, defaultCode string }{
		{"+1 (650) 555-0100", ""},     // international: kept as given
		{"0044 20 7946 0958", ""},     // 00 is international too
		{"+44 (0)20 7946 0958", ""},   // the (0) trunk marker goes
		{"(650) 555-0100", ""},        // national, no default code: digits as given
		{"(650) 555-0100", "1"},       // national, default code 1
		{"020 7946 0958", "44"},       // trunk 0 removed, 44 prefixed
		{"+1 650 555 0100 x12", "44"}, // extension cut, default ignored
	} {
		n, err := pinterest.NormalizePhone(p.number, p.defaultCode)
		fmt.Println(n, err)
	}
	_, err := pinterest.NormalizePhone("555", "")
	fmt.Println(err)
	// Output:
	// 16505550100 <nil>
	// 442079460958 <nil>
	// 442079460958 <nil>
	// 6505550100 <nil>
	// 16505550100 <nil>
	// 442079460958 <nil>
	// 16505550100 <nil>
	// pinterest: invalid user_data.ph: fewer than 7 digits
}

// String, %v and %#v show field names and counts, never values or hashes, so
// a UserData is safe to log.
func ExampleUserData_String() {
	u := pinterest.NewUserData().
		Email("jane@example.com", "JANE@example.com ", "j.doe@example.com").
		Phone("+44 20 7946 0958").
		Gender("unknown").
		ClientIP("203.0.113.7")
	fmt.Println(u)
	fmt.Printf("%#v\n", u)
	// Output:
	// pinterest.UserData{em:2 ph:1 client_ip_address:1 warnings:1}
	// pinterest.UserData{em:2 ph:1 client_ip_address:1 warnings:1}
}

// Values hashed elsewhere (a CRM export, say) are sent lowercased, not hashed
// again. Hashed accepts only 64 hexadecimal digits; the other setters also
// take a 64-hex value as a hash.
func ExampleUserData_Hashed() {
	const crm = "8C87B489CE35CF2E2F39F80E282CB2E804932A56A213983EEEB428407D43B52D" // jane@example.com
	u := pinterest.NewUserData().
		Hashed(pinterest.FieldEmail, crm).
		Email("Jane@Example.com"). // the same hash: de-duplicated
		Hashed(pinterest.FieldPhone, "+1 650 555 0100")
	js, _ := u.MarshalJSON()
	fmt.Println(string(js))
	fmt.Println(u.Warnings())
	fmt.Println(pinterest.IsHashed(crm), pinterest.IsHashed("jane@example.com"))
	// Output:
	// {"em":["8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"]}
	// [pinterest: invalid user_data.ph: not a SHA-256 hash: want 64 hexadecimal digits]
	// true false
}
