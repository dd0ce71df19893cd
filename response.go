package pinterest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiEvents is the 200 answer (and the details of a 422).
type apiEvents struct {
	NumReceived  *int             `json:"num_events_received"`
	NumProcessed *int             `json:"num_events_processed"`
	Events       []apiEventStatus `json:"events"`
	nums         [2]int           // what the Num pointers point to, when decodeEvents scanned the answer
}

// apiEventStatus is the status of one event in an answer.
type apiEventStatus struct {
	Status         string  `json:"status"`
	ErrorMessage   *string `json:"error_message"`
	WarningMessage *string `json:"warning_message"`
}

type apiErrorBody struct {
	Code    *int            `json:"code"`
	Message *string         `json:"message"`
	Details json.RawMessage `json:"details"`
}

// maxResponseBytes bounds how much of an answer is read.
const maxResponseBytes = 8 << 20

// interpret turns an answer into per-event statuses or a request failure.
func (c *Client) interpret(resp *http.Response, data []byte, readErr error, n int) attemptResult {
	st := resp.StatusCode
	sec := c.secretsOf(resp) // servertext.go: nothing of the server's reaches an error unscrubbed
	if st == http.StatusOK {
		r := interpretOK(data, readErr, n, sec)
		r.sec = sec
		return r
	}
	apiErr := &APIError{StatusCode: st, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.clock.Now())}
	var eb apiErrorBody
	if readErr == nil && json.Unmarshal(data, &eb) == nil && (eb.Code != nil || eb.Message != nil) {
		if eb.Code != nil {
			apiErr.Code = *eb.Code
		}
		if eb.Message != nil {
			apiErr.Message = sec.text(*eb.Message)
		}
		if len(eb.Details) > 0 && string(eb.Details) != "null" {
			apiErr.Details = sec.scrubJSON(eb.Details)
		}
	} else {
		apiErr.Message = http.StatusText(st)
		apiErr.Excerpt = sec.excerpt(data)
		if readErr != nil {
			apiErr.Message += " (answer cut short: " + readErr.Error() + ")"
		}
	}
	if st >= 300 && st < 400 {
		// The client follows no redirect (see noRedirects): say why the
		// events failed rather than echo a proxy's page.
		apiErr.Message = "redirect not followed: Pinterest's API does not redirect, and the token and events go to the configured URL only"
		apiErr.Code, apiErr.Details, apiErr.Excerpt = 0, nil, ""
	}
	r := attemptResult{status: st, err: apiErr, retryAfter: apiErr.RetryAfter, sec: sec}
	switch {
	case st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable:
		r.retry = true
	case st == http.StatusUnprocessableEntity:
		// Some events failed. When the details carry per-event statuses, report them.
		var ev apiEvents
		if apiErr.Details != nil && json.Unmarshal(apiErr.Details, &ev) == nil && len(ev.Events) == n {
			r.events = &ev
		} else {
			r.ambiguous = true // some events were processed, but which is not said
		}
	case st >= 500 && st != http.StatusNotImplemented && st != http.StatusHTTPVersionNotSupported:
		r.retry, r.ambiguous = true, true
	}
	return r
}

// interpretOK reads a 200 answer: one status per event, or a failure when the
// body is not what Pinterest sends.
func interpretOK(data []byte, readErr error, n int, sec secrets) attemptResult {
	const st = http.StatusOK
	r := attemptResult{status: st}
	var ev apiEvents
	switch {
	case readErr != nil:
		r.err = &APIError{StatusCode: st, Message: "answer cut short: " + readErr.Error(), Excerpt: sec.excerpt(data)}
	case decodeEvents(data, n, &ev) != nil || ev.Events == nil: // answer_decode.go
		r.err = &APIError{StatusCode: st, Message: "answer is not the expected JSON", Excerpt: sec.excerpt(data)}
	case len(ev.Events) != n:
		r.err = &APIError{StatusCode: st, Message: "answer has " + strconv.Itoa(len(ev.Events)) + " event statuses for " + strconv.Itoa(n) + " events"}
	default:
		r.events = &ev
		return r
	}
	// Pinterest answered 200, so it probably processed the events, but the
	// answer cannot tell which: retrying is safe for de-duplicated events only.
	r.retry, r.ambiguous = true, true
	return r
}

// maxRetryAfterParsed bounds a parsed Retry-After before the policy caps it,
// so that a header of a year cannot overflow anything.
const maxRetryAfterParsed = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// Garbage, negative values and dates in the past give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	// ParseInt saturates on overflow: a huge number is capped, not ignored.
	if n, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfterParsed/time.Second) {
			return maxRetryAfterParsed
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, maxRetryAfterParsed)
	}
	return 0
}

// report writes the fate of each of the chunk's events into results: the
// per-event statuses of the last answer when it had them, else the one error
// the request failed with.
func (o outcome) report(ch chunk, results []EventResult) {
	if o.last.events != nil {
		o.mapEvents(ch, results)
		return
	}
	err := o.err()
	for _, i := range ch.idx {
		results[i].Status = StatusFailed
		results[i].Err = err
		results[i].Attempts = ch.prior + o.attempts
	}
}

// err is the error of a request that got no per-event statuses: the last
// failure, with why retrying stopped and how many attempts were made.
func (o outcome) err() error {
	err := o.failure()
	if o.ambiguous {
		return &unknownOutcome{err: err}
	}
	return err
}

// failure is the request's failure before ambiguity is accounted for.
func (o outcome) failure() error {
	err := o.last.err
	switch {
	case err == nil: // stopped before any attempt was made
		return o.stop
	case o.stop != nil:
		return fmt.Errorf("%w (after %d attempts; last failure: %w)", o.stop, o.attempts, err)
	case o.attempts > 1:
		return fmt.Errorf("pinterest: gave up after %d attempts: %w", o.attempts, err)
	}
	return err
}

// mapEvents copies Pinterest's per-event statuses to the results.
func (o outcome) mapEvents(ch chunk, results []EventResult) {
	for k, i := range ch.idx {
		e := o.last.events.Events[k]
		res := &results[i]
		res.Attempts = ch.prior + o.attempts
		if e.WarningMessage != nil && *e.WarningMessage != "" {
			res.Warnings = append(res.Warnings, o.last.sec.text(*e.WarningMessage))
		}
		if e.Status == string(StatusProcessed) {
			res.Status = StatusProcessed
			res.Err = nil
			continue
		}
		res.Status = StatusFailed
		msg := ""
		if e.ErrorMessage != nil {
			msg = o.last.sec.text(*e.ErrorMessage)
		}
		res.Err = &EventError{Message: msg}
	}
}
