package convert

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
	}
	tests := []struct {
		in    string
		loc   *time.Location
		order DateOrder
		want  time.Time
	}{
		{"1700000000", nil, MDY, time.Unix(1700000000, 0)},
		{"1700000000123", nil, MDY, time.Unix(1700000000, 123e6)},
		{"1700000000.5", nil, MDY, time.Unix(1700000000, 5e8)},
		{"1700000000123456", nil, MDY, time.Unix(1700000000, 123456e3)},
		{"20190814", nil, MDY, utc(2019, 8, 14, 0, 0, 0)},
		{"2019-08-14T12:32:42Z", nil, MDY, utc(2019, 8, 14, 12, 32, 42)},
		{"2019-08-14T12:32:42.250Z", nil, MDY, time.Date(2019, 8, 14, 12, 32, 42, 250e6, time.UTC)},
		{"2019-08-14T12:32:42+0700", nil, MDY, utc(2019, 8, 14, 5, 32, 42)},
		{"2019-08-14T12:32:42+07:00", nil, MDY, utc(2019, 8, 14, 5, 32, 42)},
		{"2019-08-14T12:32:42-05", nil, MDY, utc(2019, 8, 14, 17, 32, 42)},
		{"2019-08-14 12:32:42", nil, MDY, utc(2019, 8, 14, 12, 32, 42)},
		{"2019-08-14 12:32:42 UTC", ny, MDY, utc(2019, 8, 14, 12, 32, 42)},
		{"2019-08-14 12:32", ny, MDY, utc(2019, 8, 14, 16, 32, 0)},
		{"2019-08-14", nil, MDY, utc(2019, 8, 14, 0, 0, 0)},
		{"2019/08/14", nil, DMY, utc(2019, 8, 14, 0, 0, 0)},
		{"08/14/2012", nil, MDY, utc(2012, 8, 14, 0, 0, 0)},
		{"8/4/2012", nil, MDY, utc(2012, 8, 4, 0, 0, 0)},
		{"08/14/2012 5:01:54 PM", nil, MDY, utc(2012, 8, 14, 17, 1, 54)},
		{"08/14/2012 12:01:54 AM", nil, MDY, utc(2012, 8, 14, 0, 1, 54)},
		{"08/14/2012 12:01 pm", nil, MDY, utc(2012, 8, 14, 12, 1, 0)},
		{"08/14/2012 17:01", ny, MDY, utc(2012, 8, 14, 21, 1, 0)},
		{"14/08/2012", nil, DMY, utc(2012, 8, 14, 0, 0, 0)},
		{"14.08.2012 17:01", nil, DMY, utc(2012, 8, 14, 17, 1, 0)},
		{"14-08-12", nil, DMY, utc(2012, 8, 14, 0, 0, 0)},
		{"12/08/14", nil, YMD, utc(2012, 8, 14, 0, 0, 0)},
		{" 2019-08-14T12:32:42Z ", nil, MDY, utc(2019, 8, 14, 12, 32, 42)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, tt.loc, tt.order)
		if err != nil {
			t.Errorf("ParseTime(%q, %v): %v", tt.in, tt.order, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q, %v) = %v, want %v", tt.in, tt.order, got.UTC(), tt.want)
		}
	}
}

func TestParseTimeErrors(t *testing.T) {
	tests := []struct {
		in     string
		order  DateOrder
		reason string
	}{
		{"", MDY, "empty"},
		{"yesterday", MDY, "not a time"},
		{"14/08/2012", MDY, "try --date-order dmy"},
		{"02/30/2012", MDY, "no such date"},
		{"2019-13-01", MDY, "month out of range"},
		{"2019-08-14T25:00:00Z", MDY, "out of range"},
		{"2019-08-14T12:32:42 PST", MDY, "unknown time zone"},
		{"2019-08-14T12:32:42+2500", MDY, "offset out of range"},
		{"08/14/2012 13:01 PM", MDY, "AM/PM"},
		{"12345678901234567890", MDY, "not a time"},
		{"2019-08-14x", MDY, "not a time"},
		{"08/14/2012", YMD, "--date-order is ymd"},
	}
	for _, tt := range tests {
		_, err := ParseTime(tt.in, nil, tt.order)
		if err == nil || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseTime(%q) = %v, want an error with %q", tt.in, err, tt.reason)
		}
		if err != nil && tt.in != "" && strings.Contains(err.Error(), tt.in) {
			t.Errorf("error %q holds the value", err)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"1700000000", "2019-08-14T12:32:42+0700", "08/14/2012 5:01:54 PM", "14.08.2012", "2019-08-14 12:32:42.123456789123 UTC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range []DateOrder{MDY, DMY, YMD} {
			tm, err := ParseTime(s, time.UTC, o)
			if err == nil && tm.IsZero() {
				t.Errorf("ParseTime(%q) gave the zero time without an error", s)
			}
		}
	})
}
