package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"
)

// MaxLineBytes is the longest JSON Lines row read; a longer line is rejected
// and skipped.
const MaxLineBytes = 1 << 20

type jsonLines struct {
	buf  []byte
	keys []string
	vals []string
}

func (j *jsonLines) init() { j.buf = make([]byte, 0, 4096) }

// readLine reads one line without its end, or reports that it was too long
// (and skips the rest of it).
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	j := &r.jl
	j.buf = j.buf[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		if len(j.buf)+len(frag) <= MaxLineBytes {
			j.buf = append(j.buf, frag...)
		} else {
			tooLong = true
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && (len(j.buf) > 0 || tooLong) {
			break
		}
		return nil, false, err
	}
	line = bytes.TrimRight(j.buf, "\r\n")
	return line, tooLong, nil
}

func (r *Reader) nextJSON() (*Record, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil {
			return nil, err
		}
		r.line++
		rec := &r.rec
		*rec = Record{Row: r.line, Line: r.line}
		if tooLong {
			rec.Err = &RowError{Reason: "line longer than " + strconv.Itoa(MaxLineBytes) + " bytes"}
			return rec, nil
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue // blank lines are not rows
		}
		if !utf8.Valid(trimmed) {
			rec.Err = &RowError{Reason: "not valid UTF-8 (save the file as UTF-8)"}
			return rec, nil
		}
		if trimmed[0] != '{' {
			rec.Err = &RowError{Reason: "not a JSON object"}
			return rec, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			rec.Err = &RowError{Reason: "not valid JSON: " + jsonReason(err)}
			return rec, nil
		}
		r.jl.keys, r.jl.vals = r.jl.keys[:0], r.jl.vals[:0]
		if f, reason := r.jl.flatten("", obj, 0); reason != "" {
			rec.Err = &RowError{Field: f, Reason: reason}
			return rec, nil
		}
		rec.Keys, rec.Values, rec.Raw = r.jl.keys, r.jl.vals, string(trimmed)
		return rec, nil
	}
}

// jsonReason describes a JSON syntax error without quoting the input.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		return "unexpected " + ue.Value
	}
	return "cannot be decoded"
}

// flatten turns an object into key/value pairs in key order: nested objects
// give dotted keys, arrays one pair per item, numbers their JSON text, true
// and false "true" and "false"; null is left out.
func (j *jsonLines) flatten(prefix string, obj map[string]json.RawMessage, depth int) (field, reason string) {
	if depth > 4 {
		return prefix, "nested too deeply"
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if f, reason := j.value(key, obj[k], depth); reason != "" {
			return f, reason
		}
	}
	return "", ""
}

func (j *jsonLines) value(key string, raw json.RawMessage, depth int) (field, reason string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", ""
	}
	switch raw[0] {
	case 'n': // null
		return "", ""
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return key, "not a valid JSON string"
		}
		j.keys, j.vals = append(j.keys, key), append(j.vals, s)
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return key, "not a valid JSON object"
		}
		return j.flatten(key, obj, depth+1)
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return key, "not a valid JSON array"
		}
		for _, it := range items {
			if f, reason := j.value(key, it, depth+1); reason != "" {
				return f, reason
			}
		}
	default: // number, true, false: their text
		j.keys, j.vals = append(j.keys, key), append(j.vals, string(raw))
	}
	return "", ""
}
