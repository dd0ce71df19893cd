package input

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// got is a Record without its reused slices, for comparing.
type got struct {
	Row, Line int
	Values    []string
	Keys      []string
	Err       *RowError
}

func readAll(t *testing.T, content string, opts Options) (*Reader, []got) {
	t.Helper()
	r, err := NewReader(strings.NewReader(content), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []got
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, got{rec.Row, rec.Line, append([]string(nil), rec.Values...), append([]string(nil), rec.Keys...), rec.Err})
	}
	return r, out
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    Options
		header  []string
		delim   rune
		want    []got
	}{
		{
			name:    "plain with BOM and CRLF",
			content: "\xEF\xBB\xBFemail,value\r\na@x.com,1\r\nb@x.com,2\r\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "1"}}, {Row: 3, Line: 3, Values: []string{"b@x.com", "2"}}},
		},
		{
			name:    "semicolons detected",
			content: "email;value;note\na@x.com;72,39;\"a;b\"\n",
			header:  []string{"email", "value", "note"}, delim: ';',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "72,39", "a;b"}}},
		},
		{
			name:    "tabs detected",
			content: "email\tvalue\na@x.com\t1\n",
			header:  []string{"email", "value"}, delim: '\t',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "1"}}},
		},
		{
			name:    "pipes detected",
			content: "email|value\na@x.com|1\n",
			header:  []string{"email", "value"}, delim: '|',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "1"}}},
		},
		{
			name:    "delimiter given",
			content: "email;value,x\na;1,2\n",
			opts:    Options{Delimiter: ','},
			header:  []string{"email;value", "x"}, delim: ',',
			want: []got{{Row: 2, Line: 2, Values: []string{"a;1", "2"}}},
		},
		{
			name:    "quoted newline: rows count records, lines count lines",
			content: "email,note\na@x.com,\"two\nlines\"\nb@x.com,x\n",
			header:  []string{"email", "note"}, delim: ',',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "two\nlines"}}, {Row: 3, Line: 4, Values: []string{"b@x.com", "x"}}},
		},
		{
			name:    "ragged rows are rejected, the others go on",
			content: "email,value\na@x.com\nb@x.com,1,extra\nc@x.com,3\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{
				{Row: 2, Line: 2, Err: &RowError{Reason: "has 1 fields, the header has 2"}},
				{Row: 3, Line: 3, Err: &RowError{Reason: "has 3 fields, the header has 2"}},
				{Row: 4, Line: 4, Values: []string{"c@x.com", "3"}},
			},
		},
		{
			name:    "trailing empty fields are no ragged row",
			content: "email,value\na@x.com,1,,\nb@x.com,2, \n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "1"}}, {Row: 3, Line: 3, Values: []string{"b@x.com", "2"}}},
		},
		{
			name:    "old Macintosh line ends (CR only)",
			content: "email,value\ra@x.com,1\rb@x.com,2\r",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{{Row: 2, Line: 2, Values: []string{"a@x.com", "1"}}, {Row: 3, Line: 3, Values: []string{"b@x.com", "2"}}},
		},
		{
			name:    "bare quote",
			content: "email,value\na@x.com,7\"2\nb@x.com,1\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{
				{Row: 2, Line: 2, Err: &RowError{Reason: "a quote (\") inside an unquoted field (at line 2, byte 10)"}},
				{Row: 3, Line: 3, Values: []string{"b@x.com", "1"}},
			},
		},
		{
			name:    "stray quote in a quoted field",
			content: "email,value\n\"a@x.com\"x,1\nb@x.com,1\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{
				{Row: 2, Line: 2, Err: &RowError{Reason: "a stray quote (\") in a quoted field (at byte 9)"}},
				{Row: 3, Line: 3, Values: []string{"b@x.com", "1"}},
			},
		},
		{
			name:    "unclosed quote swallows the rest, as one rejected row",
			content: "email,value\nb@x.com,1\n\"a@x.com,1\nc@x.com,2\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{
				{Row: 2, Line: 2, Values: []string{"b@x.com", "1"}},
				{Row: 3, Line: 3, Err: &RowError{Reason: "a quoted field is not closed (from line 3 to line 4)"}},
			},
		},
		{
			name:    "invalid UTF-8 names the column",
			content: "email,name\na@x.com,Jos\xe9\nb@x.com,Ok\n",
			header:  []string{"email", "name"}, delim: ',',
			want: []got{
				{Row: 2, Line: 2, Err: &RowError{Field: "name", Reason: "not valid UTF-8 (save the file as UTF-8)"}},
				{Row: 3, Line: 3, Values: []string{"b@x.com", "Ok"}},
			},
		},
		{
			name:    "header only",
			content: "email,value\n",
			header:  []string{"email", "value"}, delim: ',',
		},
		{
			name:    "header only without newline, trimmed names",
			content: " email , value ",
			header:  []string{"email", "value"}, delim: ',',
		},
		{
			name:    "blank lines are skipped",
			content: "email,value\n\na@x.com,1\n\n",
			header:  []string{"email", "value"}, delim: ',',
			want: []got{{Row: 2, Line: 3, Values: []string{"a@x.com", "1"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, rows := readAll(t, tt.content, tt.opts)
			if diff := cmp.Diff(tt.header, r.Header()); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if r.Delimiter() != tt.delim {
				t.Errorf("delimiter %q, want %q", r.Delimiter(), tt.delim)
			}
			for i := range rows {
				if len(rows[i].Values) == 0 {
					rows[i].Values = nil
				}
				if len(rows[i].Keys) == 0 {
					rows[i].Keys = nil
				}
			}
			if diff := cmp.Diff(tt.want, rows, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	for _, content := range []string{"", "\xEF\xBB\xBF"} {
		if _, err := NewReader(strings.NewReader(content), Options{Name: "x.csv"}); !errors.Is(err, ErrEmpty) {
			t.Errorf("NewReader(%q) = %v, want ErrEmpty", content, err)
		}
	}
}

func TestUTF16(t *testing.T) {
	text := "email\tvalue\r\nzoë@x.com\t1\r\n"
	u := utf16.Encode([]rune(text))
	b := []byte{0xFF, 0xFE}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	r, rows := readAll(t, string(b), Options{})
	if diff := cmp.Diff([]string{"email", "value"}, r.Header()); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	want := []got{{Row: 2, Line: 2, Values: []string{"zoë@x.com", "1"}, Keys: []string{}}}
	if diff := cmp.Diff(want, rows, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestJSONL(t *testing.T) {
	content := `{"email":"a@x.com","user_data":{"ph":["1","2"]},"value":72.39,"opt_out":false,"x":null}` + "\n" +
		"\n" +
		`{"email": "b@x.com"` + "\n" +
		"{\"email\":\"\xff\"}\n" +
		"[1,2]\n" +
		`{"email":"c@x.com"}`
	r, rows := readAll(t, content, Options{Name: "events.jsonl"})
	if r.Format() != JSONL {
		t.Fatalf("format %v", r.Format())
	}
	want := []got{
		{Row: 1, Line: 1, Keys: []string{"email", "opt_out", "user_data.ph", "user_data.ph", "value"}, Values: []string{"a@x.com", "false", "1", "2", "72.39"}},
		{Row: 3, Line: 3, Keys: []string{}, Values: []string{}, Err: &RowError{Reason: "not valid JSON: syntax error at byte 19"}},
		{Row: 4, Line: 4, Keys: []string{}, Values: []string{}, Err: &RowError{Reason: "not valid UTF-8 (save the file as UTF-8)"}},
		{Row: 5, Line: 5, Keys: []string{}, Values: []string{}, Err: &RowError{Reason: "not a JSON object"}},
		{Row: 6, Line: 6, Keys: []string{"email"}, Values: []string{"c@x.com"}},
	}
	if diff := cmp.Diff(want, rows, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestJSONLSniffed(t *testing.T) {
	r, rows := readAll(t, "  {\"email\":\"a@x.com\"}\n", Options{Name: "-"})
	if r.Format() != JSONL || len(rows) != 1 {
		t.Fatalf("format %v, %d rows", r.Format(), len(rows))
	}
}

func TestJSONLLongLine(t *testing.T) {
	content := `{"email":"` + strings.Repeat("a", MaxLineBytes) + `"}` + "\n" + `{"email":"c@x.com"}` + "\n"
	_, rows := readAll(t, content, Options{Format: JSONL})
	if len(rows) != 2 || rows[0].Err == nil || rows[1].Err != nil || rows[1].Values[0] != "c@x.com" {
		t.Fatalf("rows: %+v", rows)
	}
}

// No reason ever contains the row's values.
func TestReasonsHaveNoValues(t *testing.T) {
	secret := "s3cr3t-value"
	for _, content := range []string{
		"email,v\n" + secret + "\n",
		"email,v\n" + secret + ",x\"y\n",
		"email,v\n\"" + secret + "\"z,1\n",
		"email,v\n" + secret + ",\xff\n",
		"email,v\n\"" + secret + ",1\n",
	} {
		_, rows := readAll(t, content, Options{Name: "x.csv"})
		for _, r := range rows {
			if r.Err != nil && (strings.Contains(r.Err.Reason, secret) || strings.Contains(r.Err.Field, secret)) {
				t.Errorf("reason %q holds the value", r.Err.Reason)
			}
		}
	}
}
