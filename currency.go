package pinterest

import (
	"strings"

	"golang.org/x/text/currency"
)

// normalizeCurrency trims a currency code and upper-cases its ASCII letters,
// the form of ISO 4217 ("usd" becomes "USD"). Other text is left for
// validation to refuse.
func normalizeCurrency(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// knownCurrency reports whether code (three upper-case letters) is an ISO
// 4217 code, current or historic, by the CLDR data of golang.org/x/text.
func knownCurrency(code string) bool {
	_, err := currency.ParseISO(code)
	return err == nil
}

// currencyWarning returns the warning for a well-formed currency code that
// ISO 4217 does not know, "" otherwise. The code is quoted: three letters
// are no personal data, and seeing them is the fastest way to the fix.
func currencyWarning(c *CustomData) string {
	if c == nil || c.Currency == "" || !isCurrency(c.Currency) || knownCurrency(c.Currency) {
		return ""
	}
	return "custom_data.currency: " + c.Currency + " is not an ISO 4217 currency code; Pinterest may not count the value"
}

// CurrencyDigits returns the number of decimal digits of a currency's minor
// unit by ISO 4217 (the CLDR data of golang.org/x/text): 2 for USD and EUR,
// 0 for JPY and KRW, 3 for KWD and BHD. The code is case-insensitive and may
// have surrounding spaces. ok is false when the code is not an ISO 4217
// code.
func CurrencyDigits(code string) (digits int, ok bool) {
	u, err := currency.ParseISO(normalizeCurrency(code))
	if err != nil {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}

// FormatMinor formats an amount in the minor units of a currency (cents for
// USD, yen for JPY, fils for KWD) as the decimal string Pinterest expects,
// with the currency's own number of decimals (see CurrencyDigits):
// FormatMinor(7239, "USD") is "72.39", FormatMinor(7239, "JPY") is "7239",
// FormatMinor(7239, "KWD") is "7.239". An unknown currency returns "" and a
// *FieldError on custom_data.currency (errors.Is ErrInvalidValue), rather
// than guessing two decimals.
func FormatMinor(amount int64, currencyCode string) (string, error) {
	digits, ok := CurrencyDigits(currencyCode)
	if !ok {
		return "", &FieldError{Field: "custom_data.currency", Reason: "not an ISO 4217 currency code"}
	}
	return FormatMinorUnits(amount, digits), nil
}
