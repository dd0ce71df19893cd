package pinterest_test

import (
	"fmt"

	"github.com/capisdk/pinterest"
)

// Amounts kept in minor units are formatted with the currency's own number
// of decimals, so a yen amount is not divided by 100.
func ExampleFormatMinor() {
	for _, cur := range []string{"USD", "JPY", "KWD"} {
		v, err := pinterest.FormatMinor(7239, cur)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(cur, v)
	}
	_, err := pinterest.FormatMinor(7239, "XYZ")
	fmt.Println(err)
	// Output:
	// USD 72.39
	// JPY 7239
	// KWD 7.239
	// pinterest: invalid custom_data.currency: not an ISO 4217 currency code
}
