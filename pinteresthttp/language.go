package pinteresthttp

import (
	"net/http"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// maxAcceptLanguage bounds how much of Accept-Language is read. Browsers
// send well under 200 bytes.
const maxAcceptLanguage = 1024

// Language returns the user's language for the event (language): the
// two-letter ISO 639-1 code of the most preferred language in the request's
// Accept-Language header that has one, such as "de" for
// "de-CH, fr;q=0.8" or "he" for the deprecated "iw". Languages without a
// two-letter code ("gsw", "*") are skipped; malformed entries are skipped
// and the rest still count. It returns "" when no entry qualifies.
func Language(r *http.Request) string {
	return bestLanguage(strings.Join(r.Header.Values("Accept-Language"), ","))
}

func bestLanguage(h string) string {
	if len(h) > maxAcceptLanguage {
		// Keep whole entries only.
		h = h[:maxAcceptLanguage]
		if i := strings.LastIndexByte(h, ','); i >= 0 {
			h = h[:i]
		}
	}
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil {
		// One bad entry fails the whole parse: parse entry by entry instead.
		tags = tagsOneByOne(h)
	}
	for _, t := range tags {
		if b, conf := t.Base(); conf == language.Exact {
			if code := b.String(); len(code) == 2 {
				return code
			}
		}
	}
	return ""
}

// tagsOneByOne parses each comma-separated entry of an Accept-Language
// value alone, drops those that fail, and orders the rest by weight, most
// preferred first (equal weights keep their order).
func tagsOneByOne(h string) []language.Tag {
	type weighted struct {
		t language.Tag
		q float32
	}
	var ws []weighted
	for entry := range strings.SplitSeq(h, ",") {
		tags, qs, err := language.ParseAcceptLanguage(entry)
		if err != nil || len(tags) != 1 {
			continue
		}
		ws = append(ws, weighted{tags[0], qs[0]})
	}
	slices.SortStableFunc(ws, func(a, b weighted) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	tags := make([]language.Tag, len(ws))
	for i, w := range ws {
		tags[i] = w.t
	}
	return tags
}
