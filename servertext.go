package pinterest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What a server sends back is copied into errors, warnings and logs only
// through the functions of this file: its texts are cut to maxServerText
// bytes, and the client's own token is replaced by redactedToken wherever it
// appears (a hostile or broken server, or a proxy, may echo the request's
// Authorization header).

// maxServerText bounds a message of the server's (APIError.Message, an
// EventError's message, a warning) kept in an error or a warning.
const maxServerText = 512

// redactedToken replaces the token in a text of the server's.
const redactedToken = "[REDACTED]"

// secrets are the Authorization headers whose tokens must never be echoed:
// the client's own, and the one the request carried (from a token source,
// it may differ).
type secrets [2]string

// secretsOf returns the secrets of an answer to one of the client's requests.
func (c *Client) secretsOf(resp *http.Response) secrets {
	var s secrets
	if cr := c.cred(); cr != nil {
		s[0] = cr.header
	}
	if resp != nil && resp.Request != nil {
		if h := resp.Request.Header.Get("Authorization"); h != s[0] {
			s[1] = h
		}
	}
	return s
}

// tokens returns the tokens of the secrets, without "Bearer ".
func (s secrets) tokens() []string {
	var out []string
	for _, h := range s {
		if _, tok, ok := strings.Cut(h, " "); ok && tok != "" {
			out = append(out, tok)
		} else if h != "" {
			out = append(out, h)
		}
	}
	return out
}

// scrub replaces every token in text.
func (s secrets) scrub(text string) string {
	for _, tok := range s.tokens() {
		text = strings.ReplaceAll(text, tok, redactedToken)
	}
	return text
}

// text makes a message of the server's fit for an error: scrubbed, then cut
// to maxServerText bytes at a UTF-8 boundary, saying how much was cut.
func (s secrets) text(msg string) string {
	if msg == "" {
		return ""
	}
	return capText(s.scrub(msg), maxServerText)
}

// scrubJSON replaces every token in raw JSON, as is and as JSON escapes it.
func (s secrets) scrubJSON(raw json.RawMessage) json.RawMessage {
	for _, tok := range s.tokens() {
		esc, _ := json.Marshal(tok)
		for _, form := range [][]byte{[]byte(tok), esc[1 : len(esc)-1]} {
			if bytes.Contains(raw, form) {
				raw = bytes.ReplaceAll(raw, form, []byte(redactedToken))
			}
		}
	}
	return raw
}

// excerpt returns the start of a body for an error, scrubbed before it is cut
// so that no part of a token survives the cut.
func (s secrets) excerpt(b []byte) string {
	head := b
	if n := excerptBytes + len(s[0]) + len(s[1]); len(head) > n {
		head = head[:n]
	}
	return excerpt([]byte(s.scrub(string(head))))
}

// capText cuts s to at most max bytes at a UTF-8 boundary, saying how much
// was cut.
func capText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (" + strconv.Itoa(len(s)-cut) + " more bytes cut)"
}
