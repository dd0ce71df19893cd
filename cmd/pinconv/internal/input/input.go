// Package input reads the rows of a conversions file (CSV, TSV or JSON Lines)
// as a stream, in constant memory. A row that cannot be read (ragged, badly
// quoted, not UTF-8) comes back as a Record with Err set, naming the row, the
// field and the reason but never the value, and reading goes on with the next
// row.
package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format is the syntax of a file.
type Format int

// The formats read.
const (
	Auto  Format = iota // from the file name's extension, then from the content
	CSV                 // delimiter-separated values; the delimiter is detected unless given
	TSV                 // CSV with a tab delimiter
	JSONL               // one JSON object per line
)

// String returns the --format spelling: csv, tsv, jsonl or auto.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case TSV:
		return "tsv"
	case JSONL:
		return "jsonl"
	}
	return "auto"
}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "csv":
		return CSV, nil
	case "tsv", "tab":
		return TSV, nil
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	}
	return Auto, fmt.Errorf("unknown format %q: want csv, tsv or jsonl", s)
}

// FormatFromName guesses the format from a file name's extension; Auto when
// it cannot tell.
func FormatFromName(name string) Format {
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(strings.ToLower(name), ".gz")))
	switch ext {
	case ".csv":
		return CSV
	case ".tsv", ".tab":
		return TSV
	case ".jsonl", ".ndjson", ".json":
		return JSONL
	}
	return Auto
}

// Options configure a Reader.
type Options struct {
	Format    Format // Auto: from Name's extension, then from the content
	Name      string // file name, for the extension
	Delimiter rune   // CSV delimiter; 0 detects one of , ; tab | from the header line
}

// RowError says why a row could not be read. It never holds the row's values.
type RowError struct {
	Field  string // the column (or JSON key) at fault, "" for the whole row
	Reason string
}

// Record is one row of the file. Its slices are reused by the next call to
// Next.
type Record struct {
	// Row numbers the rows as a spreadsheet does: in CSV the header is row 1
	// and the first data row row 2; in JSON Lines it is the line number.
	Row int
	// Line is the line of the file on which the row starts.
	Line int
	// Values holds the row's values: for CSV one per header column, in order;
	// for JSON Lines one per scalar (arrays give one value per item).
	Values []string
	// Keys holds the JSON key (a dotted path for nested objects) of each
	// value, for JSON Lines; nil for CSV.
	Keys []string
	// Raw is the row's JSON text, for JSON Lines; "" for CSV.
	Raw string
	// Err is set when the row could not be read; Values are then empty.
	Err *RowError
}

// Reader reads the rows of one file.
type Reader struct {
	format  Format
	delim   rune
	header  []string
	csv     *csv.Reader
	br      *bufio.Reader
	counter *countingReader
	row     int
	line    int // JSONL: lines read
	rec     Record
	jl      jsonLines
}

// ErrEmpty is returned by NewReader for a file with no header row (CSV) or no
// byte at all.
var ErrEmpty = errors.New("the file is empty")

// NewReader prepares to read r. For CSV it reads the header row, skipping a
// UTF-8 byte order mark and decoding UTF-16 files that start with one.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	src, err := decodeBOM(br)
	if err != nil {
		return nil, err
	}
	rd := &Reader{format: opts.Format, counter: cr}
	if rd.format == Auto {
		rd.format = FormatFromName(opts.Name)
	}
	if rd.format == Auto {
		rd.format = sniffFormat(src)
	}
	if rd.format == JSONL {
		rd.br = src
		rd.jl.init()
		return rd, nil
	}
	rd.delim = opts.Delimiter
	if rd.delim == 0 && rd.format == TSV {
		rd.delim = '\t'
	}
	if rd.delim == 0 {
		rd.delim = sniffDelimiter(src)
	}
	if onlyCR(src) {
		src = bufio.NewReaderSize(&crReader{r: src}, 64<<10)
	}
	if rd.delim == '\t' {
		rd.format = TSV
	} else {
		rd.format = CSV
	}
	c := csv.NewReader(src)
	c.Comma = rd.delim
	c.FieldsPerRecord = -1 // checked here, per row, so that a ragged row does not stop the file
	c.ReuseRecord = true
	rd.csv = c
	h, err := c.Read()
	if err == io.EOF {
		return nil, ErrEmpty
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("header row: %v", pe.Err)
		}
		return nil, err
	}
	rd.header = make([]string, len(h))
	for i, v := range h {
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("header row: column %d is not valid UTF-8 (save the file as UTF-8)", i+1)
		}
		rd.header[i] = strings.TrimSpace(v)
	}
	rd.row = 1
	return rd, nil
}

// Format is the format being read (CSV, TSV or JSONL).
func (r *Reader) Format() Format { return r.format }

// Delimiter is the CSV delimiter in use (0 for JSON Lines).
func (r *Reader) Delimiter() rune { return r.delim }

// Header returns the CSV header's column names, trimmed; nil for JSON Lines.
func (r *Reader) Header() []string { return r.header }

// Offset returns how many bytes of the underlying file have been consumed,
// for progress reports (it runs ahead of the rows by the read buffer).
func (r *Reader) Offset() int64 { return r.counter.n }

// Next returns the next row, or io.EOF after the last one. Other errors are
// read errors of the underlying file.
func (r *Reader) Next() (*Record, error) {
	if r.format == JSONL {
		return r.nextJSON()
	}
	return r.nextCSV()
}

func (r *Reader) nextCSV() (*Record, error) {
	vals, err := r.csv.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	r.row++
	rec := &r.rec
	*rec = Record{Row: r.row}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		rec.Line = pe.StartLine
		rec.Err = &RowError{Reason: csvReason(pe)}
		return rec, nil
	}
	rec.Line, _ = r.csv.FieldPos(0)
	if len(vals) > len(r.header) && allEmpty(vals[len(r.header):]) {
		vals = vals[:len(r.header)] // trailing empty fields, as spreadsheets save them: nothing is lost
	}
	if len(vals) != len(r.header) {
		rec.Err = &RowError{Reason: "has " + strconv.Itoa(len(vals)) + " fields, the header has " + strconv.Itoa(len(r.header))}
		return rec, nil
	}
	for i, v := range vals {
		if !utf8.ValidString(v) {
			rec.Err = &RowError{Field: r.header[i], Reason: "not valid UTF-8 (save the file as UTF-8)"}
			return rec, nil
		}
	}
	rec.Values = vals
	return rec, nil
}

func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return "a quote (\") inside an unquoted field (at line " + strconv.Itoa(pe.Line) + ", byte " + strconv.Itoa(pe.Column) + ")"
	case errors.Is(pe.Err, csv.ErrQuote):
		if pe.Line > pe.StartLine {
			return "a quoted field is not closed (from line " + strconv.Itoa(pe.StartLine) + " to line " + strconv.Itoa(pe.Line) + ")"
		}
		return "a stray quote (\") in a quoted field (at byte " + strconv.Itoa(pe.Column) + ")"
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return "wrong number of fields"
	}
	return pe.Err.Error()
}

func allEmpty(vals []string) bool {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// countingReader counts the bytes read from the file.
type countingReader struct {
	r io.Reader
	n int64
}

// Read reads and counts.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeBOM skips a UTF-8 byte order mark and decodes UTF-16 (as Excel's
// "Unicode text" saves) to UTF-8.
func decodeBOM(br *bufio.Reader) (*bufio.Reader, error) {
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10), nil
	}
	return br, nil
}

// sniffFormat tells JSON Lines (the first non-blank byte is '{') from CSV.
func sniffFormat(br *bufio.Reader) Format {
	head, _ := br.Peek(4096)
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return JSONL
	}
	return CSV
}

// sniffDelimiter picks the delimiter of the header line: the most frequent of
// , ; tab | outside quotes (comma when none appears).
func sniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		switch c {
		case '"':
			quoted = !quoted
		case ',', ';', '\t', '|':
			if !quoted {
				counts[c]++
			}
		}
	}
	best, n := byte(','), 0
	for _, c := range []byte{',', ';', '\t', '|'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}

// onlyCR reports whether the file ends its lines with a lone carriage return,
// as old Macintosh CSV exports do: the first 64 KiB have a CR and no LF.
func onlyCR(br *bufio.Reader) bool {
	head, _ := br.Peek(64 << 10)
	return bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0
}

// crReader turns carriage returns into line feeds.
type crReader struct{ r io.Reader }

// Read reads, with every CR made an LF.
func (c *crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
