package input

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzReader reads arbitrary bytes as CSV and as JSON Lines: no panic, rows
// numbered in increasing order, every read row either with values or with a
// reason, and no reason quoting the input beyond what the reasons' own words
// are made of (the token "ZQX" is planted in the input and must never show up).
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"email,value\na@x.com,1\n",
		"email;value\r\n\"a;ZQX\";1\r\n",
		"email,value\n\"unclosed,1\nb,2\n",
		"email,value\nZQX\"x,1\n",
		"\xEF\xBB\xBFemail\tvalue\nZQX\t\xff\n",
		"{\"email\":\"ZQX\"}\n{bad\n[1]\n",
		"\xFF\xFEe\x00,\x00v\x00\n\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{Auto, CSV, JSONL} {
			r, err := NewReader(bytes.NewReader(data), Options{Format: format})
			if err != nil {
				if strings.Contains(err.Error(), "ZQX") {
					t.Fatalf("error quotes the input: %v", err)
				}
				continue
			}
			last := 0
			for n := 0; ; n++ {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("read error from a bytes.Reader: %v", err)
				}
				if rec.Row <= last {
					t.Fatalf("row %d after row %d", rec.Row, last)
				}
				last = rec.Row
				if rec.Err != nil {
					if rec.Err.Reason == "" || len(rec.Values) != 0 {
						t.Fatalf("rejected row %d: %+v with %d values", rec.Row, rec.Err, len(rec.Values))
					}
					if strings.Contains(rec.Err.Reason, "ZQX") {
						t.Fatalf("reason quotes the input: %q", rec.Err.Reason)
					}
				} else if r.Format() != JSONL && len(rec.Values) != len(r.Header()) {
					t.Fatalf("row %d: %d values for %d columns", rec.Row, len(rec.Values), len(r.Header()))
				}
				if n > len(data)+1 {
					t.Fatalf("more rows than bytes")
				}
			}
		}
	})
}
