package pinteresthttp

import (
	"net/netip"
	"strings"
)

// fwdElement is one forwarded-element of the Forwarded header (RFC 7239
// section 4): what one proxy said about the connection it received.
type fwdElement struct {
	forNode string // the for= parameter, unquoted; empty when absent
	proto   string // the proto= parameter, unquoted
	host    string // the host= parameter, unquoted
	hasFor  bool
}

// cutLastElement splits a Forwarded field value at its last comma outside a
// quoted string. It scans from the end, so that the elements the nearest
// proxies appended are found however malformed the text before them is (a
// client may send an unterminated quote for a proxy to append to).
func cutLastElement(s string) (rest, elem string, found bool) {
	inQuote := false
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '"':
			if !escaped(s, i) {
				inQuote = !inQuote
			}
		case ',':
			if !inQuote {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", s, false
}

// escaped reports whether s[i] is preceded by an odd number of backslashes,
// that is, is the second byte of a quoted-pair.
func escaped(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// parseElement parses one forwarded-element: pairs "name=value" separated by
// semicolons, each value a token or a quoted string. It reports false for
// anything else, and for one of the four parameters of RFC 7239 given twice
// (section 4 forbids it). Extension parameters are allowed and ignored. Unquoted values may also
// hold the brackets and colons of IPv6 addresses, which some proxies write
// without the quotes the RFC asks for.
func parseElement(e string) (fwdElement, bool) {
	var el fwdElement
	var seenProto, seenHost, seenBy bool
	i := 0
	for {
		i = skipOWS(e, i)
		if i == len(e) {
			return el, true
		}
		if e[i] == ';' {
			i++
			continue
		}
		start := i
		for i < len(e) && isTchar(e[i]) {
			i++
		}
		name := e[start:i]
		if name == "" || i == len(e) || e[i] != '=' {
			return el, false
		}
		i++
		var val string
		if i < len(e) && e[i] == '"' {
			var ok bool
			val, i, ok = quoted(e, i)
			if !ok {
				return el, false
			}
		} else {
			start := i
			for i < len(e) && (isTchar(e[i]) || e[i] == '[' || e[i] == ']' || e[i] == ':') {
				i++
			}
			val = e[start:i]
			if val == "" {
				return el, false
			}
		}
		i = skipOWS(e, i)
		if i < len(e) && e[i] != ';' {
			return el, false
		}
		switch {
		case strings.EqualFold(name, "for"):
			if el.hasFor {
				return el, false
			}
			el.forNode, el.hasFor = val, true
		case strings.EqualFold(name, "proto"):
			if seenProto {
				return el, false
			}
			el.proto, seenProto = val, true
		case strings.EqualFold(name, "host"):
			if seenHost {
				return el, false
			}
			el.host, seenHost = val, true
		case strings.EqualFold(name, "by"):
			if seenBy {
				return el, false
			}
			seenBy = true
		}
	}
}

// quoted reads the quoted-string starting at e[i] == '"'. It returns the
// unescaped text and the index after the closing quote.
func quoted(e string, i int) (string, int, bool) {
	i++ // opening quote
	start := i
	var b []byte // only when there are escapes
	for i < len(e) {
		c := e[i]
		switch {
		case c == '"':
			if b == nil {
				return e[start:i], i + 1, true
			}
			return string(b), i + 1, true
		case c == '\\':
			if i+1 == len(e) || !isQuotedText(e[i+1]) {
				return "", i, false
			}
			if b == nil {
				b = append(make([]byte, 0, len(e)-start), e[start:i]...)
			}
			b = append(b, e[i+1])
			i += 2
		case isQuotedText(c):
			if b != nil {
				b = append(b, c)
			}
			i++
		default:
			return "", i, false
		}
	}
	return "", i, false // unterminated
}

// isQuotedText reports whether c may appear in a quoted string: horizontal
// tab, space, visible ASCII and obs-text, but no other control character.
func isQuotedText(c byte) bool { return c == '\t' || c >= 0x20 && c != 0x7f }

// isTchar reports whether c is a token character (RFC 9110 section 5.6.2).
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// forwardedNode parses the for= value of a forwarded-element. "unknown" and
// obfuscated identifiers ("_hidden") name no address and are refused, like
// anything that is not an address.
func forwardedNode(v string) (netip.Addr, bool) {
	if v == "" || v[0] == '_' || strings.HasPrefix(strings.ToLower(v), "unknown") {
		return netip.Addr{}, false
	}
	return parseNode(v, true)
}
