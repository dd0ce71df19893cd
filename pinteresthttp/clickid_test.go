package pinteresthttp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// epik is a click id as Pinterest writes them.
const epik = "dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVUmcD0yJm49cnNBQ3F2Q2dOVDBXWWhkWklrUGxBUSZ0PUFBQUFBR1BaY3Bv"

// badEpiks are values that must never become a click id or a cookie, by why.
var badEpiks = []struct {
	name, value, reason string
}{
	{"10 KB long", strings.Repeat("a", 10<<10), reasonClickIDLong},
	{"one byte too long", strings.Repeat("a", MaxClickIDLength+1), reasonClickIDLong},
	{"newline (header injection)", "abc\r\nSet-Cookie: admin=1", reasonClickIDControl},
	{"NUL", "abc\x00def", reasonClickIDControl},
	{"tab", "abc\tdef", reasonClickIDControl},
	{"DEL", "abc\x7f", reasonClickIDControl},
	{"space", "abc def", reasonClickIDChar},
	{"semicolon (cookie injection)", "abc; Domain=evil.example", reasonClickIDChar},
	{"comma", "a,b", reasonClickIDChar},
	{"double quote", `a"b`, reasonClickIDChar},
	{"backslash", `a\b`, reasonClickIDChar},
	{"non-ASCII", "épik", reasonClickIDChar},
	{"invalid UTF-8", "a\xffb", reasonClickIDChar},
	{"control character after a space", "a b\x01", reasonClickIDControl},
}

func TestCheckClickID(t *testing.T) {
	for _, ok := range []string{epik, "a", strings.Repeat("z", MaxClickIDLength), "a=b&c", "!#$%&'()*+-./:<=>?@[]^_`{|}~"} {
		if reason := checkClickID(ok); reason != "" {
			t.Errorf("checkClickID(%.20q) = %q, want accepted", ok, reason)
		}
	}
	for _, tt := range badEpiks {
		if got := checkClickID(tt.value); got != tt.reason {
			t.Errorf("%s: checkClickID = %q, want %q", tt.name, got, tt.reason)
		}
	}
}

func TestClickID(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		cookies []string // Cookie header lines
		want    string
	}{
		{"none", "/", nil, ""},
		{"cookie", "/", []string{"_epik=" + epik}, epik},
		{"cookie among others", "/", []string{"sid=1; _epik=" + epik + "; theme=dark"}, epik},
		{"query", "/?epik=" + epik, nil, epik},
		{"query, escaped", "/?utm_source=pinterest&epik=" + url.QueryEscape("a=b&c"), nil, "a=b&c"},
		{"cookie wins over query", "/?epik=newer", []string{"_epik=" + epik}, epik},
		{"empty cookie: query", "/?epik=" + epik, []string{"_epik="}, epik},
		{"too long cookie: query", "/?epik=" + epik, []string{"_epik=" + strings.Repeat("a", 2000)}, epik},
		{"first valid cookie", "/", []string{"_epik=" + strings.Repeat("a", 2000), "_epik=second"}, "second"},
		{"bad query", "/?epik=a%00b", nil, ""},
		{"bad query, 10 KB", "/?epik=" + strings.Repeat("a", 10<<10), nil, ""},
		{"other parameter", "/?xepik=" + epik, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			for _, c := range tt.cookies {
				r.Header.Add("Cookie", c)
			}
			if got := ClickID(r); got != tt.want {
				t.Errorf("ClickID = %.40q, want %.40q", got, tt.want)
			}
		})
	}
}

func TestFindClickIDRefused(t *testing.T) {
	r := httptest.NewRequest("GET", "/?epik=a%0Ab", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: strings.Repeat("a", 2000)})
	id, refused := findClickID(r)
	want := []clickIDSource{
		{"_epik cookie", strings.Repeat("a", 2000), reasonClickIDLong},
		{"epik query parameter", "a\nb", reasonClickIDControl},
	}
	if id != "" {
		t.Errorf("id = %q, want none", id)
	}
	if diff := cmp.Diff(want, refused, cmp.AllowUnexported(clickIDSource{})); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
}
