// Package jsonw appends JSON tokens to byte slices without reflection. It is the
// SDK's hot-path encoder: every string it writes is escaped exactly as
// encoding/json escapes it (including HTML-sensitive characters and U+2028/U+2029),
// and invalid UTF-8 is replaced by U+FFFD, so its output decodes to the same values.
package jsonw

import (
	"strconv"
	"unicode/utf8"

	"github.com/capisdk/pinterest/internal/swar"
)

const hex = "0123456789abcdef"

// safe[b] is true for ASCII bytes that need no escaping inside a JSON string.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range []byte{'"', '\\', '<', '>', '&'} {
		t[b] = false
	}
	return t
}()

// unsafe8 reports whether any of the 8 bytes of w needs escaping or is not
// ASCII: a control character, '"', '\\', '<', '>', '&', or a byte >= 0x80.
func unsafe8(w uint64) bool {
	m := w & swar.Msb        // non-ASCII
	m |= swar.Below(w, 0x20) // control characters
	m |= swar.Equal(w, '"')  // quote
	m |= swar.Equal(w, '\\') // backslash
	m |= swar.Equal(w, '<')  // HTML characters, escaped as encoding/json does
	m |= swar.Equal(w, '>')
	m |= swar.Equal(w, '&')
	return m != 0
}

// String appends s as a quoted, escaped JSON string. Runs of 8 bytes that need
// no escaping are skipped a word at a time.
func String(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !unsafe8(swar.Load8(s, i)) {
			i += 8
			continue
		}
		if b := s[i]; b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Key appends "name": after a comma when the object already has members. first
// tells whether this is the object's first member.
func Key(dst []byte, name string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

// Int appends the decimal form of n.
func Int(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// Bool appends true or false.
func Bool(dst []byte, b bool) []byte { return strconv.AppendBool(dst, b) }
