package pinterest

import "encoding/json"

// decodeEvents decodes a per-event answer of a request of n events into ev,
// with exactly the result and the error json.Unmarshal(data, ev) gives.
//
// Pinterest's answers come in one shape: {"num_events_received":N,
// "num_events_processed":K,"events":[{"status":"processed",
// "error_message":"","warning_message":""},...]}. scanEvents decodes that
// shape without reflection; anything it does not recognise (escapes,
// non-ASCII text, other keys, duplicates, more than n statuses, malformed
// JSON) is left to encoding/json, which then gives the answer, or the error.
func decodeEvents(data []byte, n int, ev *apiEvents) error {
	if scanEvents(data, n, ev) {
		return nil
	}
	*ev = apiEvents{}
	return json.Unmarshal(data, ev)
}

// Strings of the answer that are used as they are, without allocating.
var (
	answerEmpty = ""
	answerNull  = []byte("null")
)

// scanEvents decodes data into ev when data is in the shape decodeEvents
// describes, holding at most n statuses, and reports whether it did. When it
// returns false, ev holds garbage.
func scanEvents(data []byte, n int, ev *apiEvents) bool {
	s := answerScanner{b: data}
	if !s.expect('{') {
		return false
	}
	var seen uint8
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			key, ok := s.key()
			if !ok {
				return false
			}
			switch string(key) {
			case "num_events_received":
				if seen&1 != 0 || !s.int(&ev.nums[0]) {
					return false
				}
				seen |= 1
				ev.NumReceived = &ev.nums[0]
			case "num_events_processed":
				if seen&2 != 0 || !s.int(&ev.nums[1]) {
					return false
				}
				seen |= 2
				ev.NumProcessed = &ev.nums[1]
			case "events":
				if seen&4 != 0 || !s.statuses(n, ev) {
					return false
				}
				seen |= 4
			default:
				return false
			}
			if !s.more('}') {
				return false
			}
			if s.b[s.i-1] == '}' {
				break
			}
		}
	}
	s.space()
	return s.i == len(s.b)
}

// answerScanner reads the JSON of an answer, b, from position i.
type answerScanner struct {
	b []byte
	i int
}

// space skips JSON white space.
func (s *answerScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *answerScanner) peek() byte {
	s.space()
	if s.i == len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// expect consumes c, after white space.
func (s *answerScanner) expect(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// more consumes a ',' (another member follows) or end, and reports whether
// it found one of them.
func (s *answerScanner) more(end byte) bool {
	switch s.peek() {
	case ',', end:
		s.i++
		return true
	}
	return false
}

// str consumes a string of printable ASCII without escapes and returns its
// bytes, which alias b.
func (s *answerScanner) str() ([]byte, bool) {
	if !s.expect('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return nil, false // control, non-ASCII or escape: encoding/json's business
		}
		s.i++
	}
	return nil, false
}

// key consumes a member's key and its colon. Its bytes alias b: switch on
// string(key), which does not allocate.
func (s *answerScanner) key() ([]byte, bool) {
	k, ok := s.str()
	if !ok || !s.expect(':') {
		return nil, false
	}
	return k, true
}

// int consumes a non-negative integer of at most 18 digits, in JSON's form
// (no leading zero, no fraction, no exponent).
func (s *answerScanner) int(dst *int) bool {
	s.space()
	start, v := s.i, 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		v = v*10 + int(s.b[s.i]-'0')
		s.i++
	}
	digits := s.i - start
	if digits == 0 || digits > 18 || digits > 1 && s.b[start] == '0' {
		return false
	}
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	*dst = v
	return true
}

// statuses consumes the events array, of at most n objects.
func (s *answerScanner) statuses(n int, ev *apiEvents) bool {
	if !s.expect('[') {
		return false
	}
	ev.Events = make([]apiEventStatus, 0, n)
	if s.peek() == ']' {
		s.i++
		return true
	}
	for {
		if len(ev.Events) == n {
			return false
		}
		ev.Events = append(ev.Events, apiEventStatus{})
		if !s.status(&ev.Events[len(ev.Events)-1]) || !s.more(']') {
			return false
		}
		if s.b[s.i-1] == ']' {
			return true
		}
	}
}

// status consumes one {"status","error_message","warning_message"} object.
func (s *answerScanner) status(e *apiEventStatus) bool {
	if !s.expect('{') {
		return false
	}
	if s.peek() == '}' {
		s.i++
		return true
	}
	var seen uint8
	for {
		key, ok := s.key()
		if !ok {
			return false
		}
		switch string(key) {
		case "status":
			v, ok := s.str()
			if !ok || seen&1 != 0 {
				return false
			}
			seen |= 1
			switch string(v) {
			case string(StatusProcessed):
				e.Status = string(StatusProcessed)
			case string(StatusFailed):
				e.Status = string(StatusFailed)
			default:
				e.Status = string(v)
			}
		case "error_message":
			if seen&2 != 0 || !s.message(&e.ErrorMessage) {
				return false
			}
			seen |= 2
		case "warning_message":
			if seen&4 != 0 || !s.message(&e.WarningMessage) {
				return false
			}
			seen |= 4
		default:
			return false
		}
		if !s.more('}') {
			return false
		}
		if s.b[s.i-1] == '}' {
			return true
		}
	}
}

// message consumes a string or null, as json.Unmarshal fills a *string.
func (s *answerScanner) message(dst **string) bool {
	if s.peek() == 'n' {
		if len(s.b)-s.i < len(answerNull) || string(s.b[s.i:s.i+len(answerNull)]) != string(answerNull) {
			return false
		}
		s.i += len(answerNull)
		*dst = nil
		return true
	}
	v, ok := s.str()
	if !ok {
		return false
	}
	if len(v) == 0 {
		*dst = &answerEmpty // shared: the results only read it
		return true
	}
	m := string(v)
	*dst = &m
	return true
}
