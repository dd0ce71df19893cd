package pinteresthttp

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	tests := []struct {
		name   string
		header []string // Accept-Language field lines
		want   string
	}{
		{"absent", nil, ""},
		{"empty", []string{""}, ""},
		{"one", []string{"de"}, "de"},
		{"region dropped", []string{"en-US,en;q=0.9"}, "en"},
		{"script and region dropped", []string{"zh-Hant-TW"}, "zh"},
		{"highest weight wins", []string{"fr;q=0.5, de;q=0.9, en;q=0.7"}, "de"},
		{"equal weights: first", []string{"it, es"}, "it"},
		{"no two-letter code: next", []string{"gsw-CH, de;q=0.8"}, "de"},
		{"wildcard skipped", []string{"*, pt;q=0.1"}, "pt"},
		{"only a wildcard", []string{"*"}, ""},
		{"und skipped", []string{"und, nl;q=0.5"}, "nl"},
		{"private use skipped", []string{"x-klingon, sv;q=0.5"}, "sv"},
		{"deprecated code canonicalized", []string{"iw"}, "he"},
		{"upper case", []string{"EN-gb"}, "en"},
		{"q=0 means not acceptable", []string{"en;q=0, ja;q=0.2"}, "ja"},
		{"several field lines", []string{"ko;q=0.3", "pl;q=0.8"}, "pl"},
		{"malformed weight: other entries still count", []string{"en;q=abc, de;q=0.5"}, "de"},
		{"malformed tag: other entries still count", []string{"xx-@@-!!, fr;q=0.4"}, "fr"},
		{"unknown language skipped", []string{"zz, da;q=0.4"}, "da"},
		{"garbage only", []string{";;;,,,==="}, ""},
		{"weights out of order after a bad entry", []string{"?, fi;q=0.2, cs;q=0.6"}, "cs"},
		{"NUL byte", []string{"en\x00, de;q=0.5"}, "de"},
		{"huge header: leading entries used", []string{"ru, " + strings.Repeat("en-US;q=0.1, ", 2000)}, "ru"},
		{"huge single entry", []string{strings.Repeat("a", 5000)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			for _, v := range tt.header {
				r.Header.Add("Accept-Language", v)
			}
			if got := Language(r); got != tt.want {
				t.Errorf("Language = %q, want %q", got, tt.want)
			}
		})
	}
}
