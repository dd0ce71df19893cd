package pinteresttest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The bodies of the "html" and "malformed" words of a fault script.
const (
	htmlBody      = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
	malformedBody = `{"num_events_received":1,"num_events_processed":`
)

// ParseFaults reads a fault script, a short text form of a list of Fault
// values for Enqueue, as typed on a command line (see cmd/pinfake). Steps are
// separated by commas and apply to consecutive requests; a step is one or
// more words joined by "+", optionally followed by "*N" to repeat it N times:
//
//	ok               the normal answer (the zero Fault)
//	200 to 599       Status: answer with this status and Pinterest's Error body
//	code=N           Code: override the "code" of that body
//	retry-after=V    RetryAfter: send V as the Retry-After header
//	delay=D          Delay: wait D (a time.ParseDuration string) first
//	drop             Drop: close the connection without an answer
//	truncate         Truncate: cut the answer in the middle
//	process          Process: record the events before applying the fault
//	html             Body: an HTML error page (status 502 unless one is given)
//	malformed        Body: JSON cut short (status 200 unless one is given)
//
// For example "503*2,ok" answers two requests 503 and the third normally,
// "429+retry-after=2" asks the client to wait two seconds, and
// "process+drop" records the events and loses the answer. Spaces around
// words are ignored; the empty script gives no faults. Requests after the
// last step are answered normally.
func ParseFaults(script string) ([]Fault, error) {
	var out []Fault
	if strings.TrimSpace(script) == "" {
		return nil, nil
	}
	for i, step := range strings.Split(script, ",") {
		f, n, err := parseStep(strings.TrimSpace(step))
		if err != nil {
			return nil, fmt.Errorf("pinteresttest: fault script step %d %q: %v", i+1, strings.TrimSpace(step), err)
		}
		for range n {
			out = append(out, f)
		}
	}
	return out, nil
}

// maxRepeat bounds "*N" so that a typo cannot allocate without limit.
const maxRepeat = 10000

func parseStep(step string) (Fault, int, error) {
	var f Fault
	n := 1
	if body, count, ok := strings.Cut(step, "*"); ok {
		c, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil || c < 1 || c > maxRepeat {
			return f, 0, fmt.Errorf("repeat count must be an integer from 1 to %d", maxRepeat)
		}
		step, n = strings.TrimSpace(body), c
	}
	if step == "" {
		return f, 0, fmt.Errorf("empty step")
	}
	var html, malformed bool
	for _, w := range strings.Split(step, "+") {
		w = strings.TrimSpace(w)
		key, val, hasVal := strings.Cut(w, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch {
		case hasVal && key == "code":
			c, err := strconv.Atoi(val)
			if err != nil {
				return f, 0, fmt.Errorf("code=%s is not an integer", val)
			}
			f.Code = c
		case hasVal && key == "retry-after":
			if val == "" {
				return f, 0, fmt.Errorf("retry-after needs a value")
			}
			f.RetryAfter = val
		case hasVal && key == "delay":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return f, 0, fmt.Errorf("delay=%s is not a duration such as 500ms or 2s", val)
			}
			f.Delay = d
		case hasVal:
			return f, 0, fmt.Errorf("unknown word %q", w)
		case key == "ok":
		case key == "drop":
			f.Drop = true
		case key == "truncate":
			f.Truncate = true
		case key == "process":
			f.Process = true
		case key == "html":
			html = true
		case key == "malformed":
			malformed = true
		default:
			s, err := strconv.Atoi(key)
			if err != nil {
				return f, 0, fmt.Errorf("unknown word %q (want ok, a status, drop, truncate, process, html, malformed, code=, retry-after= or delay=)", w)
			}
			if s < 200 || s > 599 {
				return f, 0, fmt.Errorf("status %d is not from 200 to 599", s)
			}
			f.Status = s
		}
	}
	switch {
	case html && malformed:
		return f, 0, fmt.Errorf("html and malformed exclude each other")
	case html:
		f.Body = htmlBody
		if f.Status == 0 {
			f.Status = 502
		}
	case malformed:
		f.Body = malformedBody
	}
	return f, n, nil
}
